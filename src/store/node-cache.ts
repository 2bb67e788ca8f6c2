/**
 * The in-memory caches both backends keep in front of their storage: recently read or written
 * nodes, and conversations (paths) by head. Safe without invalidation because a node never
 * changes: an id names the same content forever, and so does the path to a head.
 */
import { LRUCache } from 'lru-cache';
import type { StoredNode } from '../domain/session';
import { walkPath } from './path-walk';

/** Cache sizes, as each backend's options take them. */
export interface NodeCacheOptions {
  /** How many recently read or written nodes to keep in memory (default 10 000). */
  nodeCacheSize?: number;
  /**
   * Budget of the per-head path cache, counted in nodes summed over all cached paths (default
   * 250 000): memory stays bounded however many heads are read. A single path longer than this
   * is not cached.
   */
  pathCacheNodes?: number;
}

/** Nodes by id and conversations by head, each bounded. */
export class NodeCache {
  private readonly nodes: LRUCache<string, StoredNode>;
  private readonly paths: LRUCache<string, readonly StoredNode[]>;

  constructor(options: NodeCacheOptions) {
    this.nodes = new LRUCache({ max: options.nodeCacheSize ?? 10_000 });
    this.paths = new LRUCache({
      maxSize: options.pathCacheNodes ?? 250_000,
      sizeCalculation: (p) => Math.max(1, p.length),
    });
  }

  /** The node, when it is cached. */
  node(id: string): StoredNode | undefined {
    return this.nodes.get(id);
  }

  /** True when the node is cached (it is then known to be stored intact). */
  hasNode(id: string): boolean {
    return this.nodes.has(id);
  }

  /** Caches a node that was just written or read and verified. */
  remember(id: string, node: StoredNode): void {
    this.nodes.set(id, node);
  }

  /**
   * The conversation from the root to `head`, root first (a frozen array, cached per head). The
   * walk loads nodes with `loadNode` and stops at the first ancestor whose path is cached.
   */
  async path(head: string, loadNode: (id: string) => Promise<StoredNode>): Promise<readonly StoredNode[]> {
    const cached = this.paths.get(head);
    if (cached !== undefined) return cached;
    const result = await walkPath(head, loadNode, (id) => this.paths.get(id));
    this.paths.set(head, result);
    return result;
  }

  /**
   * After an append: the new head's path is the old one plus the new nodes. Cached now when the
   * old one is, so the next turn's `path` reads nothing from storage.
   */
  extendPath(head: string | null, newHead: string, nodes: readonly StoredNode[]): void {
    const base = head === null ? [] : this.paths.get(head);
    if (base !== undefined) this.paths.set(newHead, Object.freeze([...base, ...nodes]));
  }

  /** Drops everything (on close). */
  clear(): void {
    this.nodes.clear();
    this.paths.clear();
  }
}
