/**
 * The git operations a workspace needs, run with the `git` executable. baton's own git calls run
 * with hooks, fsmonitor and signing off and with a fixed identity, so that nothing a model wrote
 * into the repository (a hook, say) ever runs outside the sandbox, and commits are recognisably
 * baton's.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { GitCommandError, UnknownCommitError } from './errors';

/**
 * How old git's `index.lock` must be before a takeover removes it: far longer than any git command
 * baton runs, and shorter than the retries of the step that takes the folder over.
 */
export const STALE_INDEX_LOCK_MS = 10_000;

/** What a git call gives back. */
interface GitOutput {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

/** The identity of the commits baton makes. */
export const BATON_GIT_IDENTITY = { name: 'baton', email: 'baton@localhost' } as const;

/** Where checkpoint commits are kept reachable (a restore moves the branch back past them). */
export const CHECKPOINT_REF_PREFIX = 'refs/baton/checkpoints/';

const FULL_SHA = /^[0-9a-f]{40}$/;

/** The environment of git calls: the worker's, without variables that would redirect git. */
function gitEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('GIT_')) env[key] = value;
  return { ...env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' };
}

/**
 * A git repository at `dir` (its top level). Methods throw GitCommandError with git's stderr when
 * a command fails.
 */
export class GitRepository {
  constructor(readonly dir: string) {}

