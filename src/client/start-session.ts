import { randomInt } from 'node:crypto';
import { mcpServerNameProblem } from '../domain/mcp';
import { newSessionId, type SendRequest } from '../domain/session';
import { InvalidInputError } from './errors';
import {
  assertSendable,
  assertSessionId,
  resolveModelAndSettings,
  type SettingsOptions,
} from './input-checks';
import type { SessionContext } from './session-context';
import {
  startSessionRun,
  startSessionWithMessage,
  type StartSessionResult,
  type StartWithReplyResult,
} from './start-session-run';
import { workspaceRequest, type WorkspaceOptions } from './workspace-options';

export interface StartSessionOptions {
  task?: string;
  system?: string;
  /** A model id, or a line (`sonnet`, `opus`, `haiku`) for its newest active model. */
  model?: string;
  /**
   * The model that writes compaction summaries (id or line); by default a cheaper model of the
   * session model's family, or the session model when there is none.
   */
  summarizer_model?: string;
  /** Session id; `sess_` + random hex when omitted. */
  id?: string;
  settings?: SettingsOptions;
  /** MCP servers (names in the worker's .mcp.json) whose tools the model gets. */
  mcp_servers?: string[];
  /** How the first message is sent when `start` is given one (its class, whether it is pinned). */
  send?: Omit<SendRequest, 'message'>;
  /**
   * A folder the model works in with the text editor and bash tools (a git repository; one is
   * initialised when it has none), and which commands it may run there. See {@link WorkspaceOptions}.
   */
  workspace?: WorkspaceOptions;
}

/**
 * Checks a start (id, task, MCP server names, workspace, model and settings, the first message),
 * then starts the session's workflow; with `message`, the first turn goes with the start
 * (update-with-start) and the result carries its reply. See `SessionsClient.start`.
 * @throws InvalidInputError for a bad id, model, setting or message; SessionExistsError when the
 * id is taken; NoWorkerError when no worker polls the task queue; SessionRequestError when the
 * session started but its first turn failed.
 */
export async function startSession(
  ctx: SessionContext,
  options: StartSessionOptions & { message?: string },
): Promise<StartSessionResult | StartWithReplyResult> {
  const sessionId = options.id ?? newSessionId(() => randomInt(16) / 16);
  assertSessionId(sessionId);
  if (options.task !== undefined && options.task.trim() === '') {
    throw new InvalidInputError('The task is empty: describe what the session is for, or leave it out.');
  }
  for (const name of options.mcp_servers ?? []) {
    const problem = mcpServerNameProblem(name);
    if (problem) throw new InvalidInputError(`MCP server ${JSON.stringify(name)}: ${problem}`);
  }
  // Checked here; the folder itself is checked by the worker that claims it.
  const workspace = options.workspace === undefined ? undefined : workspaceRequest(options.workspace);
  const { model, settings, warnings } = await resolveModelAndSettings(ctx.models, options);
  const first: SendRequest | undefined =
    options.message === undefined ? undefined : { message: options.message, ...options.send };
  if (first) assertSendable(sessionId, first);
  const input = {
    session_id: sessionId,
    model,
    settings,
    ...(options.task ? { task: options.task } : {}),
    ...(options.system ? { system: options.system } : {}),
    ...(options.mcp_servers?.length ? { mcp_servers: [...new Set(options.mcp_servers)] } : {}),
    ...(workspace ? { workspace } : {}),
  };
  const run = {
    summary: `session ${sessionId} · ${model.id}`,
    details: options.task ? `**Task:** ${options.task.slice(0, 500)}` : 'Session without a task.',
  };
  const started = first
    ? // The task then goes to the model with the first message: one activity fewer before the reply.
      await startSessionWithMessage(
        ctx,
        { ...input, ...(input.task ? { task_with_first_turn: true } : {}) },
        run,
        first,
      )
    : await startSessionRun(ctx, input, run);
  return warnings.length > 0 ? { ...started, warnings } : started;
}
