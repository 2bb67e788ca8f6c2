/**
 * A session's workspace: what a client asks for (a folder, the command policy), what a run holds
 * once the folder is claimed (the worker's own task queue, carried across rollovers), and a
 * permission request waiting for a person under the `ask` policy. Pure and workflow-safe.
 */
import type { CommandPolicy } from './command-policy';
import { commandPolicyProblem } from './command-policy';
import { formatCount } from '../format';
import type { SandboxStatus, WorkspaceCheckpoint } from './contract';

/** The workspace a session (or a SPEC, or a handoff agent) works in, as the client asks for it. */
export interface WorkspaceRequest {
  /** Absolute path of the folder on the worker; a git repository is initialised when it has none. */
  path: string;
  /** Accept uncommitted changes in the folder (they go into baton's first commit). */
  allow_dirty?: boolean;
  /** Which commands the model may run (default: all of them, inside the sandbox). */
  policy?: CommandPolicy;
  /** Time limit of one command the model runs, in ms (default 120,000). */
  command_timeout_ms?: number;
  /**
   * How long a workspace call waits for the worker holding the folder before that worker counts
   * as gone and another recreates the folder at its last checkpoint (ms, default 60,000).
   */
  worker_wait_ms?: number;
  /**
   * A fork's workspace: a git worktree of the parent's folder, on the parent's worker, on branch
   * `baton/<fork id>`, starting at the parent's files at the fork point. Set by the client's fork.
   */
  fork_of?: ForkSource;
}

/** Where a fork's worktree comes from: the parent's folder, its worker, the commit to start at. */
export interface ForkSource {
  path: string;
  task_queue: string;
  worker: string;
  sandbox: SandboxStatus;
  checkpoint: WorkspaceCheckpoint;
}

/** The workspace as a run holds it after `claimWorkspace`; carried across continue-as-new. */
export interface HeldWorkspace {
  /** The folder, with symlinks resolved. */
  path: string;
  /** The queue of the worker whose disk holds the folder. */
  task_queue: string;
  /** That worker's identity, for status. */
  worker: string;
  sandbox: SandboxStatus;
  /** The last checkpoint of the files (commit and bundle), from which another worker recreates them. */
  checkpoint?: WorkspaceCheckpoint;
}

/** A command waiting for a person's decision (the `ask` policy). */
export interface PermissionRequest {
  /** The model's tool call id: the answer names it. */
  tool_use_id: string;
  command: string;
  /** Why the policy asks. */
  reason: string;
  /** ISO time of the request. */
  asked_at: string;
}

/** A person's answer to a {@link PermissionRequest}. */
export interface PermissionAnswer {
  /** The call answered; when omitted, the one waiting. */
  tool_use_id?: string;
  approve: boolean;
  /** Passed on to the model with a refusal (what to do instead). */
  note?: string;
}

/** Longest command time limit a session may set: one hour. */
export const MAX_COMMAND_TIMEOUT_MS = 60 * 60 * 1000;

/**
 * What is wrong with a workspace request, or undefined. The path must be absolute: it names a
 * folder on the worker, and a relative path would depend on where the worker was started.
 */
export function workspaceRequestProblem(w: unknown): string | undefined {
  if (typeof w !== 'object' || w === null) return 'The workspace must be an object with a path.';
  const r = w as Partial<WorkspaceRequest>;
  if (typeof r.path !== 'string' || r.path.trim() === '') {
    return 'The workspace path is empty: give the folder the agent works in (--workspace <dir>).';
  }
  if (!r.path.startsWith('/')) {
    return `The workspace path ${JSON.stringify(r.path)} is not absolute: give the folder as an absolute path.`;
  }
  if (r.path.includes('\0')) return 'The workspace path contains a NUL character.';
  if (r.command_timeout_ms !== undefined) {
    const t = r.command_timeout_ms;
    if (!Number.isInteger(t) || t < 1000 || t > MAX_COMMAND_TIMEOUT_MS) {
      return `The command time limit must be a whole number of ms from 1,000 to ${formatCount(MAX_COMMAND_TIMEOUT_MS)}; got ${String(t)}.`;
    }
  }
  if (r.worker_wait_ms !== undefined) {
    const t = r.worker_wait_ms;
    if (!Number.isInteger(t) || t < 1000 || t > MAX_COMMAND_TIMEOUT_MS) {
      return `The wait for the workspace's worker must be a whole number of ms from 1,000 to ${formatCount(MAX_COMMAND_TIMEOUT_MS)}; got ${String(t)}.`;
    }
  }
  if (r.policy !== undefined) return commandPolicyProblem(r.policy);
  return undefined;
}

/** What is wrong with a permission answer, given the request waiting (if any). */
export function permissionAnswerProblem(
  answer: unknown,
  pending: PermissionRequest | undefined,
): string | undefined {
  if (typeof answer !== 'object' || answer === null) return 'The answer must be an object.';
  const a = answer as Partial<PermissionAnswer>;
  if (typeof a.approve !== 'boolean') return 'Say whether the command may run: approve true or false.';
  if (!pending) return 'No command is waiting for permission in this session.';
  if (a.tool_use_id !== undefined && a.tool_use_id !== pending.tool_use_id) {
    return `The command waiting is ${pending.tool_use_id} (${pending.command}), not ${String(a.tool_use_id)}.`;
  }
  return undefined;
}
