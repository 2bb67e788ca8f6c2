/**
 * The filesystem conversation store: the embedded default, one JSON file per node under a root
 * directory (conventionally `.baton/store`). Files are written atomically and verified against
 * their id on every read from disk, so a crash or a stray edit can never feed a wrong message to
 * a model. Node files are in file-nodes.ts, blobs in file-blobs.ts, the atomic writes in
 * atomic-files.ts; the caches are shared with the PostgreSQL store (node-cache.ts).
 */
import * as fsPromises from 'node:fs/promises';
import path from 'node:path';
import type { MessageNode, NewMessage, StoredNode } from '../domain/session';
import { AtomicFiles } from './atomic-files';
import type { AppendResult, ConversationStore } from './conversation-store';
import { StoreClosedError } from './errors';
import { FileBlobs } from './file-blobs';
import { FileNodes } from './file-nodes';
import type { StoreFileSystem } from './file-system';
import { NodeCache, type NodeCacheOptions } from './node-cache';
import { encodeChain, encodeNode } from './node-encoding';
import { checkedNodeId, emptyRootAppendError } from './store-ids';

/** Options of {@link FileConversationStore}. */
export interface FileConversationStoreOptions extends NodeCacheOptions {
  /**
   * Root directory; nodes live in `<root>/nodes/<2 hex>/<62 hex>.json` and blobs in
   * `<root>/blobs/<2 hex>/<62 hex>`. Created on first write.
   */
  root: string;
  /** Filesystem to use (default `node:fs/promises`). */
  fs?: StoreFileSystem;
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
  private readonly cache: NodeCache;
  private readonly nodes: FileNodes;
  private readonly blobs: FileBlobs;
  private closed = false;

  constructor(options: FileConversationStoreOptions) {
    this.root = path.resolve(options.root);
    const fs = options.fs ?? fsPromises;
    const files = new AtomicFiles(fs);
    this.cache = new NodeCache(options);
    this.nodes = new FileNodes(this.root, fs, files, this.cache);
    this.blobs = new FileBlobs(this.root, fs, files);
  }

  /**
   * The file that holds node `id`. Only call with an id that passed {@link isNodeId}: that check
   * is what keeps caller-supplied text out of filesystem paths.
   *
   * @throws InvalidNodeIdError when `id` is not 64 lowercase hex characters.
   */
  fileFor(id: string): string {
    return this.nodes.fileFor(id);
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
    if (this.cache.hasNode(encoded.id)) return encoded.id;
    if (encoded.node.parent !== null) await this.nodes.require(encoded.node.parent, { parentOf: encoded.id });
    await this.nodes.write(encoded);
    return encoded.id;
  }

  /**
   * Reads one node, verifying that the file's bytes hash to `id`.
   *
   * @throws InvalidNodeIdError, NodeNotFoundError, CorruptNodeError.
   */
  async get(id: string): Promise<StoredNode> {
    this.assertOpen();
    return this.nodes.load(checkedNodeId(id), {});
  }

  /**
   * True when the node's file exists (contents are verified by `get`).
   *
   * @throws InvalidNodeIdError for a malformed id.
   */
  async has(id: string): Promise<boolean> {
    this.assertOpen();
    return this.nodes.exists(id);
  }

  /**
   * Appends `messages` after `head`. Validates the whole batch first, then writes every node's
   * file at once (each to a temp name, fsynced), gives them their names root-first, one after
   * another, and makes the names durable with one round of directory fsyncs: a process that dies
   * part-way leaves every stored node with its parent, and a turn's two nodes cost two rounds of
   * fsyncs, not four.
   *
   * @throws InvalidNodeIdError, InvalidNodeError (nothing written), NodeNotFoundError for an
   *   unknown head, RangeError for no messages and no head.
   */
  async append(head: string | null, messages: readonly NewMessage[]): Promise<AppendResult> {
    this.assertOpen();
    if (head !== null) checkedNodeId(head);
    const chain = encodeChain(head, messages);
    if (head !== null) await this.nodes.require(head, {});
    const last = chain.at(-1);
    if (last === undefined) {
      if (head === null) throw emptyRootAppendError();
      return { head, nodes: [] };
    }
    await this.nodes.writeChain(chain);
    const nodes = chain.map((e) => e.node);
    this.cache.extendPath(head, last.id, nodes);
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
    checkedNodeId(head);
    return this.cache.path(head, (id) => this.nodes.load(id, { head }));
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
    return this.blobs.put(bytes);
  }

  /**
   * Reads a blob, verifying its bytes against the id.
   *
   * @throws InvalidBlobIdError, BlobNotFoundError, CorruptBlobError.
   */
  async getBlob(id: string): Promise<Uint8Array> {
    this.assertOpen();
    return this.blobs.get(id);
  }

  /** True when the blob's file exists. @throws InvalidBlobIdError. */
  async hasBlob(id: string): Promise<boolean> {
    this.assertOpen();
    return this.blobs.has(id);
  }

  /** Drops the caches; later calls throw StoreClosedError. Idempotent. */
  close(): Promise<void> {
    this.closed = true;
    this.cache.clear();
    return Promise.resolve();
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreClosedError('filesystem');
  }
}
