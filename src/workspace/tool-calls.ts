/**
 * The model's tool calls in a workspace (text editor and bash) and the verification run, each
 * keyed for idempotency: a call already completed returns its recorded result, a call that started
 * and never finished is reported as interrupted, and only a call never seen runs.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import {
  BASH_TOOL_NAME,
  DEFAULT_MAX_OUTPUT_CHARS,
  EDITOR_TOOL_NAME,
  MIN_OUTPUT_CHARS,
  cutOutput,
  decideCommand,
  interruptedToolMessage,
  outputTail,
  parseBashInput,
  toolCallSummary,
  type BashToolInput,
  type EditorToolInput,
  type VerificationResult,
  type VerifyWorkspaceInput,
  type WorkspaceToolResult,
} from '../domain/workspace';
import { runEditorCommand } from './editor';
import { InvalidWorkspaceInputError, SandboxUnavailableError } from './errors';
import type { ProcessResult } from './run-process';
import type { WorkspaceHost } from './workspace-host';

/** Default time limit of a bash call: two minutes, as the bash tool's reference implementation. */
export const DEFAULT_BASH_TIMEOUT_MS = 120_000;
/** Default time limit of a verification run (a whole test suite). */
export const DEFAULT_VERIFY_TIMEOUT_MS = 600_000;
/** The longest time limit accepted: one hour. */
export const MAX_COMMAND_TIMEOUT_MS = 3_600_000;

/** What a tool call knows about the activity running it. */
export interface ToolCallContext {
  /**
   * Scopes `tool_use_id`: calls with the same scope and id are the same call. The activity uses
   * its workflow run, so a retried or re-sent call matches, and another run's call never does.
   */
  scope: string;
  signal?: AbortSignal;
  onProgress?: (progress: { output_bytes: number; elapsed_ms: number }) => void;
}

/** Calls in flight in this process, by journal key, so a retry that overtakes its first attempt waits for it. */
const inflight = new Map<string, Promise<WorkspaceToolResult>>();

function checkLimit(
  value: number | undefined,
  fallback: number,
  min: number,
  max: number,
  name: string,
): number {
  const n = value ?? fallback;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new InvalidWorkspaceInputError(
      `${name} must be a whole number from ${min} to ${max}, got ${String(value)}.`,
    );
  }
  return n;
}

async function workspaceDir(dir: unknown): Promise<string> {
  if (typeof dir !== 'string' || !path.isAbsolute(dir)) {
    throw new InvalidWorkspaceInputError(
      `The workspace path must be absolute, got ${JSON.stringify(dir)}. Pass the path claimWorkspace returned.`,
    );
  }
  return fs.realpath(dir);
}

function checkToolUseId(id: unknown): string {
  if (typeof id !== 'string' || id === '' || id.length > 200) {
    throw new InvalidWorkspaceInputError(
      `tool_use_id must be the model's tool_use id (a non-empty string), got ${JSON.stringify(id)}.`,
    );
  }
  return id;
}

/** The parts every tool call's activity input carries, checked. */
interface CheckedToolCall {
  /** The workspace folder, its real path. */
  workspace: string;
  /** The journal key: the call's scope and its tool_use_id. */
  key: string;
  /** The most characters of output the model gets back. */
  maxChars: number;
}

/**
 * Checks what the editor and bash calls share: the workspace path, the tool_use_id and the output
 * limit.
 * @throws InvalidWorkspaceInputError naming the field that is wrong.
 */
async function checkToolCall(
  input: EditorToolInput | BashToolInput,
  ctx: ToolCallContext,
): Promise<CheckedToolCall> {
  const workspace = await workspaceDir(input.path);
  const id = checkToolUseId(input.tool_use_id);
  const maxChars = checkLimit(
    input.max_output_chars,
    DEFAULT_MAX_OUTPUT_CHARS,
    MIN_OUTPUT_CHARS,
    10_000_000,
    'max_output_chars',
  );
  return { workspace, key: `${ctx.scope}/${id}`, maxChars };
}

/** A result that ran nothing: a refusal, an interrupted call, or an answer given without a command. */
function resultWithoutRun(
  content: string,
  status: 'refused' | 'interrupted' | 'completed',
  isError = true,
): WorkspaceToolResult {
  return {
    content,
    is_error: isError,
    status,
    truncated: false,
    original_chars: content.length,
    duration_ms: 0,
  };
}

const refused = (content: string): WorkspaceToolResult => resultWithoutRun(content, 'refused');

/**
 * Runs `run` once per (scope, tool_use_id) on this workspace: the journal says whether it has
 * completed (its result is returned again) or started without finishing (interrupted).
 */
async function journaled(
  host: WorkspaceHost,
  workspace: string,
  key: string,
  summary: string,
  run: () => Promise<WorkspaceToolResult>,
): Promise<WorkspaceToolResult> {
  const running = inflight.get(key);
  if (running) return running.then((r) => ({ ...r, status: 'replayed' as const }));
  const journal = host.journalFor(workspace);
  const call = host.withLock(workspace, async (): Promise<WorkspaceToolResult> => {
    const seen = await journal.lookup(key);
    if (seen?.state === 'completed') return { ...seen.result, status: 'replayed' };
    if (seen?.state === 'started') return resultWithoutRun(interruptedToolMessage(summary), 'interrupted');
    const started = await journal.markStarted(key, summary);
    const result = await run();
    await journal.markCompleted(started, result);
    return result;
  });
  inflight.set(key, call);
  try {
    return await call;
  } finally {
    inflight.delete(key);
  }
}

