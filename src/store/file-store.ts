/**
 * The filesystem conversation store: the embedded default, one JSON file per node under a root
 * directory (conventionally `.baton/store`). Files are written atomically and verified against
 * their id on every read from disk, so a crash or a stray edit can never feed a wrong message to
 * a model.
 */
import { randomBytes } from 'node:crypto';
import * as fsPromises from 'node:fs/promises';
import path from 'node:path';
import { LRUCache } from 'lru-cache';
import { walkPath } from './path-walk';
import type { MessageNode, NewMessage, StoredNode } from '../domain/session';
import { MAX_BLOB_BYTES } from './conversation-store';
import type { AppendResult, ConversationStore } from './conversation-store';
import { BlobNotFoundError, BlobTooLargeError, CorruptBlobError, InvalidBlobIdError } from './errors';
import { InvalidNodeIdError, NodeNotFoundError, StoreClosedError } from './errors';
import { decodeNode, encodeChain, encodeNode } from './node-encoding';
import type { EncodedNode } from './node-encoding';
import { sha256Hex } from './node-id';
import { isNodeId } from '../domain/session';
import type { NodeNotFoundContext } from './errors';

/** The part of a file handle the store uses. */
export interface StoreFileHandle {
  writeFile(data: string | Uint8Array): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The filesystem operations the store uses; `node:fs/promises` satisfies it. Tests pass a
 * wrapper to observe or fail individual operations instead of mocking modules.
 */
export interface StoreFileSystem {
  mkdir(dir: string, options: { recursive: true }): Promise<string | undefined>;
  open(file: string, flags: string): Promise<StoreFileHandle>;
  readFile(file: string): Promise<Uint8Array>;
  rename(from: string, to: string): Promise<void>;
  stat(file: string): Promise<{ isFile(): boolean }>;
  unlink(file: string): Promise<void>;
}

/** Options of {@link FileConversationStore}. */
export interface FileConversationStoreOptions {
  /**
   * Root directory; nodes live in `<root>/nodes/<2 hex>/<62 hex>.json` and blobs in
   * `<root>/blobs/<2 hex>/<62 hex>`. Created on first write.
   */
  root: string;
  /** How many recently read or written nodes to keep in memory (default 10 000). */
  nodeCacheSize?: number;
  /**
   * Budget of the per-head path cache, counted in nodes summed over all cached paths (default
   * 250 000): memory stays bounded however many heads are read. A single path longer than this
   * is not cached.
   */
  pathCacheNodes?: number;
  /** Filesystem to use (default `node:fs/promises`). */
  fs?: StoreFileSystem;
}

const NODES_DIR = 'nodes';
const BLOBS_DIR = 'blobs';

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

/** The file could not be there: the id's shard is missing or is not a directory. */
function isMissingFile(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}

/**
 * A {@link ConversationStore} on the local filesystem.
 *
 * - One file per node at `nodes/<first 2 hex of id>/<remaining 62>.json`, holding the node's
 *   canonical JSON, so `sha256(file) === id`. The two-character shard keeps directories small.
 * - Writes go to a temp file in the same directory, are fsynced, then renamed over the final
 *   name (and the directory fsynced): readers and crashes see the whole node or none of it. A
 *   crash can leave a `.<name>.<pid>.<random>.tmp` file behind; it is never read as a node.
 * - Reads from disk are verified against the id; nodes and paths are cached in memory, which is
 *   safe because a node never changes.
 *
 * @example
 * const store = new FileConversationStore({ root: '.baton/store' });
 * const { head } = await store.append(null, [{ role: 'user', content: [{ type: 'text', text: 'hi' }],
 *   meta: { kind: 'message', class: 'supporting' } }]);
 * const conversation = await store.path(head);
 */
export class FileConversationStore implements ConversationStore {
  /** Absolute root directory of this store. */
  readonly root: string;
  private readonly fs: StoreFileSystem;
  private readonly nodes: LRUCache<string, StoredNode>;
  private readonly paths: LRUCache<string, readonly StoredNode[]>;
  /** In-flight writes by id, so concurrent puts of one node write it once. */
  private readonly writes = new Map<string, Promise<void>>();
  /** Shard directories known to exist. */
  private readonly directories = new Set<string>();
  private closed = false;

