/**
 * The PostgreSQL store's blobs (git bundles of workspace checkpoints): rows of `baton_blobs` keyed
 * by the SHA-256 of their bytes, verified on every read.
 */
import { BlobNotFoundError, CorruptBlobError } from './errors';
import { sha256Hex } from './node-id';
import type { PostgresConnection } from './postgres-connection';
import { BLOBS_TABLE } from './postgres-migrations';
import { blobIdOf, checkedBlobId } from './store-ids';

/** Blob rows in one database. */
export class PostgresBlobs {
  constructor(private readonly db: PostgresConnection) {}

  /**
   * Stores bytes under their SHA-256; a no-op when an intact copy is there (a damaged row is
   * rewritten, as for nodes).
   * @throws BlobTooLargeError above MAX_BLOB_BYTES; StoreUnavailableError.
   */
  async put(bytes: Uint8Array): Promise<string> {
    const id = blobIdOf(bytes);
    await this.db.query(
      `INSERT INTO ${BLOBS_TABLE} (id, body) VALUES ($1, $2)
       ON CONFLICT (id) DO UPDATE SET body = EXCLUDED.body WHERE ${BLOBS_TABLE}.body IS DISTINCT FROM EXCLUDED.body`,
      [id, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)],
    );
    return id;
  }

  /**
   * Reads a blob, verifying its bytes against the id.
   * @throws InvalidBlobIdError, BlobNotFoundError, CorruptBlobError, StoreUnavailableError.
   */
  async get(id: string): Promise<Uint8Array> {
    checkedBlobId(id);
    const { rows } = await this.db.query<{ body: Buffer }>(`SELECT body FROM ${BLOBS_TABLE} WHERE id = $1`, [
      id,
    ]);
    const body = rows[0]?.body;
    if (body === undefined) throw new BlobNotFoundError(id, this.db.location);
    if (sha256Hex(body) !== id) throw new CorruptBlobError(id, `${BLOBS_TABLE} of ${this.db.location}`);
    return body;
  }

  /** True when a blob with this id is stored. @throws InvalidBlobIdError. */
  async has(id: string): Promise<boolean> {
    checkedBlobId(id);
    const { rows } = await this.db.query(`SELECT 1 FROM ${BLOBS_TABLE} WHERE id = $1`, [id]);
    return rows.length > 0;
  }
}