  /** Runs git with baton's safety settings; resolves with whatever the exit code was. */
  async run(args: readonly string[], options: { input?: Buffer; cwd?: string } = {}): Promise<GitOutput> {
    const full = [
      '-c',
      'core.hooksPath=/dev/null',
      '-c',
      'core.fsmonitor=false',
      '-c',
      'commit.gpgsign=false',
      '-c',
      `user.name=${BATON_GIT_IDENTITY.name}`,
      '-c',
      `user.email=${BATON_GIT_IDENTITY.email}`,
      '-c',
      `safe.directory=${this.dir}`,
      ...args,
    ];
    return new Promise((resolve, reject) => {
      const child = spawn('git', full, {
        cwd: options.cwd ?? this.dir,
        env: gitEnvironment(),
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      const out: Buffer[] = [];
      let err = '';
      child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr: err }));
      child.stdin.end(options.input);
    });
  }

  /** Runs git and returns its stdout as text; throws unless it exits 0. */
  async text(args: readonly string[], options: { cwd?: string } = {}): Promise<string> {
    const result = await this.run(args, options);
    if (result.code !== 0)
      throw new GitCommandError(args, result.code, result.stderr, options.cwd ?? this.dir);
    return result.stdout.toString('utf8');
  }

  /** The top level of the repository that contains `dir`, or undefined when there is none. */
  static async topLevel(dir: string): Promise<string | undefined> {
    const result = await new GitRepository(dir).run(['rev-parse', '--show-toplevel']);
    return result.code === 0 ? result.stdout.toString('utf8').trim() : undefined;
  }

  /** `git init` with `main` as the first branch. */
  static async init(dir: string): Promise<GitRepository> {
    const repo = new GitRepository(dir);
    await repo.text(['init', '-q', '--initial-branch=main']);
    return repo;
  }

  /** The commit checked out, or null before the first commit. */
  async head(): Promise<string | null> {
    const result = await this.run(['rev-parse', '--verify', '-q', 'HEAD^{commit}']);
    return result.code === 0 ? result.stdout.toString('utf8').trim() : null;
  }

  /** Paths with uncommitted changes, untracked files included (ignored files are not changes). */
  async changedPaths(): Promise<string[]> {
    const out = await this.text(['status', '--porcelain=v1', '-z', '--untracked-files=all']);
    const paths: string[] = [];
    const entries = out.split('\0').filter((e) => e !== '');
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i] ?? '';
      paths.push(entry.slice(3));
      // A rename or copy is followed by its source path.
      if (entry[0] === 'R' || entry[0] === 'C') i++;
    }
    return paths;
  }

  /** True when `commit` names a commit in this repository. */
  async hasCommit(commit: string): Promise<boolean> {
    if (!FULL_SHA.test(commit)) return false;
    return (await this.run(['cat-file', '-e', `${commit}^{commit}`])).code === 0;
  }

  /**
   * Commits everything (new, changed and deleted files; ignored files stay out). When nothing
   * changed it makes no commit and returns the current HEAD, except in a repository without
   * commits, where it makes an empty one so that there is a commit to come back to.
   */
  async commitAll(message: string): Promise<{ commit: string; changed: boolean; files: string[] }> {
    await this.text(['add', '-A']);
    const head = await this.head();
    const staged = (await this.run(['diff', '--cached', '--quiet'])).code !== 0;
    if (head !== null && !staged) return { commit: head, changed: false, files: [] };
    await this.text(['commit', '-q', '--no-verify', '--allow-empty', '-m', message]);
    const commit = await this.head();
    if (commit === null) throw new GitCommandError(['commit'], 0, 'no HEAD after committing', this.dir);
    return { commit, changed: staged, files: await this.filesOfCommit(commit) };
  }

  /** Files a commit changed compared with its parent (all its files for a root commit). */
  async filesOfCommit(commit: string): Promise<string[]> {
    const out = await this.text(['diff-tree', '--no-commit-id', '--name-only', '-r', '-z', '--root', commit]);
    return out.split('\0').filter((p) => p !== '');
  }

  /**
   * Puts the files back to `commit`: the branch points at it again, tracked changes are undone and
   * untracked files removed (ignored ones, such as node_modules, are kept). Returns the paths
   * that differed.
   * @throws UnknownCommitError when the repository does not have the commit.
   */
  async restore(commit: string): Promise<string[]> {
    if (!(await this.hasCommit(commit))) {
      throw new UnknownCommitError(commit, this.dir, 'Pass the bundle_id of the checkpoint that holds it.');
    }
    const differing = (await this.text(['diff', '--name-only', '-z', commit])).split('\0');
    const untracked = (await this.text(['ls-files', '--others', '--exclude-standard', '-z'])).split('\0');
    await this.text(['reset', '-q', '--hard', commit]);
    await this.text(['clean', '-f', '-d', '-q']);
    return [...new Set([...differing, ...untracked].filter((p) => p !== ''))].sort();
  }

  /**
   * Removes git's `index.lock` when it has not changed for `staleAfterMs`. A worker killed in the
   * middle of a git command leaves it behind, and every later command that writes the index (the
   * reset a takeover needs) refuses to run while it is there. A younger lock may belong to a git
   * command still running: it stays, the takeover's git call fails as retryable, and a later
   * attempt finds it stale.
   * @returns true when a stale lock was removed.
   */
  async clearStaleIndexLock(staleAfterMs = STALE_INDEX_LOCK_MS): Promise<boolean> {
    const lock = path.resolve(this.dir, (await this.text(['rev-parse', '--git-path', 'index.lock'])).trim());
    const stat = await fs.stat(lock).catch(() => undefined);
    if (!stat || Date.now() - stat.mtimeMs < staleAfterMs) return false;
    await fs.rm(lock, { force: true });
    return true;
  }

  /** True when `a` and `b` have a common ancestor: two states of one project, not two projects. */
  async sharesHistory(a: string, b: string): Promise<boolean> {
    return (await this.run(['merge-base', a, b])).code === 0;
  }

  /** Drops the ref that keeps checkpoint `commit` reachable (its objects go with the next gc). */
  async forgetCheckpoint(commit: string): Promise<void> {
    await this.text(['update-ref', '-d', `${CHECKPOINT_REF_PREFIX}${commit}`]);
  }

  /** Keeps `commit` reachable under `refs/baton/checkpoints/<commit>` (a restore may move the branch before it). */
  async keepCheckpoint(commit: string): Promise<string> {
    const ref = `${CHECKPOINT_REF_PREFIX}${commit}`;
    await this.text(['update-ref', ref, commit]);
    return ref;
  }

  /** A git bundle holding `commit` and its history, as bytes. */
  async bundle(commit: string): Promise<Buffer> {
    const ref = await this.keepCheckpoint(commit);
    const file = path.join(os.tmpdir(), `baton-bundle-${randomBytes(6).toString('hex')}.bundle`);
    try {
      await this.text(['bundle', 'create', '-q', file, ref]);
      return await fs.readFile(file);
    } finally {
      await fs.rm(file, { force: true });
    }
  }

  /**
   * Fetches `commit` from a bundle made by {@link GitRepository.bundle}.
   * @throws UnknownCommitError when the bundle does not hold the commit.
   */
  async fetchBundle(bytes: Uint8Array, commit: string): Promise<void> {
    const file = path.join(os.tmpdir(), `baton-bundle-${randomBytes(6).toString('hex')}.bundle`);
    await fs.writeFile(file, bytes);
    try {
      const ref = `${CHECKPOINT_REF_PREFIX}${commit}`;
      const fetched = await this.run(['fetch', '-q', '--no-tags', file, `+${ref}:${ref}`]);
      if (fetched.code !== 0 || !(await this.hasCommit(commit))) {
        throw new UnknownCommitError(
          commit,
          this.dir,
          `The checkpoint bundle does not hold it (${fetched.stderr.trim() || 'no such ref'}).`,
        );
      }
    } finally {
      await fs.rm(file, { force: true });
    }
  }

  /**
   * A worktree at `dir` on a new branch `branch` starting at `commit`; an existing worktree of
   * that branch at `dir` is reused.
   */
  async addWorktree(dir: string, branch: string, commit: string): Promise<void> {
    const list = await this.text(['worktree', 'list', '--porcelain']);
    if (list.split('\n').includes(`worktree ${dir}`)) return;
    await this.text(['worktree', 'add', '-q', '-B', branch, dir, commit]);
  }

  /**
   * Merges `branch` into the checked-out branch (fast-forward when it can). On a conflict the merge
   * is aborted, so the files are as they were, and the conflicting paths are returned.
   */
  async mergeBranch(
    branch: string,
    message: string,
  ): Promise<{ ok: true; commit: string; files: string[] } | { ok: false; conflicts: string[] }> {
    const before = await this.head();
    const merged = await this.run(['merge', '--no-edit', '-m', message, branch]);
    if (merged.code !== 0) {
      const conflicts = (await this.text(['diff', '--name-only', '--diff-filter=U']))
        .split('\n')
        .filter(Boolean);
      await this.run(['merge', '--abort']);
      if (conflicts.length === 0)
        throw new GitCommandError(['merge', branch], merged.code, merged.stderr, this.dir);
      return { ok: false, conflicts };
    }
    const commit = (await this.head())!;
    const files =
      before === null || before === commit
        ? []
        : (await this.text(['diff', '--name-only', before, commit])).split('\n').filter(Boolean);
    return { ok: true, commit, files };
  }

  /** True when the repository has the branch. */
  async hasBranch(branch: string): Promise<boolean> {
    return (await this.run(['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`])).code === 0;
  }
}
