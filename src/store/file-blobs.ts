/**
 * The filesystem store's blobs (git bundles of workspace checkpoints): bytes under their SHA-256
 * at `blobs/<2 hex>/<62 hex>`, written atomically as nodes are and verified on every read.
 */
import path from 'node:path';
import type { AtomicFiles } from './atomic-files';
import { BlobNotFoundError, CorruptBlobError } from './errors';
import { fileExists, holdsBytes, isMissingFile, type StoreFileSystem } from './file-system';
import { sha256Hex } from './node-id';
import { blobIdOf, checkedBlobId } from './store-ids';

const BLOBS_DIR = 'blobs';

/** Blob files under one root. */
export class FileBlobs {
  constructor(
    private readonly root: string,
    private readonly fs: StoreFileSystem,
    private readonly files: AtomicFiles,
  ) {}

  /**
   * Stores bytes under their SHA-256; a no-op when an intact copy is there.
   * @throws BlobTooLargeError above MAX_BLOB_BYTES.
   */
  async put(bytes: Uint8Array): Promise<string> {
    const id = blobIdOf(bytes);
    const file = this.fileFor(id);
    if (await holdsBytes(this.fs, file, bytes)) return id;
    await this.files.write(file, bytes);
    return id;
  }

  /**
   * Reads a blob, verifying its bytes against the id.
   * @throws InvalidBlobIdError, BlobNotFoundError, CorruptBlobError.
   */
  async get(id: string): Promise<Uint8Array> {
    const file = this.fileFor(id);
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
  has(id: string): Promise<boolean> {
    return fileExists(this.fs, this.fileFor(id));
  }

  private fileFor(id: string): string {
    checkedBlobId(id);
    return path.join(this.root, BLOBS_DIR, id.slice(0, 2), id.slice(2));
  }
}
