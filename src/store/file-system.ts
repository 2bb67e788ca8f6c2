/**
 * The filesystem operations the filesystem store uses, and how it reads their errors. Tests pass
 * a wrapper to observe or fail individual operations instead of mocking modules.
 */
import { errorCode } from './errors';

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

/** The file could not be there: the id's shard is missing or is not a directory. */
export function isMissingFile(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** True when the file exists; false when it or its shard directory does not. */
export async function fileExists(fs: StoreFileSystem, file: string): Promise<boolean> {
  try {
    return (await fs.stat(file)).isFile();
  } catch (error) {
    if (isMissingFile(error)) return false;
    throw error;
  }
}

/**
 * True when `file` holds exactly `bytes`: the idempotent no-op of a content-addressed write. A
 * missing file is false; other read errors are thrown.
 */
export async function holdsBytes(fs: StoreFileSystem, file: string, bytes: Uint8Array): Promise<boolean> {
  try {
    const existing = await fs.readFile(file);
    return Buffer.from(existing.buffer, existing.byteOffset, existing.byteLength).equals(bytes);
  } catch (error) {
    if (isMissingFile(error)) return false;
    throw error;
  }
}
