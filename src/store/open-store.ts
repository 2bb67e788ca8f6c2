/**
 * Chooses a conversation store backend from a URL, so the worker and the CLI configure the store
 * with one setting.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConversationStore } from './conversation-store';
import { FileConversationStore } from './file-store';
import { PostgresConversationStore } from './postgres-store';
import { isPostgresUrl } from './postgres-url';
import { StoreUrlError } from './errors';

/** Options of {@link openConversationStore}. */
export interface OpenConversationStoreOptions {
  /**
   * Where the store lives. Absent, empty or a bare `file:` → the filesystem store at `baseDir`;
   * `file:/abs/path` or `file:///abs/path` → the filesystem store at that path;
   * `postgres://…` or `postgresql://…` → the PostgreSQL store (its migrations run on open).
   */
  url?: string | undefined;
  /** Root of the filesystem store when `url` names no path; conventionally `.baton/store`. */
  baseDir: string;
}

const ACCEPTED = 'file: (e.g. file:/abs/path, or no URL for the default directory) or postgres://';

/**
 * Opens the conversation store named by `url` (see {@link OpenConversationStoreOptions.url}).
 * For PostgreSQL this connects and applies any missing schema migrations before resolving, so a
 * store that opened is ready to use.
 *
 * @throws StoreUrlError for a relative or host-qualified `file:` URL and for any other scheme.
 * @throws StoreUnavailableError when the PostgreSQL database cannot be reached or refuses the
 *   login; StoreMigrationError when its schema cannot be migrated. Messages never show the URL's
 *   password, since database URLs carry one.
 * @example
 * const store = await openConversationStore({ url: process.env.BATON_STORE_URL, baseDir: '.baton/store' });
 */
export async function openConversationStore(
  options: OpenConversationStoreOptions,
): Promise<ConversationStore> {
  const url = options.url?.trim() ?? '';
  if (isPostgresUrl(url)) return await PostgresConversationStore.open({ url });
  return new FileConversationStore({ root: fileStoreRoot(options) });
}

function fileStoreRoot({ url, baseDir }: OpenConversationStoreOptions): string {
  const trimmed = url?.trim() ?? '';
  if (trimmed === '') return path.resolve(baseDir);
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(trimmed)?.[1]?.toLowerCase();
  if (scheme === 'file') {
    const rest = trimmed.slice('file:'.length);
    if (rest === '' || rest === '//') return path.resolve(baseDir);
    // WHATWG URL parsing would quietly turn `file:relative/dir` into `/relative/dir`.
    if (!rest.startsWith('/')) {
      throw new StoreUrlError(
        'A file: store URL needs an absolute path: write file:/abs/path or file:///abs/path, or leave the URL unset to use the default directory.',
      );
    }
    try {
      return fileURLToPath(trimmed);
    } catch (error) {
      throw new StoreUrlError(
        `Cannot use this file: store URL (${error instanceof Error ? error.message : String(error)}). ` +
          'Write file:/abs/path or file:///abs/path.',
      );
    }
  }
  if (scheme === 'postgres' || scheme === 'postgresql') {
    throw new StoreUrlError(
      'A PostgreSQL store URL needs a host: write postgres://user:password@host:5432/database.',
    );
  }
  throw new StoreUrlError(
    scheme === undefined
      ? `The conversation store URL has no scheme. Accepted: ${ACCEPTED}.`
      : `Unsupported conversation store URL scheme "${scheme}:". Accepted: ${ACCEPTED}.`,
  );
}
