/** Where the store was looking when a node turned out to be missing; shapes the error message. */
export interface NodeNotFoundContext {
  /** The head whose conversation was being read when the node was missing. */
  head?: string;
  /** The node being stored whose parent is missing. */
  parentOf?: string;
}

/** A node id that is well formed but not in the store. */
export class NodeNotFoundError extends Error {
  override readonly name = 'NodeNotFoundError';
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

/** True when `error` is a {@link NodeNotFoundError}. */
export function isNodeNotFoundError(error: unknown): error is NodeNotFoundError {
  return error instanceof NodeNotFoundError;
}
