/**
 * Claiming a workspace on this worker: make sure the folder is a git repository baton can work in
 * (initialise one when it has none; refuse uncommitted changes unless allowed), or recreate it at
 * its last checkpoint when another worker held it before.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { ClaimWorkspaceInput, ClaimWorkspaceResult } from '../domain/workspace';
import { DirtyWorkspaceError, InvalidWorkspaceInputError, WorkspaceUnusableError, errorCode } from './errors';
import { GitRepository } from './git';
import type { WorkspaceHost } from './workspace-host';

/** The message of the commit baton makes when it initialises a repository around existing files. */
export const INITIAL_COMMIT_MESSAGE = 'baton: the workspace as baton found it';

async function isDirectory(dir: string): Promise<boolean | undefined> {
  try {
    return (await fs.stat(dir)).isDirectory();
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * The refusal for a folder that holds something else than the workspace. Recreating at a
 * checkpoint resets the folder and removes untracked files: right for the workspace's own copy
 * (another worker's half-done work on a shared disk, or an older copy here), wrong for whatever
 * else happens to be at the same path on this machine.
 */
function notTheWorkspace(dir: string, commit: string, what: string): WorkspaceUnusableError {
  return new WorkspaceUnusableError(
    `The workspace ${dir} on this worker ${what}, so it is not a copy of the workspace; recreating it at checkpoint ${commit.slice(0, 12)} would delete them. ` +
      'Move that folder away (or delete it), and the next claim recreates the workspace there from the checkpoint.',
  );
}

/** Brings the repository to the checkpoint's commit, fetching it from its bundle when missing. */
async function toCheckpoint(
  host: WorkspaceHost,
  repo: GitRepository,
  checkpoint: NonNullable<ClaimWorkspaceInput['checkpoint']>,
): Promise<boolean> {
  if (!(await repo.hasCommit(checkpoint.commit))) {
    await repo.fetchBundle(await host.store.getBlob(checkpoint.bundle_id), checkpoint.commit);
    const head = await repo.head();
    const unrelated =
      head === null
        ? (await repo.changedPaths()).length > 0
        : !(await repo.sharesHistory(head, checkpoint.commit));
    if (unrelated) {
      await repo.forgetCheckpoint(checkpoint.commit);
      throw notTheWorkspace(repo.dir, checkpoint.commit, 'is a git repository with other history');
    }
  }
  // Taking the folder over from a worker that may have died in the middle of a git command.
  await repo.clearStaleIndexLock();
  const clean = (await repo.changedPaths()).length === 0;
  if ((await repo.head()) === checkpoint.commit && clean) return false;
  await repo.restore(checkpoint.commit);
  return true;
}

/**
 * Prepares the folder `input.path` on this worker and says which task queue serves it.
 * @throws InvalidWorkspaceInputError for a relative path; WorkspaceUnusableError when the path is
 * a file or lies inside another repository, or, when recreating a checkpoint, holds files outside
 * any repository or a repository with other history (nothing is deleted then); DirtyWorkspaceError
 * for uncommitted changes without `allow_dirty`; UnknownCommitError / BlobNotFoundError when a
 * checkpoint cannot be recreated.
 */
export async function claimWorkspace(
  host: WorkspaceHost,
  input: ClaimWorkspaceInput,
): Promise<ClaimWorkspaceResult> {
  if (typeof input.path !== 'string' || !path.isAbsolute(input.path)) {
    throw new InvalidWorkspaceInputError(
      `The workspace path must be absolute (the worker resolves nothing relative to its own folder), got ${JSON.stringify(input.path)}.`,
    );
  }
  const wanted = path.resolve(input.path);
  return host.withLock(wanted, async () => {
    let initialized = false;
    let recreated = false;
    const directory = await isDirectory(wanted);
    if (directory === false) {
      throw new WorkspaceUnusableError(
        `The workspace ${wanted} is a file, not a folder. Give a folder (it is created if missing).`,
      );
    }
    if (directory === undefined) await fs.mkdir(wanted, { recursive: true });
    const real = await fs.realpath(wanted);
    const top = await GitRepository.topLevel(real);
    let repo: GitRepository;
    if (top === undefined) {
      if (input.checkpoint && (await fs.readdir(real)).length > 0) {
        throw notTheWorkspace(real, input.checkpoint.commit, 'holds files outside any git repository');
      }
      repo = await GitRepository.init(real);
      initialized = true;
      if (input.checkpoint) recreated = await toCheckpoint(host, repo, input.checkpoint);
      // The files were there before the repository: nothing of the user's can be lost by
      // committing them, and restores need a commit to come back to.
      else await repo.commitAll(INITIAL_COMMIT_MESSAGE);
    } else {
      if ((await fs.realpath(top)) !== real) {
        throw new WorkspaceUnusableError(
          `The workspace ${real} is inside the git repository ${top}. Use ${top} as the workspace, or a folder outside any repository.`,
        );
      }
      repo = new GitRepository(real);
      if (input.checkpoint) recreated = await toCheckpoint(host, repo, input.checkpoint);
      else if (input.allow_dirty !== true) {
        const changed = await repo.changedPaths();
        if (changed.length > 0) throw new DirtyWorkspaceError(real, changed);
      }
    }
    return {
      task_queue: host.taskQueue,
      worker: host.identity,
      path: real,
      head: await repo.head(),
      initialized,
      recreated,
      sandbox: host.sandbox,
    };
  });
}
