/**
 * A handoff's workspace: the folder the agents change one after another, the commit each agent
 * leaves (the package carries it to the next agent, who starts from it), and the test run after an
 * agent that must leave passing tests. Pure and workflow-safe.
 */
import type { SpecWorkspace } from '../spec';
import {
  gateVerdict,
  workspaceRequestProblem,
  type VerificationResult,
  type WorkspaceRequest,
} from '../workspace';
import { isNonEmptyString, isRecord, shown, type FieldProblem } from './problems';

/** The workspace as a package carries it: the commit the sender left, and what that commit changed. */
export interface PackageWorkspace {
  /** The folder on the worker. */
  path: string;
  /** The commit the sender's work is in; the receiving agent starts from these files. */
  commit: string;
  /** The git bundle of that commit in the conversation store (another worker recreates the files from it). */
  bundle_id: string;
  /** Files the sender's commit changed; empty when it changed none. */
  files_changed: string[];
}

/** What an agent left in the workspace. */
export interface AgentWorkspaceRun {
  commit: string;
  bundle_id: string;
  /** Files its commit changed; empty when it changed none (the commit is the one it started from). */
  files_changed: string[];
  /** The test run after the agent, for an agent with `verify_tests`. */
  tests?: VerificationResult;
}

/** The handoff's workspace, as its status shows it. */
export interface HandoffWorkspaceStatus {
  path: string;
  test_command: string;
  /** The worker whose disk holds the folder, once claimed. */
  worker?: string;
  /** The last commit: the one the chain started from, then each finished agent's. */
  commit?: string;
}

/** Longest test command, in characters: a command line, not a script. */
export const MAX_TEST_COMMAND_LENGTH = 2_000;

const COMMIT = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
const BLOB_ID = /^[0-9a-f]{64}$/;

/**
 * Everything wrong with a handoff's workspace: the folder (an absolute path), the test command,
 * and the rest of the workspace request (command policy, time limits) as a session checks it;
 * empty when it is absent or valid.
 * @example handoffWorkspaceProblems({ path: 'repo', test_command: 'npm test' })
 * // [{ field: 'workspace.path', message: 'must be an absolute path …' }]
 */
export function handoffWorkspaceProblems(value: unknown, at = 'workspace'): FieldProblem[] {
  if (value === undefined) return [];
  if (!isRecord(value)) {
    return [{ field: at, message: `must be an object with a path and a test_command, got ${shown(value)}` }];
  }
  const problems: FieldProblem[] = [];
  const path = value.path;
  if (!isNonEmptyString(path) || !path.startsWith('/') || path.includes('\0')) {
    problems.push({
      field: `${at}.path`,
      message: `must be an absolute path to the folder the agents work in (--workspace <dir>), got ${shown(path)}`,
    });
  }
  const command = value.test_command;
  if (!isNonEmptyString(command)) {
    problems.push({
      field: `${at}.test_command`,
      message: `must be the command that runs the tests, such as "npm test" (--test-command), got ${shown(command)}`,
    });
  } else if (command.length > MAX_TEST_COMMAND_LENGTH || command.includes('\0')) {
    problems.push({
      field: `${at}.test_command`,
      message: `must be one command line of at most ${MAX_TEST_COMMAND_LENGTH} characters without NUL, got ${command.length} characters`,
    });
  }
  if (value.allow_dirty !== undefined && typeof value.allow_dirty !== 'boolean') {
    problems.push({
      field: `${at}.allow_dirty`,
      message: `must be true or false, got ${shown(value.allow_dirty)}`,
    });
  }
  // The rest as each agent's session will check it (the path is reported once, above).
  const pathWrong = problems.some((p) => p.field === `${at}.path`);
  const requestProblem = pathWrong ? undefined : workspaceRequestProblem(value);
  if (requestProblem) problems.push({ field: at, message: requestProblem });
  return problems;
}

/**
 * The workspace an agent's session claims. Uncommitted changes are accepted: the chain has
 * checked the folder when it started, and what a failed attempt left is the next attempt's to use
 * (a retry builds on it; a skip puts the files back first).
 */