  constructor(options: FileConversationStoreOptions) {
    this.root = path.resolve(options.root);
    this.fs = options.fs ?? fsPromises;
    this.nodes = new LRUCache({ max: options.nodeCacheSize ?? 10_000 });
    this.paths = new LRUCache({
      maxSize: options.pathCacheNodes ?? 250_000,
      sizeCalculation: (p) => Math.max(1, p.length),
    });
  }

  /**
   * The file that holds node `id`. Only call with an id that passed {@link isNodeId}: that check
   * is what keeps caller-supplied text out of filesystem paths.
   *
   * @throws InvalidNodeIdError when `id` is not 64 lowercase hex characters.
   */
  fileFor(id: string): string {
    if (!isNodeId(id)) throw new InvalidNodeIdError(id);
    return path.join(this.root, NODES_DIR, id.slice(0, 2), `${id.slice(2)}.json`);
  }

  /**
   * Stores a node; a no-op when it is already stored intact (an existing file whose bytes are
   * wrong is rewritten, which repairs it).
   *
   * @throws InvalidNodeError when `node` is not a valid `MessageNode`.
   * @throws NodeNotFoundError when its parent is not stored.
   */
  async put(node: MessageNode): Promise<string> {
    this.assertOpen();
    const encoded = encodeNode(node);
    if (this.nodes.has(encoded.id)) return encoded.id;
    if (encoded.node.parent !== null) await this.requireNode(encoded.node.parent, { parentOf: encoded.id });
    await this.write(encoded);
    return encoded.id;
  }

  /**
   * Reads one node, verifying that the file's bytes hash to `id`.
   *
   * @throws InvalidNodeIdError, NodeNotFoundError, CorruptNodeError.
   */
  async get(id: string): Promise<StoredNode> {
    this.assertOpen();
    return this.load(this.checkedId(id), {});
  }

  /**
   * True when the node's file exists (contents are verified by `get`).
   *
   * @throws InvalidNodeIdError for a malformed id.
   */
  async has(id: string): Promise<boolean> {
    this.assertOpen();
    const file = this.fileFor(id);
    if (this.nodes.has(id)) return true;
    try {
      return (await this.fs.stat(file)).isFile();
    } catch (error) {
      if (isMissingFile(error)) return false;
      throw error;
    }
  }

  /**
   * Appends `messages` after `head`. Validates the whole batch first, then writes every node's
   * file at once (each to a temp name, fsynced), gives them their names root-first, one after
   * another, and makes the names durable with one round of directory fsyncs: a process that dies
   * part-way leaves every stored node with its parent (renames are ordered, and the filesystem's
   * journal keeps them in that order), and a turn's two nodes cost two rounds of fsyncs, not four.
   *
   * @throws InvalidNodeIdError, InvalidNodeError (nothing written), NodeNotFoundError for an
   *   unknown head, RangeError for no messages and no head.
   */
  async append(head: string | null, messages: readonly NewMessage[]): Promise<AppendResult> {
    this.assertOpen();
    if (head !== null) this.checkedId(head);
    const chain = encodeChain(head, messages);
    if (head !== null) await this.requireNode(head, {});
    const last = chain.at(-1);
    if (last === undefined) {
      if (head === null)
        throw new RangeError('append(null, []) has no head to return: pass at least one message');
      return { head, nodes: [] };
    }
    await this.writeChain(chain);
    const nodes = chain.map((e) => e.node);
    // The new head's path is the old one plus the new nodes: cache it now, so the next turn's
    // path() reads nothing from disk.
    const base = head === null ? [] : this.paths.get(head);
    if (base !== undefined) this.paths.set(last.id, Object.freeze([...base, ...nodes]));
    return { head: last.id, nodes };
  }

