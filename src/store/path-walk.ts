import type { StoredNode } from '../domain/session';

/**
 * Walks from `head` to the root, newest first, and returns the path root first. It stops at the
 * first ancestor whose path is already cached, so extending a conversation that was read before
 * costs one node per new message, not one per message of the whole conversation. Backends differ
 * only in how they load (and verify) one node.
 *
 * Terminates: every loaded node is verified against its id and an id covers its parent's id, so a
 * cycle would need a SHA-256 fixed point.
 */
export async function walkPath(
  head: string,
  loadNode: (id: string) => Promise<StoredNode>,
  cachedPath: (id: string) => readonly StoredNode[] | undefined,
): Promise<readonly StoredNode[]> {
  const newestFirst: StoredNode[] = [];
  let prefix: readonly StoredNode[] = [];
  let id = head;
  for (;;) {
    const node = await loadNode(id);
    newestFirst.push(node);
    if (node.parent === null) break;
    const ancestorPath = cachedPath(node.parent);
    if (ancestorPath !== undefined) {
      prefix = ancestorPath;
      break;
    }
    id = node.parent;
  }
  return Object.freeze([...prefix, ...newestFirst.reverse()]);
}
