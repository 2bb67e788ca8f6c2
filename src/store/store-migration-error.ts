/**
 * The conversation store's database schema could not be brought to the version this build needs:
 * a migration failed, or one that was applied earlier no longer matches the code.
 */
export class StoreMigrationError extends Error {
  override readonly name = 'StoreMigrationError';
  /** The migration's version number. */
  readonly version: number;

  constructor(version: number, message: string) {
    super(message);
    this.version = version;
  }
}

/** True when `error` is a {@link StoreMigrationError}. */
export function isStoreMigrationError(error: unknown): error is StoreMigrationError {
  return error instanceof StoreMigrationError;
}
