/** A stored node whose bytes do not hash to its id or do not form a valid node; it was not used. */
export class CorruptNodeError extends Error {
  override readonly name = 'CorruptNodeError';
  /** The id the node was stored under. */
  readonly id: string;
  /** Where the bad bytes are (a file path for the filesystem store). */
  readonly location: string;
  /** What was wrong with the bytes. */
  readonly reason: string;

  constructor(id: string, location: string, reason: string) {
    super(
      `Node ${id} in ${location} is corrupt: ${reason}. The node was not used. ` +
        'Restore the file from a backup or another copy of the store, or roll the session back to a checkpoint before it.',
    );
    this.id = id;
    this.location = location;
    this.reason = reason;
  }
}

/** True when `error` is a {@link CorruptNodeError}. */
export function isCorruptNodeError(error: unknown): error is CorruptNodeError {
  return error instanceof CorruptNodeError;
}
