/** A caller's input is malformed (an id, a flag, a file); nothing was sent or changed. */
export class InvalidInputError extends Error {
  override readonly name = 'InvalidInputError';
}

export function isInvalidInputError(err: unknown): err is InvalidInputError {
  return err instanceof InvalidInputError;
}