/**
 * One text editor call.
 * @throws InvalidWorkspaceInputError for a malformed activity input (a bad tool input is an error result instead).
 */
export async function runEditorTool(
  host: WorkspaceHost,
  input: EditorToolInput,
  ctx: ToolCallContext,
): Promise<WorkspaceToolResult> {
  const { workspace, key, maxChars: max } = await checkToolCall(input, ctx);
  const summary = toolCallSummary(EDITOR_TOOL_NAME, input.input);
  return journaled(host, workspace, key, summary, async () => {
    const started = Date.now();
    const outcome = await runEditorCommand(workspace, input.input, max);
    const cut = cutOutput(outcome.content, max);
    return {
      content: cut.content,
      is_error: outcome.is_error,
      status: 'completed',
      truncated: cut.truncated,
      original_chars: cut.original_chars,
      duration_ms: Date.now() - started,
    };
  });
}

/** The text the model reads for a finished command: its output, then how it ended. */
function commandReport(result: ProcessResult, timeoutMs: number): string {
  const parts = [result.output === '' ? '(no output)' : result.output.replace(/\s+$/, '')];
  if (result.timed_out) {
    parts.push(
      `[baton: the command was killed after ${Math.round(timeoutMs / 1000)} s, its time limit. Run long tasks in smaller steps, or with their own timeout.]`,
    );
  } else if (result.cancelled) {
    parts.push('[baton: the command was cancelled.]');
  } else if (result.exit_code !== 0) {
    parts.push(`[exit code ${String(result.exit_code ?? result.signal)}]`);
  }
  return parts.join('\n');
}

/**
 * One bash call: the policy is checked, then the command runs in the sandbox with its time limit.
 * @throws InvalidWorkspaceInputError for a malformed activity input.
 */
export async function runBashTool(
  host: WorkspaceHost,
  input: BashToolInput,
  ctx: ToolCallContext,
): Promise<WorkspaceToolResult> {
  const { workspace, key, maxChars: max } = await checkToolCall(input, ctx);
  const timeoutMs = checkLimit(
    input.timeout_ms,
    DEFAULT_BASH_TIMEOUT_MS,
    1,
    MAX_COMMAND_TIMEOUT_MS,
    'timeout_ms',
  );
  const parsed = parseBashInput(input.input);
  if (!parsed.ok) return refused(parsed.problem);
  if (!('command' in parsed.input)) {
    return resultWithoutRun(
      'There is no shell to restart: baton runs each command in a fresh bash in the workspace folder, so the working directory and variables do not carry over between commands.',
      'completed',
      false,
    );
  }
  const command = parsed.input.command;
  const decision = decideCommand(input.policy ?? { mode: 'allow' }, command);
  if (decision.decision === 'deny') return refused(`Not run: ${decision.reason}.`);
  if (decision.decision === 'ask' && input.approved !== true) {
    return refused(`Not run: it needs a person's approval (${decision.reason}), and none was given.`);
  }
  if (host.sandbox.mode === 'unavailable')
    return refused(new SandboxUnavailableError(host.sandbox.detail).message);
  const summary = toolCallSummary(BASH_TOOL_NAME, input.input);
  return journaled(host, workspace, key, summary, async () => {
    const result = await host.runCommand(workspace, command, {
      timeoutMs,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      ...(ctx.onProgress ? { onProgress: ctx.onProgress } : {}),
    });
    const cut = cutOutput(commandReport(result, timeoutMs), max);
    return {
      content: cut.content,
      is_error: result.exit_code !== 0,
      status: 'completed',
      truncated: cut.truncated,
      original_chars: cut.original_chars,
      duration_ms: result.duration_ms,
      exit_code: result.exit_code,
      timed_out: result.timed_out,
    };
  });
}

/**
 * Runs the test command in the sandbox and reports what a gate needs.
 * @throws SandboxUnavailableError when commands cannot run here; InvalidWorkspaceInputError for bad input.
 */
export async function verifyWorkspace(
  host: WorkspaceHost,
  input: VerifyWorkspaceInput,
  ctx: Omit<ToolCallContext, 'scope'>,
): Promise<VerificationResult & { cancelled: boolean }> {
  const workspace = await workspaceDir(input.path);
  if (typeof input.command !== 'string' || input.command.trim() === '') {
    throw new InvalidWorkspaceInputError('The test command must be a non-empty string, such as "npm test".');
  }
  const timeoutMs = checkLimit(
    input.timeout_ms,
    DEFAULT_VERIFY_TIMEOUT_MS,
    1,
    MAX_COMMAND_TIMEOUT_MS,
    'timeout_ms',
  );
  host.assertCommandsCanRun();
  const result = await host.withLock(workspace, () =>
    host.runCommand(workspace, input.command, {
      timeoutMs,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      ...(ctx.onProgress ? { onProgress: ctx.onProgress } : {}),
    }),
  );
  return {
    command: input.command,
    exit_code: result.exit_code,
    duration_ms: result.duration_ms,
    output_tail: outputTail(result.output),
    passed: result.exit_code === 0 && !result.timed_out,
    timed_out: result.timed_out,
    cancelled: result.cancelled,
  };
}
