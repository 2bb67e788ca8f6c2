/**
 * Records the workflow histories that test/replay/replay.test.ts replays, so that a change to the
 * workflows that would break running sessions fails CI.
 *
 *   npx tsx scripts/record-histories.ts
 *
 * It starts a private dev server (in memory), the offline model, a worker (bundling src/workflows
 * as it is now) and real MCP servers (baton's test server and the memory server), then drives:
 *
 * - a session through every update (ready, send, checkpoint, compact, restore, merge, optimizeMcp,
 *   cancelTurn, close), streamed turns (stream signals and polls, carried across the rollover), a
 *   turn cancelled mid-reply and one before it starts, a turn refused by the model, a retried
 *   turn, a failed compaction, threshold
 *   summarization, a rollover with messages arriving during it, forks merged back (fast-forward and
 *   summary), and a resume after close;
 * - a session with MCP tools: tool calls, a tool that crashes its server, idle disabling on a
 *   durable timer, re-enabling through the built-in tool, and optimization by task profile;
 * - SPEC runs whose failed phase is retried (with guidance), skipped and aborted, and one whose
 *   plan waits for approval (a refused decision, a revise, a restart);
 * - a three-agent handoff (its child sessions run scripts and compact to their floor);
 * - workspaces: a SPEC with verified gates (one failed and fed back), a session under the `ask`
 *   policy (answerPermission), checkpoint and restore with files, a worktree fork merged back.
 *
 * Each run's history is written as `test/replay/histories/<label>/<workflow id>.<run>.json`, the
 * JSON of the `temporal.api.history.v1.History` proto (see {@link historyText}), checked to restore
 * byte for byte; `manifest.json` in the folder lists them with the updates each one accepted.
 *
 *   npx tsx scripts/record-histories.ts [--label NAME]   # default label: the short HEAD commit
 *
 * Keep the folders of earlier versions: sessions recorded under them may still be running, and a
 * workflow change must keep replaying them (make it with `patched()`). Delete a folder only when
 * no run of that version can still be alive. Re-recording a label replaces that folder only.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { temporal } from '@temporalio/proto';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { BatonClient, SessionRequestError } from '../src/client';
import type { SpecDefinition } from '../src/domain/spec';
import { loadMcpConfig, McpClientPool } from '../src/mcp';
import { createAnthropicClient, OfflineModel, parseOfflineScript } from '../src/model';
import { FileConversationStore } from '../src/store';
import { startDevServer } from '../src/temporal/dev-server';
import { findOrBuildTemporalCli } from '../src/temporal/temporal-cli';
import { createBatonWorker, createWorkspaceWorker } from '../src/worker/create-worker';
import { WorkspaceHost } from '../src/workspace';
import { answerPermissionUpdate } from '../src/domain/session';
import { createTokenCounter } from '../src/worker/token-counter';
import { createMcpFixture } from '../test/fixtures/mcp-fixture';

const HISTORIES_DIR = path.join(__dirname, '..', 'test', 'replay', 'histories');
const TASK_QUEUE = 'baton-record';

/** One recorded history, as manifest.json lists it. */
export interface RecordedHistory {
  file: string;
  workflow_id: string;
  workflow_type: string;
  run: number;
  events: number;
  /** Names of the updates this run accepted, in order of first appearance. */
  updates: string[];
}

const log = (line: string) => console.log(`[record] ${line}`);

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`Recording went off script: ${what}`);
}

async function expectRefusal(promise: Promise<unknown>, what: string): Promise<void> {
  const outcome = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  check(outcome instanceof SessionRequestError, `${what} should have failed (got ${String(outcome)})`);
}

