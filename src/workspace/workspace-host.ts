/**
 * A worker's side of workspaces: its own task queue (Temporal's worker-specific task queue
 * pattern), its state folder (tool-call journals, fork worktrees), the sandbox as probed at start,
 * a lock per workspace so that calls on one workspace never interleave, and running a command in
 * the sandbox.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Mutex } from 'async-mutex';
import type { SandboxStatus } from '../domain/workspace';
import { commandEnvironment } from './command-env';
import { SandboxUnavailableError } from './errors';
import { runProcess, type ProcessResult } from './run-process';
import { bubblewrapArgs, defaultHiddenPaths, probeSandbox } from './sandbox';
import { ToolJournal } from './tool-journal';
import type { ConversationStore } from '../store';

/** Options of {@link WorkspaceHost.create}. */
export interface WorkspaceHostOptions {
  /** The worker's workspace state folder (conventionally `<BATON_HOME>/workspaces`). */
  stateDir: string;
  /** Where checkpoint bundles are kept: the conversation store every worker shares. */
  store: Pick<ConversationStore, 'putBlob' | 'getBlob'>;
  /**
   * This worker's own task queue. Default: `baton-workspace-<host>-<hash of stateDir>`, the same
   * across restarts of a worker on the same disk, so a restarted worker takes over the retries of
   * calls on the workspaces it holds.
   */
  taskQueue?: string;
  /** Run commands without bubblewrap (`--unsafe-commands`). */
  unsafeCommands?: boolean;
  /** The worker's environment: PATH and locale for commands, `BATON_BWRAP`. */
  env?: NodeJS.ProcessEnv;
  /** More paths hidden from commands (the worker's BATON_HOME and store, say). */
  hide?: readonly string[];
  /** Variable names passed to commands besides the default allow-list (secret-looking names are dropped). */
  passEnv?: readonly string[];
}

/** A command to run in a workspace. */
export interface RunCommandOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  onProgress?: (progress: { output_bytes: number; elapsed_ms: number }) => void;
}

/** The default task queue of a worker whose workspace state is in `stateDir`. */
export function defaultWorkspaceQueue(stateDir: string): string {
  const host = os
    .hostname()
    .replace(/[^A-Za-z0-9.-]/g, '-')
    .slice(0, 40);
  const disk = createHash('sha256').update(path.resolve(stateDir)).digest('hex').slice(0, 12);
  return `baton-workspace-${host}-${disk}`;
}

/** The workspace side of one worker process. */
export class WorkspaceHost {
  readonly #locks = new Map<string, Mutex>();

  private constructor(
    readonly stateDir: string,
    readonly taskQueue: string,
    readonly identity: string,
    readonly sandbox: SandboxStatus,
    readonly store: Pick<ConversationStore, 'putBlob' | 'getBlob'>,
    private readonly bwrapPath: string | undefined,
    private readonly env: NodeJS.ProcessEnv,
    private readonly hide: readonly string[],
    private readonly passEnv: readonly string[],
  ) {}

  /** Probes the sandbox and sets the host up; never fails for a missing sandbox (commands are refused then). */
  static async create(options: WorkspaceHostOptions): Promise<WorkspaceHost> {
    const env = options.env ?? process.env;
    const stateDir = path.resolve(options.stateDir);
    fs.mkdirSync(stateDir, { recursive: true });
    const sandbox = await probeSandbox({ unsafe: options.unsafeCommands === true, env });
    return new WorkspaceHost(
      stateDir,
      options.taskQueue ?? defaultWorkspaceQueue(stateDir),
      `${os.hostname()}:${process.pid}`,
      sandbox.status,
      options.store,
      sandbox.bwrapPath,
      env,
      defaultHiddenPaths({ home: env.HOME, extra: [stateDir, ...(options.hide ?? [])] }),
      options.passEnv ?? [],
    );
  }

  /** Runs `fn` holding the workspace's lock: calls on one workspace run one at a time. */
  withLock<T>(workspace: string, fn: () => Promise<T>): Promise<T> {
    let lock = this.#locks.get(workspace);
    if (lock === undefined) {
      lock = new Mutex();
      this.#locks.set(workspace, lock);
    }
    return lock.runExclusive(fn);
  }

  /** The journal of tool calls on `workspace` (a resolved path). */
  journalFor(workspace: string): ToolJournal {
    const id = createHash('sha256').update(workspace).digest('hex').slice(0, 24);
    return new ToolJournal(path.join(this.stateDir, 'journal', id));
  }

  /** Where the worktree of fork `forkId` lives. */
  worktreeDir(forkId: string): string {
    return path.join(this.stateDir, 'worktrees', forkId);
  }

  /** Throws when commands cannot run here. */
  assertCommandsCanRun(): void {
    if (this.sandbox.mode === 'unavailable') throw new SandboxUnavailableError(this.sandbox.detail);
  }

  /**
   * Runs `command` with bash in `workspace`: inside bubblewrap, or directly in unsafe mode, with
   * an allow-listed environment either way.
   * @throws SandboxUnavailableError when bubblewrap cannot run and commands were not allowed unsandboxed.
   */
  async runCommand(workspace: string, command: string, options: RunCommandOptions): Promise<ProcessResult> {
    this.assertCommandsCanRun();
    const env = commandEnvironment({ source: this.env, home: '/tmp', pass: this.passEnv });
    const argv =
      this.sandbox.mode === 'bubblewrap' && this.bwrapPath !== undefined
        ? [this.bwrapPath, ...bubblewrapArgs({ workspace, hide: this.hide, env }, command)]
        : ['/bin/bash', '--noprofile', '--norc', '-c', command];
    return runProcess({
      argv,
      cwd: workspace,
      env,
      timeoutMs: options.timeoutMs,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
  }
}
