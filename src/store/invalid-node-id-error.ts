/** A string used as a node id that is not 64 lowercase hex characters; rejected before any I/O. */
export class InvalidNodeIdError extends Error {
  override readonly name = 'InvalidNodeIdError';
  /** The rejected value, as given. */
  readonly value: unknown;

  constructor(value: unknown) {
    // Ids come from callers and may be arbitrary text: show a bounded, quoted excerpt only.
    const shown =
      typeof value === 'string'
        ? JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value)
        : typeof value;
    super(
      `Invalid node id ${shown}: a node id is the SHA-256 of the node, 64 lowercase hex characters. ` +
        'Check where the id came from (a head, checkpoint or parent field).',
    );
    this.value = value;
  }
}

/** True when `error` is an {@link InvalidNodeIdError}. */
export function isInvalidNodeIdError(error: unknown): error is InvalidNodeIdError {
  return error instanceof InvalidNodeIdError;
}
