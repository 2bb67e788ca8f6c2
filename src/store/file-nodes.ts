/**
 * The filesystem store's nodes: one file per node at `nodes/<first 2 hex of id>/<remaining 62>.json`
 * holding the node's canonical JSON, so `sha256(file) === id`. The two-character shard keeps
 * directories small. Every read from disk is verified against the id.
 */
import path from 'node:path';
import type { StoredNode } from '../domain/session';
import type { AtomicFiles } from './atomic-files';
import { NodeNotFoundError, type NodeNotFoundContext } from './errors';
import { fileExists, holdsBytes, isMissingFile, type StoreFileSystem } from './file-system';
import type { NodeCache } from './node-cache';
import { decodeNode, type EncodedNode } from './node-encoding';
import { checkedNodeId } from './store-ids';

const NODES_DIR = 'nodes';

/** Reads and writes node files under one root, through the store's cache. */
export class FileNodes {
  /** In-flight writes by id, so concurrent puts of one node write it once. */
  private readonly writes = new Map<string, Promise<void>>();

  constructor(
    private readonly root: string,
    private readonly fs: StoreFileSystem,
    private readonly files: AtomicFiles,
    private readonly cache: NodeCache,
  ) {}

  /**
   * The file that holds node `id`.
   * @throws InvalidNodeIdError when `id` is not 64 lowercase hex characters: that check is what
   *   keeps caller-supplied text out of filesystem paths.
   */
  fileFor(id: string): string {
    checkedNodeId(id);
    return path.join(this.root, NODES_DIR, id.slice(0, 2), `${id.slice(2)}.json`);
  }

  /** True when the node is cached or its file exists (contents are verified on read). */
  async exists(id: string): Promise<boolean> {
    const file = this.fileFor(id);
    if (this.cache.hasNode(id)) return true;
    return fileExists(this.fs, file);
  }

  /** Throws NodeNotFoundError (with `context`) unless the node is stored. */
  async require(id: string, context: NodeNotFoundContext): Promise<void> {
    if (!(await this.exists(id))) throw new NodeNotFoundError(id, context);
  }

  /** Reads and verifies a node from the cache or disk. `context` names what was being read. */
  async load(id: string, context: NodeNotFoundContext): Promise<StoredNode> {
    const cached = this.cache.node(id);
    if (cached !== undefined) return cached;
    const file = this.fileFor(id);
    let bytes: Uint8Array;
    try {
      bytes = await this.fs.readFile(file);
    } catch (error) {
      if (isMissingFile(error)) throw new NodeNotFoundError(id, context);
      throw error;
    }
    const node = decodeNode(id, bytes, file);
    this.cache.remember(id, node);
    return node;
  }

  /** Writes one node (once, however many calls store it at the same time). */
  async write(encoded: EncodedNode): Promise<void> {
    if (this.cache.hasNode(encoded.id)) return;
    let pending = this.writes.get(encoded.id);
    if (pending === undefined) {
      pending = this.writeFile(encoded).finally(() => this.writes.delete(encoded.id));
      this.writes.set(encoded.id, pending);
    }
    await pending;
    this.cache.remember(encoded.id, encoded.node);
  }

  /**
   * Writes a chain (each node the parent of the next): the temp files together, then the names in
   * order, root first, then one round of directory fsyncs. A process that dies part-way leaves
   * every stored node with its parent (renames are ordered, and the filesystem's journal keeps them
   * in that order). A node another call is writing already makes the chain go one node at a time
   * (a write of the same node racing this one would be harmless too: same bytes, same name).
   */
  async writeChain(chain: readonly EncodedNode[]): Promise<void> {
    const todo = chain.filter((e) => !this.cache.hasNode(e.id));
    if (todo.length <= 1 || todo.some((e) => this.writes.has(e.id))) {
      for (const encoded of todo) await this.write(encoded);
      return;
    }
    // A turn's nodes are new, so they are not read first (see AtomicFiles.stage).
    const staged = await Promise.allSettled(todo.map((e) => this.files.stage(this.fileFor(e.id), e.json)));
    const temps = staged.flatMap((r) => (r.status === 'fulfilled' ? [r.value.temp] : []));
    const dirs = new Set<string>();
    let named = 0;
    try {
      for (const [i, result] of staged.entries()) {
        if (result.status === 'rejected') throw result.reason;
        const file = this.fileFor(todo[i]!.id);
        await this.fs.rename(result.value.temp, file);
        named++;
        dirs.add(path.dirname(file));
        // A freshly created shard directory must itself be durable in `nodes/`.
        if (result.value.created) dirs.add(path.dirname(path.dirname(file)));
      }
    } catch (error) {
      // Temp files that never got their names are removed, not left behind.
      await Promise.all(temps.slice(named).map((t) => this.fs.unlink(t).catch(() => undefined)));
      throw error;
    }
    await Promise.all([...dirs].map((dir) => this.files.syncDirectory(dir)));
    for (const encoded of todo) this.cache.remember(encoded.id, encoded.node);
  }

  private async writeFile({ id, json }: EncodedNode): Promise<void> {
    const file = this.fileFor(id);
    // Usually absent; when present and intact this is the idempotent no-op (a damaged file is
    // rewritten, which repairs it).
    if (await holdsBytes(this.fs, file, Buffer.from(json, 'utf8'))) return;
    await this.files.write(file, json);
  }
}