  /**
   * The conversation from the root to `head`, root first (a frozen array, cached per head).
   * Walking stops at the first ancestor whose path is cached, so extending a conversation that
   * was read before costs one read per new node, not one per node of the whole conversation.
   *
   * @throws InvalidNodeIdError; NodeNotFoundError naming the missing id and `head`; CorruptNodeError.
   */
  async path(head: string): Promise<readonly StoredNode[]> {
    this.assertOpen();
    this.checkedId(head);
    const cached = this.paths.get(head);
    if (cached !== undefined) return cached;

    const result = await walkPath(
      head,
      (id) => this.load(id, { head }),
      (id) => this.paths.get(id),
    );
    this.paths.set(head, result);
    return result;
  }

  /**
   * Nodes reachable from `head`, for export; for now the same as {@link FileConversationStore.path}.
   *
   * @throws as `path`.
   */
  reachable(head: string): Promise<readonly StoredNode[]> {
    return this.path(head);
  }

  /**
   * Stores bytes under their SHA-256 at `blobs/<2 hex>/<62 hex>`, atomically as nodes are; a no-op
   * when an intact copy is there.
   *
   * @throws BlobTooLargeError above MAX_BLOB_BYTES.
   */
  async putBlob(bytes: Uint8Array): Promise<string> {
    this.assertOpen();
    if (bytes.byteLength > MAX_BLOB_BYTES) throw new BlobTooLargeError(bytes.byteLength, MAX_BLOB_BYTES);
    const id = sha256Hex(bytes);
    const file = this.blobFile(id);
    try {
      if (sameBytes(await this.fs.readFile(file), bytes)) return id;
    } catch (error) {
      if (!isMissingFile(error)) throw error;
    }
    await this.writeAtomically(file, bytes);
    return id;
  }

  /**
   * Reads a blob, verifying its bytes against the id.
   *
   * @throws InvalidBlobIdError, BlobNotFoundError, CorruptBlobError.
   */
  async getBlob(id: string): Promise<Uint8Array> {
    this.assertOpen();
    const file = this.blobFile(id);
    let bytes: Uint8Array;
    try {
      bytes = await this.fs.readFile(file);
    } catch (error) {
      if (isMissingFile(error)) throw new BlobNotFoundError(id, this.root);
      throw error;
    }
    if (sha256Hex(bytes) !== id) throw new CorruptBlobError(id, file);
    return bytes;
  }

  /** True when the blob's file exists. @throws InvalidBlobIdError. */
  async hasBlob(id: string): Promise<boolean> {
    this.assertOpen();
    try {
      return (await this.fs.stat(this.blobFile(id))).isFile();
    } catch (error) {
      if (isMissingFile(error)) return false;
      throw error;
    }
  }

  /** Drops the caches; later calls throw StoreClosedError. Idempotent. */
  close(): Promise<void> {
    this.closed = true;
    this.nodes.clear();
    this.paths.clear();
    return Promise.resolve();
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreClosedError('filesystem');
  }

  private blobFile(id: string): string {
    if (!isNodeId(id)) throw new InvalidBlobIdError(id);
    return path.join(this.root, BLOBS_DIR, id.slice(0, 2), id.slice(2));
  }

  private checkedId(id: string): string {
    if (!isNodeId(id)) throw new InvalidNodeIdError(id);
    return id;
  }

  private async requireNode(id: string, context: NodeNotFoundContext): Promise<void> {
    if (!(await this.has(id))) throw new NodeNotFoundError(id, context);
  }

  /** Reads and verifies a node from the cache or disk. `context` names what was being read. */
  private async load(id: string, context: NodeNotFoundContext): Promise<StoredNode> {
    const cached = this.nodes.get(id);
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
    this.nodes.set(id, node);
    return node;
  }

  private async write(encoded: EncodedNode): Promise<void> {
    if (this.nodes.has(encoded.id)) return;
    let pending = this.writes.get(encoded.id);
    if (pending === undefined) {
      pending = this.writeFile(encoded).finally(() => this.writes.delete(encoded.id));
      this.writes.set(encoded.id, pending);
    }
    await pending;
    this.nodes.set(encoded.id, encoded.node);
  }

