/**
 * Atomic, durable file writes for the filesystem store: a temp file in the target's directory (so
 * the rename cannot cross filesystems), fsynced, renamed over the final name, and the directory
 * fsynced, so readers and crashes see the whole file or none of it. A crash can leave a
 * `.<name>.<pid>.<random>.tmp` file behind; it is never read as a node or a blob.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { errorCode } from './errors';
import { isMissingFile, type StoreFileHandle, type StoreFileSystem } from './file-system';

/** A temp file written and fsynced beside its final name, not yet renamed. */
export interface StagedFile {
  temp: string;
  /** True when the shard directory was created for it (it must then be made durable too). */
  created: boolean;
}

/** Atomic writes through one filesystem, remembering the shard directories it has made or seen. */
export class AtomicFiles {
  /** Shard directories known to exist. */
  private readonly directories = new Set<string>();

  constructor(private readonly fs: StoreFileSystem) {}

  /**
   * The first half of an atomic write: `data` in a fsynced temp file beside `file`. A file already
   * at `file` is not read first: renaming the same bytes over it changes nothing, or repairs a
   * damaged one.
   */
  async stage(file: string, data: string | Uint8Array): Promise<StagedFile> {
    const dir = path.dirname(file);
    let created = await this.ensureDirectory(dir);
    const temp = tempName(file);
    try {
      const handle = await this.fs.open(temp, 'wx').catch(async (error: unknown) => {
        if (!isMissingFile(error)) throw error;
        // The shard directory was removed behind this store's back: make it again.
        this.directories.delete(dir);
        created = await this.ensureDirectory(dir);
        return this.fs.open(temp, 'wx');
      });
      try {
        await handle.writeFile(data);
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

  /** Stage, rename, fsync the directory: the file's name appears only once its full content is durable. */
  async write(file: string, data: string | Uint8Array): Promise<void> {
    const { temp, created } = await this.stage(file, data);
    try {
      await this.fs.rename(temp, file);
    } catch (error) {
      await this.fs.unlink(temp).catch(() => undefined);
      throw error;
    }
    const dir = path.dirname(file);
    await this.syncDirectory(dir);
    // A freshly created shard directory must itself be durable in its parent.
    if (created) await this.syncDirectory(path.dirname(dir));
  }

  /**
   * Creates a shard directory unless this store already made or saw it (there are 256, so the set
   * stays small): a mkdir per write is a syscall a turn need not make. True when it was created.
   */
  async ensureDirectory(dir: string): Promise<boolean> {
    if (this.directories.has(dir)) return false;
    const created = (await this.fs.mkdir(dir, { recursive: true })) !== undefined;
    this.directories.add(dir);
    return created;
  }

  /** Makes the directory's entries (a rename into it) durable. */
  async syncDirectory(dir: string): Promise<void> {
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

function tempName(file: string): string {
  return path.join(
    path.dirname(file),
    `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
  );
}
