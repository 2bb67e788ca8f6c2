/** A node or message given to the store that does not have the shape of a `MessageNode`; nothing was written. */
export class InvalidNodeError extends Error {
  override readonly name = 'InvalidNodeError';
  /** What was wrong, with the path of the offending field. */
  readonly problem: string;

  constructor(problem: string) {
    super(`Invalid conversation node: ${problem}. Nothing was stored.`);
    this.problem = problem;
  }
}

/** True when `error` is an {@link InvalidNodeError}. */
export function isInvalidNodeError(error: unknown): error is InvalidNodeError {
  return error instanceof InvalidNodeError;
}
