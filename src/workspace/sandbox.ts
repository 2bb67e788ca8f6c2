/**
 * The bubblewrap sandbox for commands the model asks for (Debian's `bubblewrap`, the sandbox
 * Claude Code uses on Linux). A command sees the whole filesystem read-only except its workspace,
 * with secrets' folders hidden, no network (`--unshare-all` gives it a network namespace with
 * only a loopback of its own), its own PID namespace (nothing it starts outlives it), no
 * capabilities, and an environment built from an allow-list. `.git` stays read-only inside, so a
 * command cannot plant a hook or config that baton's own git calls would run.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SandboxStatus } from '../domain/workspace';

/** How the worker runs commands: in bubblewrap, or (opted into explicitly) without a sandbox. */
export type SandboxMode = 'bubblewrap' | 'unsafe';

/** The sandbox as probed on this worker. */
export interface Sandbox {
  status: SandboxStatus;
  /** The bwrap executable, when it can run. */
  bwrapPath?: string;
}

/** Entries of the worker's HOME that hold credentials; hidden from commands when they exist. */
export const SENSITIVE_HOME_ENTRIES = [
  '.ssh',
  '.aws',
  '.azure',
  '.gnupg',
  '.config',
  '.docker',
  '.kube',
  '.claude',
  '.anthropic',
  '.npmrc',
  '.yarnrc',
  '.netrc',
  '.pgpass',
  '.git-credentials',
  '.gitconfig',
  '.bash_history',
] as const;

function findOnPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(':')) {
    if (dir === '') continue;
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

function runQuietly(file: string, args: readonly string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.on('error', (err) => resolve({ code: -1, out: err.message }));
    child.on('close', (code) => resolve({ code, out: out.trim() }));
  });
}

/**
 * Finds bubblewrap (`BATON_BWRAP`, else `bwrap` on PATH) and proves it can build a sandbox here.
 * With `unsafe` the worker runs commands without one, and says so.
 */
export async function probeSandbox(options: { unsafe: boolean; env: NodeJS.ProcessEnv }): Promise<Sandbox> {
  if (options.unsafe) {
    return {
      status: {
        mode: 'unsafe',
        detail:
          'commands run WITHOUT a sandbox (--unsafe-commands): they can reach the network and every file this worker can',
      },
    };
  }
  const bwrapPath = options.env.BATON_BWRAP?.trim() || findOnPath('bwrap', options.env);
  if (bwrapPath === undefined) {
    return { status: { mode: 'unavailable', detail: 'bubblewrap (bwrap) is not installed on this worker.' } };
  }
  const probe = await runQuietly(bwrapPath, [
    '--unshare-all',
    '--die-with-parent',
    '--new-session',
    '--cap-drop',
    'ALL',
    '--ro-bind',
    '/',
    '/',
    '--proc',
    '/proc',
    '--dev',
    '/dev',
    'true',
  ]);
  if (probe.code !== 0) {
    return {
      status: {
        mode: 'unavailable',
        detail: `${bwrapPath} cannot create a sandbox here (${probe.out || `exit ${String(probe.code)}`}); this kernel or container may not allow user namespaces.`,
      },
    };
  }
  const version = await runQuietly(bwrapPath, ['--version']);
  return {
    status: { mode: 'bubblewrap', detail: version.code === 0 ? version.out : 'bubblewrap' },
    bwrapPath,
  };
}

/** What a sandboxed command may see and write. */
export interface SandboxLayout {
  /** The workspace (resolved), bound writable. */
  workspace: string;
  /** Folders and files to hide (folders become empty, files read as empty). */
  hide: readonly string[];
  env: Record<string, string>;
}

/** The paths a sandbox hides by default: the worker's state, its store and credentials under HOME. */
export function defaultHiddenPaths(options: {
  home?: string | undefined;
  extra?: readonly string[];
}): string[] {
  const home = options.home ?? os.homedir();
  return [...SENSITIVE_HOME_ENTRIES.map((e) => path.join(home, e)), ...(options.extra ?? [])];
}

/**
 * The bwrap arguments that run `bash -c <command>` in the workspace. Mounts apply in order: the
 * read-only root, fresh /dev, /proc and /tmp, hidden paths, then the writable workspace (which may
 * lie under /tmp or a hidden folder), then its `.git` read-only again.
 */
export function bubblewrapArgs(layout: SandboxLayout, command: string): string[] {
  const args = [
    '--unshare-all',
    '--die-with-parent',
    '--new-session',
    '--cap-drop',
    'ALL',
    '--hostname',
    'baton-sandbox',
    '--ro-bind',
    '/',
    '/',
    '--dev',
    '/dev',
    '--proc',
    '/proc',
    '--tmpfs',
    '/tmp',
  ];
  const within = (p: string) => p === layout.workspace || p.startsWith(`${layout.workspace}/`);
  const hide = (hidden: string) => {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(hidden);
    } catch {
      return;
    }
    if (stat.isDirectory()) args.push('--tmpfs', hidden);
    else args.push('--ro-bind', '/dev/null', hidden);
  };
  // A hidden folder that holds the workspace stays hidden around it: the workspace is bound on top.
  for (const hidden of layout.hide) if (!within(hidden)) hide(hidden);
  args.push('--bind', layout.workspace, layout.workspace);
  // Hidden paths inside the workspace (a .baton state folder, say) are hidden after the bind.
  for (const hidden of layout.hide) if (within(hidden) && hidden !== layout.workspace) hide(hidden);
  const git = path.join(layout.workspace, '.git');
  if (fs.existsSync(git)) args.push('--ro-bind', git, git);
  args.push('--clearenv');
  for (const [key, value] of Object.entries(layout.env)) args.push('--setenv', key, value);
  args.push('--chdir', layout.workspace, '--', '/bin/bash', '--noprofile', '--norc', '-c', command);
  return args;
}