export function agentWorkspaceRequest(ws: SpecWorkspace): WorkspaceRequest {
  const { test_command: _tests, ...request } = ws;
  return { ...request, allow_dirty: true };
}

/** Message of the commit that holds agent `index`'s work: `baton: handoff SPEC-001 2/3 tdd-implementer`. */
export function handoffCommitMessage(specId: string, index: number, total: number, agent: string): string {
  return `baton: handoff ${specId} ${index}/${total} ${agent}`;
}

/** Message of the commit of what the folder held when the chain started (made only when it had changes). */
export function handoffStartCommitMessage(specId: string): string {
  return `baton: handoff ${specId} start`;
}

/**
 * The workspace paragraph of an agent's request: where the files are, the tools, the test command,
 * and which commit the agent starts from.
 */
export function workspaceNote(ws: Pick<SpecWorkspace, 'path' | 'test_command'>, commit?: string): string {
  return [
    `Workspace: you work in ${ws.path} with the text editor and bash tools (paths are relative to it).`,
    ...(commit ? [`It is at commit ${commit.slice(0, 12)}.`] : []),
    `The test command is \`${ws.test_command}\`.`,
    'Leave your work in the files: the handoff commits them after you and hands the commit on.',
  ].join(' ');
}

/**
 * Why an agent that must leave passing tests failed: the verdict of a gate that expects them to
 * pass, then the end of the test output. This is the error a person reads before deciding, and
 * the retried agent reads it too.
 */
export function testsFailedMessage(agent: string, result: VerificationResult): string {
  const tail = result.output_tail.trim();
  return `${agent} left failing tests: ${gateVerdict('pass', result).reason}${tail ? `\n${tail}` : ''}`;
}

/** Problems with a package's `workspace` field; empty when it is absent or valid. */
export function packageWorkspaceProblems(value: unknown, at = 'workspace'): FieldProblem[] {
  if (value === undefined) return [];
  if (!isRecord(value)) return [{ field: at, message: `must be an object, got ${shown(value)}` }];
  const problems: FieldProblem[] = [];
  if (typeof value.path !== 'string' || !value.path.startsWith('/')) {
    problems.push({
      field: `${at}.path`,
      message: `must be an absolute folder path, got ${shown(value.path)}`,
    });
  }
  if (typeof value.commit !== 'string' || !COMMIT.test(value.commit)) {
    problems.push({
      field: `${at}.commit`,
      message: `must be a full git commit id (40 or 64 lowercase hex characters), got ${shown(value.commit)}`,
    });
  }
  if (typeof value.bundle_id !== 'string' || !BLOB_ID.test(value.bundle_id)) {
    problems.push({
      field: `${at}.bundle_id`,
      message: `must be the id of a bundle in the store (64 lowercase hex characters), got ${shown(value.bundle_id)}`,
    });
  }
  const files = value.files_changed;
  if (!Array.isArray(files) || files.some((f) => !isNonEmptyString(f))) {
    problems.push({
      field: `${at}.files_changed`,
      message: `must be a list of file paths (empty when nothing changed), got ${shown(files)}`,
    });
  }
  for (const key of Object.keys(value)) {
    if (!['path', 'commit', 'bundle_id', 'files_changed'].includes(key)) {
      problems.push({
        field: `${at}.${key}`,
        message: 'is not a package workspace field; the fields are path, commit, bundle_id, files_changed',
      });
    }
  }
  return problems;
}

/** Most changed files a receiving agent's message lists by name; the rest are counted. */
export const LISTED_FILES = 20;

/** The package's workspace line as the receiving agent reads it: the commit and the files changed. */
export function renderPackageWorkspace(ws: PackageWorkspace, from: string): string {
  const shownFiles = ws.files_changed.slice(0, LISTED_FILES);
  const more = ws.files_changed.length - shownFiles.length;
  const files =
    ws.files_changed.length === 0
      ? `${from} changed no files`
      : `files changed by ${from}: ${shownFiles.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
  return `- Workspace ${ws.path} at commit ${ws.commit.slice(0, 12)} (${ws.commit}); ${files}. You start from these files.`;
}
