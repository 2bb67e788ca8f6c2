/** Thrown when a fault given to the offline model is not one it knows how to inject. */
export class InvalidFaultError extends Error {
  override readonly name = 'InvalidFaultError';
}

/** Type guard for {@link InvalidFaultError}. */
export function isInvalidFaultError(err: unknown): err is InvalidFaultError {
  return err instanceof InvalidFaultError;
}
