/**
 * Workspace checkpoints: commit the files (and keep a git bundle of the commit in the conversation
 * store, so another worker can recreate the workspace), put the files back to a commit, and give
 * a fork its own worktree and branch.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type {
  CommitWorkspaceInput,
  CommitWorkspaceResult,
  ForkWorkspaceInput,
  ForkWorkspaceResult,
  MergeWorkspaceInput,
  MergeWorkspaceResult,
  RestoreWorkspaceInput,
  RestoreWorkspaceResult,
} from '../domain/workspace';
import { InvalidWorkspaceInputError, UnknownCommitError, WorkspaceMergeConflictError } from './errors';
import { GitRepository } from './git';
import type { WorkspaceHost } from './workspace-host';

const FORK_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

async function repositoryAt(dir: unknown): Promise<GitRepository> {
  if (typeof dir !== 'string' || !path.isAbsolute(dir)) {
    throw new InvalidWorkspaceInputError(
      `The workspace path must be absolute, got ${JSON.stringify(dir)}. Pass the path claimWorkspace returned.`,
    );
  }
  return new GitRepository(await fs.realpath(dir));
}

/**
 * Commits every change in the workspace; with `checkpoint`, also stores a bundle of the commit.
 * @throws InvalidWorkspaceInputError for an empty message.
 */
export async function commitWorkspace(
  host: WorkspaceHost,
  input: CommitWorkspaceInput,
): Promise<CommitWorkspaceResult> {
  if (typeof input.message !== 'string' || input.message.trim() === '') {
    throw new InvalidWorkspaceInputError(
      'A workspace commit needs a message (for example "baton: SPEC-001 phase 2 red complete").',
    );
  }
  const repo = await repositoryAt(input.path);
  return host.withLock(repo.dir, async () => {
    const made = await repo.commitAll(input.message);
    if (!input.checkpoint) return made;
    const bundle_id = await host.store.putBlob(await repo.bundle(made.commit));
    return { ...made, checkpoint: { commit: made.commit, bundle_id } };
  });
}

/**
 * Puts the files back to `commit` (fetched from `bundle_id` when the repository lacks it) and
 * forgets the tool calls recorded since: after a restore they no longer describe the files.
 * @throws UnknownCommitError when neither the repository nor the bundle has the commit.
 */
export async function restoreWorkspace(
  host: WorkspaceHost,
  input: RestoreWorkspaceInput,
): Promise<RestoreWorkspaceResult> {
  const repo = await repositoryAt(input.path);
  return host.withLock(repo.dir, async () => {
    if (!(await repo.hasCommit(input.commit))) {
      if (input.bundle_id === undefined) {
        throw new UnknownCommitError(
          input.commit,
          repo.dir,
          'Pass the bundle_id of the checkpoint that holds it.',
        );
      }
      await repo.fetchBundle(await host.store.getBlob(input.bundle_id), input.commit);
    }
    const files = await repo.restore(input.commit);
    await host.journalFor(repo.dir).clear();
    return { commit: input.commit, files };
  });
}

/**
 * A worktree for a fork on branch `baton/<fork_id>`, starting at `commit`, in the worker's state
 * folder. Asking again for the same fork returns the same worktree.
 * @throws InvalidWorkspaceInputError for a fork id that cannot name a branch and a folder.
 */
export async function forkWorkspace(
  host: WorkspaceHost,
  input: ForkWorkspaceInput,
): Promise<ForkWorkspaceResult> {
  if (typeof input.fork_id !== 'string' || !FORK_ID.test(input.fork_id)) {
    throw new InvalidWorkspaceInputError(
      `fork_id must be 1 to 100 letters, digits, '.', '_' or '-' (starting with a letter or digit), got ${JSON.stringify(input.fork_id)}.`,
    );
  }
  const repo = await repositoryAt(input.path);
  return host.withLock(repo.dir, async () => {
    if (!(await repo.hasCommit(input.commit))) {
      throw new UnknownCommitError(
        input.commit,
        repo.dir,
        'Commit the workspace first and fork from that commit.',
      );
    }
    const dir = host.worktreeDir(input.fork_id);
    await fs.mkdir(path.dirname(dir), { recursive: true });
    const branch = `baton/${input.fork_id}`;
    await repo.addWorktree(dir, branch, input.commit);
    return { path: await fs.realpath(dir), branch, commit: input.commit };
  });
}

/**
 * Merges a fork's branch (`baton/<fork_id>`, made by {@link forkWorkspace}) into the workspace:
 * the fork's worktree is committed first, so its last changes come too. A fork without a branch
 * here (it had no workspace) merges nothing.
 * @throws WorkspaceMergeConflictError when both changed the same lines (the merge is undone).
 */
export async function mergeWorkspace(
  host: WorkspaceHost,
  input: MergeWorkspaceInput,
): Promise<MergeWorkspaceResult> {
  if (typeof input.fork_id !== 'string' || !FORK_ID.test(input.fork_id)) {
    throw new InvalidWorkspaceInputError(`fork_id must name a fork, got ${JSON.stringify(input.fork_id)}.`);
  }
  const repo = await repositoryAt(input.path);
  const branch = `baton/${input.fork_id}`;
  const worktree = host.worktreeDir(input.fork_id);
  const forkRepo = await fs
    .realpath(worktree)
    .then((dir) => new GitRepository(dir))
    .catch(() => undefined);
  if (forkRepo) {
    await host.withLock(forkRepo.dir, () => forkRepo.commitAll(`baton: ${input.fork_id} before merge`));
  }
  return host.withLock(repo.dir, async () => {
    if (!(await repo.hasBranch(branch))) return { merged: false, branch, files: [] };
    await repo.commitAll(`baton: before merging ${input.fork_id}`);
    const merged = await repo.mergeBranch(branch, `baton: merge ${input.fork_id}`);
    if (!merged.ok) throw new WorkspaceMergeConflictError(branch, merged.conflicts, repo.dir);
    return { merged: true, branch, commit: merged.commit, files: merged.files };
  });
}
