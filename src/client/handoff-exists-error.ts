/** A handoff for this SPEC has already run (or is running): its workflow id is taken. */
export class HandoffExistsError extends Error {
  override readonly name = 'HandoffExistsError';
  constructor(
    message: string,
    /** The handoff's workflow id (`handoff-<spec_id>`). */
    readonly handoffId: string,
  ) {
    super(message);
  }
}

export function isHandoffExistsError(err: unknown): err is HandoffExistsError {
  return err instanceof HandoffExistsError;
}
