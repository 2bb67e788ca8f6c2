/**
 * Path rules for the workspace tools, as pure string operations (the worker resolves symlinks on
 * top of this, see src/workspace/resolve-path.ts). A path the model gives is accepted only when it
 * names something inside the workspace without any doubt: relative to the workspace root, or
 * absolute under it (Claude often writes absolute paths), with no `..` anywhere, and never inside
 * `.git`, which holds the checkpoints baton restores from.
 */

/** Longest path accepted, in characters (Linux's PATH_MAX). */
export const MAX_PATH_CHARS = 4096;

/** A checked path, relative to the workspace root with `/` separators (`''` is the root itself). */
export type WorkspacePath = { ok: true; relative: string } | { ok: false; problem: string };

/**
 * The workspace root in canonical form: absolute, `/`-separated, no trailing slash (`/` stays `/`).
 * @throws TypeError when `root` is not an absolute path or has `.`/`..` segments.
 */
export function canonicalRoot(root: string): string {
  if (!root.startsWith('/'))
    throw new TypeError(`The workspace root must be an absolute path, got '${root}'.`);
  const parts = root.split('/').filter((p) => p !== '');
  if (parts.some((p) => p === '.' || p === '..')) {
    throw new TypeError(
      `The workspace root must be a normalised path without . or .. segments, got '${root}'.`,
    );
  }
  return `/${parts.join('/')}`;
}

/**
 * Checks and normalises a path given by the model: repeated slashes and `.` segments are dropped;
 * an absolute path must lie under `root` and is made relative to it.
 * @param root the workspace root (absolute).
 * @example workspacePath('src//./x.ts', '/w') // { ok: true, relative: 'src/x.ts' }
 * @example workspacePath('/w/src/x.ts', '/w') // { ok: true, relative: 'src/x.ts' }
 * @example workspacePath('../x', '/w').ok // false
 */
export function workspacePath(raw: unknown, root: string): WorkspacePath {
  const base = canonicalRoot(root);
  if (typeof raw !== 'string' || raw.trim() === '') {
    return { ok: false, problem: 'The path must be a non-empty string.' };
  }
  if (raw.includes('\0')) return { ok: false, problem: 'The path contains a NUL character.' };
  if (raw.length > MAX_PATH_CHARS) {
    return { ok: false, problem: `The path is longer than ${MAX_PATH_CHARS} characters.` };
  }
  let rest = raw;
  if (raw.startsWith('/')) {
    const inside =
      base === '/' ? raw : raw === base ? '' : raw.startsWith(`${base}/`) ? raw.slice(base.length + 1) : null;
    if (inside === null) {
      return {
        ok: false,
        problem: `${raw} is outside the workspace. Use a path relative to the workspace root, or an absolute path under ${base}.`,
      };
    }
    rest = inside;
  }
  const parts = rest.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) {
    return {
      ok: false,
      problem: `${raw} uses '..', which is not allowed. Give the path from the workspace root (${base}) without '..'.`,
    };
  }
  if (parts[0] === '.git') {
    return {
      ok: false,
      problem: `${raw} is inside .git, which holds baton's checkpoints and cannot be read or changed with the editor. Use git commands through bash to inspect history.`,
    };
  }
  return { ok: true, relative: parts.join('/') };
}

/**
 * The absolute form of a checked relative path under `root`.
 * @example absoluteWorkspacePath('/w', 'src/x.ts') // '/w/src/x.ts'
 */
export function absoluteWorkspacePath(root: string, relative: string): string {
  const base = canonicalRoot(root);
  if (relative === '') return base;
  return base === '/' ? `/${relative}` : `${base}/${relative}`;
}

/** How a path is shown to the model and in summaries: relative, `.` for the root. */
export function displayPath(relative: string): string {
  return relative === '' ? '.' : relative;
}