  /**
   * Writes a chain (each node the parent of the next): the temp files together, then the names in
   * order. A node another call is writing already makes the chain go one node at a time (a write of
   * the same node racing this one would be harmless too: same bytes, same name).
   */
  private async writeChain(chain: readonly EncodedNode[]): Promise<void> {
    const todo = chain.filter((e) => !this.nodes.has(e.id));
    if (todo.length <= 1 || todo.some((e) => this.writes.has(e.id))) {
      for (const encoded of todo) await this.write(encoded);
      return;
    }
    const staged = await Promise.allSettled(todo.map((e) => this.stage(e)));
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
    await Promise.all([...dirs].map((dir) => this.syncDirectory(dir)));
    for (const encoded of todo) this.nodes.set(encoded.id, encoded.node);
  }

  /**
   * The first half of an atomic write: the node's bytes in a fsynced temp file beside its final
   * name. A node already on disk is not read first: a turn's nodes are new, and renaming the same
   * bytes over an existing file (a retried append) changes nothing, or repairs a damaged one.
   */
  private async stage({ id, json }: EncodedNode): Promise<{ temp: string; created: boolean }> {
    const file = this.fileFor(id);
    const dir = path.dirname(file);
    let created = await this.ensureDirectory(dir);
    const temp = this.tempName(file);
    try {
      const handle = await this.fs.open(temp, 'wx').catch(async (error: unknown) => {
        if (!isMissingFile(error)) throw error;
        // The shard directory was removed behind this store's back: make it again.
        this.directories.delete(dir);
        created = await this.ensureDirectory(dir);
        return this.fs.open(temp, 'wx');
      });
      try {
        await handle.writeFile(json);
        await handle.sync();
      } finally {
        await handle.close();
      }
    } catch (error) {
      await this.fs.unlink(temp).catch(() => undefined);
      throw error;
    }
    return { temp, created };
  }

  /**
   * Creates a shard directory unless this store already made or saw it (there are 256, so the set
   * stays small): a mkdir per write is a syscall a turn need not make. True when it was created.
   */
  private async ensureDirectory(dir: string): Promise<boolean> {
    if (this.directories.has(dir)) return false;
    const created = (await this.fs.mkdir(dir, { recursive: true })) !== undefined;
    this.directories.add(dir);
    return created;
  }

  private tempName(file: string): string {
    return path.join(
      path.dirname(file),
      `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
    );
  }

  private async writeFile({ id, json }: EncodedNode): Promise<void> {
    const file = this.fileFor(id);
    const bytes = Buffer.from(json, 'utf8');
    try {
      // Usually absent; when present and intact this is the idempotent no-op.
      if (sameBytes(await this.fs.readFile(file), bytes)) return;
    } catch (error) {
      if (!isMissingFile(error)) throw error;
    }
    await this.writeAtomically(file, json);
  }

  /**
   * Temp file in the target's directory (so the rename cannot cross filesystems), fsync, rename,
   * fsync the directory: the node's name appears only once its full content is durable.
   */
  private async writeAtomically(file: string, data: string | Uint8Array): Promise<void> {
    const dir = path.dirname(file);
    const created = await this.ensureDirectory(dir);
    const temp = this.tempName(file);
    try {
      const handle = await this.fs.open(temp, 'wx');
      try {
        await handle.writeFile(data);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await this.fs.rename(temp, file);
    } catch (error) {
      await this.fs.unlink(temp).catch(() => undefined);
      throw error;
    }
    await this.syncDirectory(dir);
    // A freshly created shard directory must itself be durable in `nodes/`.
    if (created) await this.syncDirectory(path.dirname(dir));
  }

  private async syncDirectory(dir: string): Promise<void> {
    let handle: StoreFileHandle;
    try {
      handle = await this.fs.open(dir, 'r');
    } catch (error) {
      // Some platforms (Windows) cannot open a directory; the rename is still atomic there.
      if (['EISDIR', 'EPERM', 'EACCES', 'EINVAL'].includes(errorCode(error) ?? '')) return;
      throw error;
    }
    try {
      await handle.sync();
    } catch (error) {
      if (!['EINVAL', 'EPERM', 'EBADF'].includes(errorCode(error) ?? '')) throw error;
    } finally {
      await handle.close();
    }
  }
}
