/**
 * The deepest node two conversations share: the fork point that a merge starts from.
 */

/**
 * Returns the id of the deepest node that appears in both paths, or `null` when they share no
 * node (different roots). Both paths are root first, as `ConversationStore.path` returns them.
 *
 * Because a node's id covers its parent's id, sharing a node means sharing the whole prefix up
 * to it; the answer is therefore the last node of `pathB` that also occurs in `pathA`, which is
 * also correct for paths that are not aligned from the same root (for instance a suffix).
 *
 * Pure, no I/O.
 *
 * @example
 * commonAncestor(await store.path(headA), await store.path(headB)); // fork point id or null
 */
export function commonAncestor(
  pathA: readonly { readonly id: string }[],
  pathB: readonly { readonly id: string }[],
): string | null {
  const inA = new Set(pathA.map((n) => n.id));
  for (let i = pathB.length - 1; i >= 0; i--) {
    const id = pathB[i]?.id;
    if (id !== undefined && inA.has(id)) return id;
  }
  return null;
}
