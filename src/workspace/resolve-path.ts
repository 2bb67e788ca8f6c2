/**
 * Resolving a path the model gave to a file inside the workspace, symlinks included. The domain's
 * rules (relative, no `..`, not in `.git`) come first; then every part of the path that exists is
 * resolved with `realpath`, and the result must still lie inside the workspace, so a symlink
 * cannot lead the editor out (`ln -s /etc escape` then `view escape/passwd`). Writes open the file
 * with O_NOFOLLOW as well, so a symlink swapped in at the last moment is not followed either.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { absoluteWorkspacePath, workspacePath } from '../domain/workspace';
import { errorCode } from './errors';

/**
 * A path inside the workspace (`absolute` with every existing symlink resolved), or why it is
 * refused (the text the model reads).
 */
export type ResolvedPath =
  { ok: true; relative: string; absolute: string; exists: boolean } | { ok: false; problem: string };

const inside = (root: string, p: string) => p === root || p.startsWith(`${root}/`);

/**
 * Resolves `raw` inside the workspace at `root` (whose own symlinks are resolved first).
 * @example await resolveWorkspacePath('/w', 'src/x.ts') // { ok: true, relative: 'src/x.ts', absolute: '/w/src/x.ts', exists: true }
 */
export async function resolveWorkspacePath(root: string, raw: unknown): Promise<ResolvedPath> {
  const realRoot = await fs.realpath(root);
  // The model may write absolute paths under the root as given or as resolved.
  const given =
    typeof raw === 'string' && raw.startsWith(`${path.resolve(root)}/`) ? path.resolve(root) : realRoot;
  const checked = workspacePath(raw, given);
  if (!checked.ok) return checked;
  const absolute = absoluteWorkspacePath(realRoot, checked.relative);
  const shown = checked.relative === '' ? '.' : checked.relative;

  // The deepest part of the path that exists, resolved, must be inside the workspace.
  let existing = absolute;
  for (;;) {
    try {
      await fs.lstat(existing);
      break;
    } catch (err) {
      if (errorCode(err) !== 'ENOENT' && errorCode(err) !== 'ENOTDIR') throw err;
      existing = path.dirname(existing);
    }
  }
  let real: string;
  try {
    real = await fs.realpath(existing);
  } catch (err) {
    if (errorCode(err) === 'ENOENT' || errorCode(err) === 'ELOOP') {
      return {
        ok: false,
        problem: `${shown} goes through a symlink that points nowhere; it is not followed.`,
      };
    }
    throw err;
  }
  if (!inside(realRoot, real)) {
    return {
      ok: false,
      problem: `${shown} leads outside the workspace through a symlink (to ${real}); only files inside the workspace can be used.`,
    };
  }
  if (inside(path.join(realRoot, '.git'), real)) {
    return {
      ok: false,
      problem: `${shown} leads into .git through a symlink; .git cannot be read or changed with the editor.`,
    };
  }
  // Operations use the resolved path: it has no symlinks left that could be swapped.
  const target = existing === absolute ? real : path.join(real, path.relative(existing, absolute));
  return { ok: true, relative: checked.relative, absolute: target, exists: existing === absolute };
}