async function waitFor(what: string, test: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await test())) {
    check(Date.now() < deadline, `${what} within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The session scenario: every session update, compaction, rollover, forks, merges and resume. */
async function recordSession(baton: BatonClient, model: OfflineModel): Promise<void> {
  const id = 'rec-session';
  await baton.sessions.start({
    id,
    task: 'Plan the cache layer.\nDecision: the cache is Redis.',
    system: 'Answer briefly.',
    model: 'baton-small-8k',
    settings: { keep_recent_turns: 2 },
  });
  // Streamed: the reply text comes through the session's workflow stream (signals and polls).
  await baton.sessions.send(id, 'Hello, where do we start?', { onEvent: () => undefined });
  await baton.sessions.send(id, 'Keep this: the API is public.', { pin: true });
  await baton.sessions.send(id, 'Raw tool output: 200 OK, 12 ms, 3 hits.', { class: 'temporary' });
  await baton.sessions.checkpoint(id, { name: 'early' });

  // A turn cancelled while the model writes it, and a send cancelled before its turn starts.
  let wrote!: () => void;
  const writing = new Promise<void>((resolve) => (wrote = resolve));
  const slow = baton.sessions
    .send(id, 'Write slowly. [[reply_tokens=400]] [[pace_ms=200]]', {
      onEvent: (e) => e.type === 'text' && wrote(),
    })
    .then(
      () => undefined,
      (err: unknown) => err,
    );
  await writing;
  check((await baton.sessions.cancel(id)).cancelled, 'a running turn is cancelled');
  check((await slow) instanceof SessionRequestError, 'the cancelled send fails');
  const early = await baton.sessions.cancel(id, { request_id: 'req_rec_early' });
  check(early.pending === true, 'a cancel names a send that has not started');
  await expectRefusal(
    baton.sessions.send(id, 'Never runs.', { request_id: 'req_rec_early' }),
    'a send cancelled before its turn starts',
  );

  model.injectFaults([{ kind: 'http', status: 400, message: 'refused on purpose', match: 'refused turn' }]);
  await expectRefusal(baton.sessions.send(id, 'A refused turn.'), 'a turn refused with 400');
  model.injectFaults([{ kind: 'http', status: 529, match: 'flaky turn' }]);
  await baton.sessions.send(id, 'A flaky turn, retried by Temporal.');

  // The next model request is the summarizer's: refusing it fails the compaction, which commits nothing.
  model.injectFaults([{ kind: 'http', status: 400, message: 'no summary today' }]);
  await expectRefusal(baton.sessions.compact(id), 'a compaction whose summary is refused');
  model.clearFaults();
  const compacted = await baton.sessions.compact(id);
  check(compacted.status === 'committed', 'a manual compaction commits');
  await baton.sessions.restore(id, 'early');

  // A fork whose main line has not moved merges by fast-forward.
  await baton.sessions.fork(id, { id: 'rec-fork-ff' });
  await baton.sessions.send('rec-fork-ff', 'On the fork: measure the hit rate.');
  const ff = await baton.sessions.merge(id, 'rec-fork-ff');
  check(ff.merge.strategy === 'fast-forward', 'the first merge fast-forwards');
  // One from an earlier checkpoint, after the main line moved: merged as a summary.
  await baton.sessions.fork(id, { id: 'rec-fork-summary', at: 'early' });
  await baton.sessions.send('rec-fork-summary', 'Decision: sessions go to memcached.');
  await baton.sessions.send(id, 'Meanwhile on main: write the eviction policy.');
  const summary = await baton.sessions.merge(id, 'rec-fork-summary', { strategy: 'summary' });
  check(summary.merge.strategy === 'summary', 'the second merge is a summary');
  await baton.sessions.close('rec-fork-ff');
  await baton.sessions.close('rec-fork-summary');

  // Fill the 8,000-token window until a turn summarizes first (75 %)...
  for (let i = 1; ; i++) {
    const status = await baton.sessions.status(id);
    if (status.last_compaction?.trigger === 'threshold') break;
    check(i <= 30, 'threshold summarization within 30 turns');
    await baton.sessions.send(id, `Step ${i}: refine the plan. [[reply_tokens=500]]`);
  }
  // ...then to just under 75 % (5,880 tokens), so that the next turn, with a long reply, starts
  // without summarizing and ends past 85 %: it rolls over, answering the messages sent meanwhile.
  for (let i = 1; ; i++) {
    const fill = (await baton.sessions.status(id)).tokens_used;
    if (fill >= 5_800 && fill < 5_950) break;
    check(i <= 20, `context fill just under 75 % within 20 turns (at ${fill})`);
    const size = Math.max(10, Math.min(1_000, 5_880 - fill - 25));
    await baton.sessions.send(id, `Fill ${i}. [[reply_tokens=${size}]]`);
  }
  const before = (await baton.sessions.status(id)).rollovers.length;
  await Promise.all([
    baton.sessions.send(id, 'A long answer, please. [[reply_tokens=1000]]'),
    baton.sessions.send(id, 'Sent while the rollover is due.', { onEvent: () => undefined }),
    baton.sessions.send(id, 'Also sent while the rollover is due.'),
  ]);
  await waitFor('a rollover', async () => (await baton.sessions.status(id)).rollovers.length > before);
  await baton.sessions.send(id, 'After the rollover: what did we decide?', { onEvent: () => undefined });
  await baton.sessions.checkpoint(id, { name: 'late' });
  await baton.sessions.close(id);
  // A closed session resumes in a new run.
  const resumed = await baton.sessions.resume(id, { message: 'Resumed: where were we?' });
  check(resumed.resumed, 'the closed session resumes in a new run');
  await baton.sessions.close(id);
}

/** Tool use against real MCP servers, idle disabling and optimization by profile. */
async function recordMcpSession(baton: BatonClient): Promise<void> {
  const id = 'rec-mcp';
  const tool = (name: string, input: unknown) =>
    `Please do it. [[use_tool=${name} ${JSON.stringify(input)}]]`;
  await baton.sessions.start({
    id,
    task: 'Use the tools.',
    mcp_servers: ['memory', 'testkit'],
    settings: { mcp_idle_ms: 2_000 },
  });
  await baton.sessions.send(id, tool('testkit__echo', { text: 'hello from a tool' }));
  await baton.sessions.send(id, tool('testkit__crash', {}));
  await waitFor('idle MCP servers disabled', async () =>
    ((await baton.sessions.status(id)).mcp?.servers ?? []).every((s) => !s.enabled),
  );
  await baton.sessions.send(id, tool('enable_mcp_server', { server: 'memory' }));
  await baton.sessions.optimizeMcp(id, { task: 'docs', env: {} });
  await baton.sessions.close(id);
}

/** SPEC runs: a failed phase retried with guidance, one skipped, one aborted. */
async function recordSpecs(baton: BatonClient, model: OfflineModel): Promise<void> {
  const spec = (spec_id: string): SpecDefinition => ({
    spec_id,
    title: 'Password reset',
    requirements: ['request a reset link', 'set a new password'],
    acceptance_criteria: ['an expired link is refused'],
  });
  const awaitingDecision = (specId: string) =>
    waitFor(`SPEC ${specId} waiting for a decision`, async () => {
      return (await baton.specs.status(specId)).status === 'awaiting_decision';
    });

  const cases: [string, number, (specId: string) => Promise<unknown>, string][] = [
    ['SPEC-REC-RETRY', 3, (s) => baton.specs.retry(s, 'keep it minimal'), 'completed'],
    ['SPEC-REC-SKIP', 2, (s) => baton.specs.skip(s), 'completed'],
    ['SPEC-REC-ABORT', 1, (s) => baton.specs.abort(s), 'aborted'],
  ];
  for (const [specId, phase, decide, expected] of cases) {
    model.injectFaults([{ kind: 'http', status: 400, match: `SPEC ${specId} · phase ${phase}/4` }]);
    await baton.specs.start(spec(specId));
    await awaitingDecision(specId);
    await decide(specId);
    const result = await baton.specs.result(specId);
    check(result.status === expected, `${specId} ends ${expected} (got ${result.status})`);
  }
}

/**
 * A SPEC run with plan approval (`approve`): a decision refused before the plan waits, a revise
 * (the analysis runs again with the feedback), then a restart (the plan carried into a fresh
 * conversation).
 */
async function recordPlanApproval(baton: BatonClient, model: OfflineModel): Promise<void> {
  const specId = 'SPEC-REC-PLAN';
  const planWaits = (analyses: number) =>
    waitFor(`the plan of ${specId} waiting`, async () => {
      const s = await baton.specs.status(specId);
      return s.status === 'awaiting_approval' && s.phases[0]?.attempts === analyses;
    });
  model.injectFaults([{ kind: 'http', status: 400, match: `SPEC ${specId} · phase 1/4` }]);
  await baton.specs.start(
    {
      spec_id: specId,
      title: 'Password reset',
      requirements: ['request a reset link', 'set a new password'],
      acceptance_criteria: ['an expired link is refused'],
    },
    { approve: true },
  );
  await waitFor(`SPEC ${specId} waiting for a decision`, async () => {
    return (await baton.specs.status(specId)).status === 'awaiting_decision';
  });
  await expectRefusal(baton.specs.approve(specId), 'approving a plan that does not wait');
  await baton.specs.retry(specId);
  await planWaits(2);
  await baton.specs.revise(specId, 'cover rate limiting');
  await planWaits(3);
  await baton.specs.restart(specId);
  const result = await baton.specs.result(specId);
  check(result.status === 'completed', `${specId} ends completed (got ${result.status})`);
}

/** Handoffs whose failed agent is retried (with guidance), skipped and aborted. */
async function recordHandoffDecisions(baton: BatonClient, model: OfflineModel): Promise<void> {
  const cases: [string, (id: string) => Promise<unknown>, string][] = [
    ['SPEC-REC-HRETRY', (id) => baton.handoffs.retry(id, 'be brief'), 'completed'],
    ['SPEC-REC-HSKIP', (id) => baton.handoffs.skip(id), 'completed'],
    ['SPEC-REC-HABORT', (id) => baton.handoffs.abort(id), 'aborted'],
  ];
  for (const [specId, decide, expected] of cases) {
    const pill = `pill-${specId}`;
    model.injectFaults([{ kind: 'http', status: 400, match: pill }]);
    await baton.handoffs.run({
      spec: { spec_id: specId, title: 'Decisions', requirements: ['retry'], acceptance_criteria: [] },
      definitions: [
        { name: 'first', role_prompt: 'You start.', work_message: 'Start.' },
        { name: 'second', role_prompt: 'You may fail.', work_message: `Handle the ${pill}.` },
      ],
      wait: false,
    });
    for (let i = 0; i < 200 && (await baton.handoffs.status(specId)).state !== 'awaiting_decision'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await decide(specId);
    const result = await baton.handoffs.result(specId);
    check(result.state === expected, `${specId} ends ${expected} (got ${result.state})`);
  }
}

/** The three default agents, each a child session that compacts to its floor before it starts. */
async function recordHandoff(baton: BatonClient): Promise<void> {
  const result = await baton.handoffs.run({
    spec: {
      spec_id: 'SPEC-REC-HANDOFF',
      title: 'Search',
      requirements: ['index', 'query'],
      acceptance_criteria: [],
    },
    model: 'baton-small-8k',
    // Nearly the whole 8,000-token window: later agents try to make room before they start.
    min_tokens_available: 7_900,
  });
  check(result.state === 'completed', 'the handoff completes');
  check(
    result.agents.some((a) => a.floor_compactions > 0),
    'an agent compacts to its floor',
  );
}

type History = temporal.api.history.v1.History;
const { History } = temporal.api.history.v1;

/**
 * A history as JSON: `History.toObject` with 64-bit numbers, enums and bytes as strings (what
 * `History.toJSON()` gives). `History.fromObject(JSON.parse(text))` restores it exactly.
 *
 * Not `historyToJSON` from `@temporalio/common`: in this install it throws "type must be a Type"
 * (see the note in test/replay/replay.test.ts), and so does `historyFromJSON`.
 */
export function historyText(history: History): string {
  const object = History.toObject(history, { longs: String, enums: String, bytes: String });
  return `${JSON.stringify(object, null, 1)}\n`;
}

/** Every run on the task queue, oldest first per workflow id, written as history JSON. */
async function saveHistories(baton: BatonClient, outDir: string): Promise<RecordedHistory[]> {
  const runs = [];
  for await (const wf of baton.temporal.workflow.list({ query: `TaskQueue = '${TASK_QUEUE}'` })) {
    runs.push(wf);
  }
  runs.sort(
    (a, b) => a.workflowId.localeCompare(b.workflowId) || a.startTime.getTime() - b.startTime.getTime(),
  );
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  const recorded: RecordedHistory[] = [];
  const runNumbers = new Map<string, number>();
  for (const wf of runs) {
    const run = (runNumbers.get(wf.workflowId) ?? 0) + 1;
    runNumbers.set(wf.workflowId, run);
    const fetched = History.fromObject(
      await baton.temporal.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory(),
    );
    const text = historyText(fetched);
    // The file must give back the very history Temporal has: compare the wire bytes.
    const restored = History.fromObject(JSON.parse(text) as Record<string, unknown>);
    check(
      Buffer.from(History.encode(restored).finish()).equals(Buffer.from(History.encode(fetched).finish())),
      `the JSON of ${wf.workflowId} run ${run} restores the same history`,
    );
    const file = `${wf.workflowId}.${run}.json`;
    fs.writeFileSync(path.join(outDir, file), text);
    recorded.push({
      file,
      workflow_id: wf.workflowId,
      workflow_type: wf.type,
      run,
      events: fetched.events.length,
      updates: acceptedUpdates(restored),
    });
  }
  fs.writeFileSync(
    path.join(outDir, 'manifest.json'),
    `${JSON.stringify(
      {
        recorded_with: 'npx tsx scripts/record-histories.ts',
        recorded_at: new Date().toISOString(),
        head_commit: git(['rev-parse', 'HEAD']),
        // Workflow code differing from head_commit when recorded, if any.
        uncommitted_workflow_changes: git(['status', '--porcelain', '--', 'src/workflows', 'src/domain'])
          .split('\n')
          .filter(Boolean),
        format:
          'temporal.api.history.v1.History.toObject({longs: String, enums: String, bytes: String}); load with History.fromObject',
        histories: recorded,
      },
      null,
      2,
    )}\n`,
  );
  return recorded;
}

/** Names of the updates a history accepted, in order of first appearance. */
export function acceptedUpdates(history: temporal.api.history.v1.IHistory): string[] {
  const names = (history.events ?? [])
    .map((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name)
    .filter((n): n is string => typeof n === 'string');
  return [...new Set(names)];
}

/** Output of a read-only git command in the repository. */
function git(args: string[]): string {
  return execFileSync('git', args, { cwd: path.join(__dirname, '..'), encoding: 'utf8' }).trim();
}

/** `--label NAME`, else the short commit of HEAD (read with `git rev-parse`, nothing written). */
function recordingLabel(argv: readonly string[]): string {
  const { values } = parseArgs({ args: [...argv], options: { label: { type: 'string' } }, strict: true });
  const label = values.label ?? git(['rev-parse', '--short', 'HEAD']);
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(label)) {
    throw new Error(`--label must be letters, digits, '.', '_' or '-' (got '${label}').`);
  }
  return label;
}

/**
 * Workspaces: a SPEC whose GREEN gate fails once and passes after the feedback (editor and bash
 * calls, verify, commits with bundles), a session under the `ask` policy whose command is
 * allowed (answerPermission), a checkpoint and restore with files, and an exploration in worktrees
 * merged back.
 */
async function recordWorkspaces(baton: BatonClient, model: OfflineModel, base: string): Promise<void> {
  const create = (file: string, text: string) => ({
    name: 'str_replace_based_edit_tool',
    input: { command: 'create', path: file, file_text: text },
  });
  const test =
    "const test = require('node:test');\nconst assert = require('node:assert/strict');\nconst { sum } = require('../src/sum.js');\ntest('adds', () => assert.equal(sum(2, 3), 5));\n";
  const wrong = 'exports.sum = (a, b) => a - b;\n';
  const right = 'exports.sum = (a, b) => a + b;\n';
  model.setScript(
    parseOfflineScript({
      format: 'baton.offline-script',
      version: 1,
      steps: [
        { when: { phase: 'analysis' }, replies: [{ text: 'Plan: one test, one function.' }] },
        {
          when: { phase: 'red' },
          replies: [
            { text: 'The test.', tool_calls: [create('test/sum.test.js', test)] },
            { text: 'Running it.', tool_calls: [{ name: 'bash', input: { command: 'node --test' } }] },
            { text: 'It fails: {{tool_result}}' },
          ],
        },
        {
          when: { phase: 'green', match: 'The gate failed' },
          replies: [{ text: 'Fixed.', tool_calls: [create('src/sum.js', right)] }, { text: 'Done.' }],
        },
        {
          when: { phase: 'green' },
          replies: [{ text: 'A first try.', tool_calls: [create('src/sum.js', wrong)] }, { text: 'Done.' }],
        },
        { when: { phase: 'refactor' }, replies: [{ text: 'Nothing to refactor.' }] },
        {
          when: { match: 'list the files' },
          replies: [
            { text: 'Listing.', tool_calls: [{ name: 'bash', input: { command: 'ls' } }] },
            { text: 'Files: {{tool_result}}' },
          ],
        },
        {
          when: { match: 'variant' },
          replies: [
            { text: 'Writing it.', tool_calls: [create('variant.txt', 'chosen\n')] },
            { text: 'Done.' },
          ],
        },
      ],
    }),
  );
  const folder = (name: string) => {
    const dir = path.join(base, name);
    fs.mkdirSync(dir, { recursive: true });
    return dir;
  };
  await baton.specs.start(
    {
      spec_id: 'REC-WS',
      title: 'A sum function',
      requirements: ['sum(a, b) adds two numbers'],
      acceptance_criteria: ['sum(2, 3) is 5'],
    },
    { workspace: { path: folder('spec'), test_command: 'node --test' } },
  );
  const spec = await baton.specs.result('REC-WS');
  check(spec.status === 'completed', `the workspace SPEC completed (got ${spec.status})`);

  const id = 'rec-workspace';
  await baton.sessions.start({
    id,
    task: 'Look after this folder',
    workspace: { path: folder('session'), policy: { mode: 'ask' } },
  });
  const reply = baton.sessions.send(id, 'Please list the files');
  await waitFor('a command waiting for permission', async () =>
    Boolean((await baton.sessions.status(id)).pending_permission),
  );
  await baton.temporal.workflow
    .getHandle(id)
    .executeUpdate(answerPermissionUpdate, { args: [{ approve: true }] });
  await reply;
  await baton.sessions.checkpoint(id, { name: 'files' });
  const explored = await baton.sessions.explore(id, ['write the variant']);
  const fork = explored.variants[0]!.session_id;
  await baton.sessions.merge(id, fork);
  await baton.sessions.restore(id, 'files');
  await baton.sessions.close(fork);
  await baton.sessions.close(id);
  model.setScript(undefined);
}

async function main(): Promise<void> {
  const outDir = path.join(HISTORIES_DIR, recordingLabel(process.argv.slice(2)));
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-record-'));
  const cliPath = await findOrBuildTemporalCli({ onProgress: log });
  const server = await startDevServer({
    cliPath,
    headless: true,
    logFile: path.join(workDir, 'temporal.log'),
  });
  const model = await OfflineModel.start();
  const store = new FileConversationStore({ root: path.join(workDir, 'store') });
  const fixture = createMcpFixture(['memory', 'testkit']);
  const { config } = await loadMcpConfig({ file: fixture.configPath, env: {} });
  const mcp = new McpClientPool({ servers: config.servers });
  const connection = await NativeConnection.connect({ address: server.address });
  let baton: BatonClient | undefined;
  try {
    const anthropic = createAnthropicClient({ baseURL: model.baseURL });
    log('bundling the workflows and starting a worker');
    const workspaces = await WorkspaceHost.create({
      stateDir: path.join(workDir, 'workspaces'),
      store,
      taskQueue: `${TASK_QUEUE}-workspace`,
    });
    const worker = await createBatonWorker({
      connection,
      taskQueue: TASK_QUEUE,
      store,
      anthropic,
      countTokens: createTokenCounter('offline', anthropic),
      mcp,
      workspaces,
    });
    const workspaceWorker = await createWorkspaceWorker({ connection, host: workspaces });
    const running = Promise.all([worker.run(), workspaceWorker.run()]);
    baton = await BatonClient.connect({ address: server.address, taskQueue: TASK_QUEUE, env: {}, store });
    await baton.waitForWorker();
    try {
      const client = baton;
      const steps: [string, () => Promise<void>][] = [
        ['session', () => recordSession(client, model)],
        ['MCP session', () => recordMcpSession(client)],
        ['SPEC runs', () => recordSpecs(client, model)],
        ['SPEC plan approval', () => recordPlanApproval(client, model)],
        ['handoff', () => recordHandoff(client)],
        ['handoff decisions', () => recordHandoffDecisions(client, model)],
        ['workspaces', () => recordWorkspaces(client, model, path.join(workDir, 'folders'))],
      ];
      for (const [name, step] of steps) {
        const started = Date.now();
        await step();
        log(`${name}: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      }
      // Visibility lags a little behind the last close.
      await new Promise((r) => setTimeout(r, 1_000));
      const recorded = await saveHistories(client, outDir);
      for (const r of recorded) {
        log(`${r.file}: ${r.workflow_type}, ${r.events} events, updates ${r.updates.join(', ') || '-'}`);
      }
      log(`${recorded.length} histories in ${path.relative(process.cwd(), outDir)}`);
    } finally {
      worker.shutdown();
      workspaceWorker.shutdown();
      await running;
    }
  } finally {
    await baton?.close();
    await connection.close();
    await mcp.close();
    await store.close();
    await model.stop();
    await server.stop();
    fixture.cleanup();
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(`record-histories: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  });
}
