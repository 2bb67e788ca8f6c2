/**
 * A handoff ran and failed: its input or a package was invalid (the message names the field), or
 * an agent's session failed. `type` is the workflow's failure type (`InvalidHandoffInput`,
 * `InvalidHandoffPackage`, `AgentFailed`).
 */
export class HandoffFailedError extends Error {
  override readonly name = 'HandoffFailedError';
  constructor(
    message: string,
    readonly type: string | undefined,
    /** The handoff's workflow id. */
    readonly handoffId: string,
  ) {
    super(message);
  }
}

export function isHandoffFailedError(err: unknown): err is HandoffFailedError {
  return err instanceof HandoffFailedError;
}
