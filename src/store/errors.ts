import { BatonError } from '../domain/errors';
import { formatCount } from '../domain/format';

/** Where the store was looking when a node turned out to be missing; shapes the error message. */
export interface NodeNotFoundContext {
  /** The head whose conversation was being read when the node was missing. */
  head?: string;
  /** The node being stored whose parent is missing. */
  parentOf?: string;
}

/** A node id that is well formed but not in the store. */
export class NodeNotFoundError extends BatonError {
  /** The id that was not found. */
  readonly id: string;
  /** The head being read when the node was missing, if any. */
  readonly head: string | undefined;

  constructor(id: string, context: NodeNotFoundContext = {}) {
    const where =
      context.parentOf !== undefined
        ? ` (it is the parent of node ${context.parentOf}, which cannot be stored without it)`
        : context.head !== undefined && context.head !== id
          ? ` while reading the conversation at head ${context.head}`
          : '';
    super(
      `Node ${id} was not found in the conversation store${where}. ` +
        'The store may be incomplete (a node was deleted or not copied from another store) or the id may be wrong.',
    );
    this.id = id;
    this.head = context.head;
  }
}

/** A string used as a node id that is not 64 lowercase hex characters; rejected before any I/O. */
export class InvalidNodeIdError extends BatonError {
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

/** A node or message given to the store that does not have the shape of a `MessageNode`; nothing was written. */
export class InvalidNodeError extends BatonError {
  /** What was wrong, with the path of the offending field. */
  readonly problem: string;

  constructor(problem: string) {
    super(`Invalid conversation node: ${problem}. Nothing was stored.`);
    this.problem = problem;
  }
}

/** A stored node whose bytes do not hash to its id or do not form a valid node; it was not used. */
export class CorruptNodeError extends BatonError {
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

/** A conversation store used after `close()`. */
export class StoreClosedError extends BatonError {
  constructor(store: string) {
    super(`The ${store} conversation store is closed. Open a new one with openConversationStore().`);
  }
}

/** A conversation store URL that this build cannot open (unknown scheme, unsupported backend, bad path). */
export class StoreUrlError extends BatonError {}

/** The store's database could not be reached or refused the connection; the message redacts the password. */
export class StoreUnavailableError extends BatonError {
  /** The driver's error code (`ECONNREFUSED`, `28P01`, …) when there is one. */
  readonly code: string | undefined;

  constructor(message: string, code?: string) {
    super(message);
    this.code = code;
  }
}

/** The database schema could not be brought to this build's version: a migration failed or no longer matches. */
export class StoreMigrationError extends BatonError {
  /** The migration's version number. */
  readonly version: number;

  constructor(version: number, message: string) {
    super(message);
    this.version = version;
  }
}

/** A blob id that is not 64 lowercase hex characters; rejected before any I/O. */
export class InvalidBlobIdError extends BatonError {
  constructor(value: unknown) {
    const shown =
      typeof value === 'string'
        ? JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value)
        : typeof value;
    super(`Invalid blob id ${shown}: a blob id is the SHA-256 of its bytes, 64 lowercase hex characters.`);
  }
}

/** No blob (a checkpoint bundle, say) with this id is stored. */
export class BlobNotFoundError extends BatonError {
  /** The id that was not found. */
  readonly id: string;

  constructor(id: string, location: string) {
    super(
      `Blob ${id} is not in ${location}. It was stored by a worker using another conversation store, or removed; ` +
        'point this worker at the same BATON_STORE_URL as the one that stored it.',
    );
    this.id = id;
  }
}

/** A stored blob whose bytes do not hash to its id; it was not used. */
export class CorruptBlobError extends BatonError {
  /** The id the blob was stored under. */
  readonly id: string;

  constructor(id: string, location: string) {
    super(
      `Blob ${id} in ${location} is corrupt: its bytes do not hash to its id. It was not used; restore it from a backup of the store.`,
    );
    this.id = id;
  }
}

/** Bytes larger than a store keeps in one blob. */
export class BlobTooLargeError extends BatonError {
  constructor(bytes: number, max: number) {
    super(
      `A blob of ${formatCount(bytes)} bytes is larger than the store keeps (${formatCount(max)} bytes). ` +
        'Keep large build output and dependencies out of the workspace repository (.gitignore them).',
    );
  }
}

/** The `code` of a Node.js system error or a node-postgres error (its SQLSTATE), if it has one. */
export function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}
