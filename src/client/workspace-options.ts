/**
 * The workspace options of `sessions.start`, `specs.start` and `handoffs.run`, checked and turned
 * into the workflow's {@link WorkspaceRequest} before anything starts. The folder itself (does it
 * exist, is it clean, is it a repository) is checked by the worker that claims it, because the
 * folder is on the worker's disk.
 */
import path from 'node:path';
import {
  commandPolicyProblem,
  InvalidCommandPolicyError,
  parseCommandPolicy,
  workspaceRequestProblem,
  type CommandPolicy,
  type WorkspaceRequest,
} from '../domain/workspace';
import type { SpecWorkspace } from '../domain/spec';
import { InvalidInputError } from './errors';

/** A workspace as a caller gives it. */
export interface WorkspaceOptions {
  /**
   * The folder the model works in. A relative path is resolved against this process's working
   * directory, which names the same folder when the worker runs on this machine (`baton dev`); in
   * production the folder is on the worker's disk, so give the absolute path it has there.
   */
  path: string;
  /** Accept uncommitted changes in the folder (they go into baton's first commit). */
  allow_dirty?: boolean;
  /**
   * Which commands the model may run: a policy object, or its text form `allow`, `ask`,
   * `allow:npm test,git diff` (others refused) or `ask-others:npm test,…` (others asked).
   */
  policy?: CommandPolicy | string;
  /** Time limit of one command the model runs, in ms (default 120,000). */
  command_timeout_ms?: number;
  /**
   * How long a workspace call waits for the worker holding the folder before another worker
   * recreates it at its last checkpoint, in ms (default 60,000).
   */
  worker_wait_ms?: number;
}

/** A SPEC's (or a handoff's) workspace: the folder and the command whose result decides the gates. */
export interface SpecWorkspaceOptions extends WorkspaceOptions {
  /** Runs the tests from the workspace's root, in the sandbox (e.g. `npm test`). */
  test_command: string;
}

/** Longest test command accepted: it travels in the workflow's input and every gate's result. */
const MAX_TEST_COMMAND_CHARS = 2_000;

/** Most attempts a phase may be given before it waits for a person. */
export const MAX_PHASE_ATTEMPTS = 10;

function policyOf(policy: CommandPolicy | string): CommandPolicy {
  if (typeof policy === 'string') {
    try {
      return parseCommandPolicy(policy);
    } catch (err) {
      if (err instanceof InvalidCommandPolicyError) throw new InvalidInputError(err.message);
      throw err;
    }
  }
  const problem = commandPolicyProblem(policy);
  if (problem) throw new InvalidInputError(`Invalid command policy: ${problem}.`);
  return policy;
}

/**
 * The workspace request a session sends: the path made absolute, the policy parsed.
 * @param cwd what a relative path is relative to (default: this process's working directory).
 * @throws InvalidInputError saying what is wrong (an empty path, a bad policy, a bad time limit).
 * @example workspaceRequest({ path: 'demo', policy: 'allow:npm test' }, '/home/me')
 * // { path: '/home/me/demo', policy: { mode: 'allow_list', prefixes: ['npm test'] } }
 */
export function workspaceRequest(options: WorkspaceOptions, cwd = process.cwd()): WorkspaceRequest {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidInputError('The workspace must be an object with a path: { path: "<folder>" }.');
  }
  if (typeof options.path !== 'string' || options.path.trim() === '') {
    throw new InvalidInputError(
      'The workspace path is empty: give the folder the agent works in (--workspace <dir>).',
    );
  }
  if (options.allow_dirty !== undefined && typeof options.allow_dirty !== 'boolean') {
    throw new InvalidInputError(
      `allow_dirty must be true or false, got ${JSON.stringify(options.allow_dirty)}.`,
    );
  }
  const request: WorkspaceRequest = {
    path: path.resolve(cwd, options.path),
    ...(options.allow_dirty ? { allow_dirty: true } : {}),
    ...(options.policy !== undefined ? { policy: policyOf(options.policy) } : {}),
    ...(options.command_timeout_ms !== undefined ? { command_timeout_ms: options.command_timeout_ms } : {}),
    ...(options.worker_wait_ms !== undefined ? { worker_wait_ms: options.worker_wait_ms } : {}),
  };
  const problem = workspaceRequestProblem(request);
  if (problem) throw new InvalidInputError(problem);
  return request;
}

/**
 * The workspace of a SPEC or a handoff: a {@link workspaceRequest} with its test command.
 * @throws InvalidInputError for a missing or empty test command, or anything `workspaceRequest` refuses.
 */
export function specWorkspace(options: SpecWorkspaceOptions, cwd = process.cwd()): SpecWorkspace {
  const request = workspaceRequest(options, cwd);
  const command = options.test_command as unknown;
  if (typeof command !== 'string' || command.trim() === '') {
    throw new InvalidInputError(
      'A workspace for a SPEC or a handoff needs the command that runs its tests (it decides each SPEC ' +
        'phase, and must pass after tdd-implementer): give --test-command "<cmd>" (test_command), e.g. --test-command "npm test".',
    );
  }
  if (command.includes('\0')) throw new InvalidInputError('The test command contains a NUL character.');
  if (command.length > MAX_TEST_COMMAND_CHARS) {
    throw new InvalidInputError(
      `The test command is ${command.length} characters long; keep it under ${MAX_TEST_COMMAND_CHARS} (put a long one in a script).`,
    );
  }
  return { ...request, test_command: command.trim() };
}

/**
 * Attempts a phase gets before it waits for a decision.
 * @throws InvalidInputError for anything but a whole number from 1 to {@link MAX_PHASE_ATTEMPTS}.
 */
export function maxAttempts(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_PHASE_ATTEMPTS) {
    throw new InvalidInputError(
      `max_attempts must be a whole number from 1 to ${MAX_PHASE_ATTEMPTS} (attempts per phase before it waits for a decision), got ${JSON.stringify(value)}.`,
    );
  }
  return value;
}
