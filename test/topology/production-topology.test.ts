/**
 * baton in its production shape, for real: the Temporal server built from source on PostgreSQL
 * (persistence, visibility and baton's conversation store), two COMPILED workers (`node
 * dist/worker.js` with the prebuilt workflow bundle, as the Docker image runs them), payload
 * encryption, the compiled codec server and the Temporal UI server. See test/support/topology.ts.
 *
 * One topology for the file; the tests run one after another because some kill workers or restart
 * the server, but each starts its own sessions and needs no other to have run first. Recovery
 * times are printed, not asserted (speed targets belong to `npm run bench`).
 */
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import type { SendResult } from '../../src/domain/session';
import { textOf } from '../../src/domain/session';
import type { SpecDefinition } from '../../src/domain/spec';
import { freePort } from '../../src/temporal/dev-server';
import { openConversationStore } from '../../src/store';
import { ensureBubblewrap } from '../support/bubblewrap';
import { ensureChromium } from '../support/chromium';
import { modelCalls, waitForCallInFlight } from '../support/reliability-harness';
import { DYNAMIC_CONFIG_FILE } from '../support/temporal-server';
import { startTopology, type Topology } from '../support/topology';
import { waitUntil } from '../support/wait-until';
import {
  failoverScript,
  gitLog,
  longCommand,
  sumSpec,
  testsPass,
  waitForCommandGone,
} from '../support/workspace-failover';

const run = promisify(execFile);
const ROOT = path.join(__dirname, '..', '..');
/** Long enough that a call is still open when its worker is killed (the kill ends it). */
const HELD_OPEN_MS = 10 * 60_000;
const unique = () => randomBytes(3).toString('hex');
const log = (line: string) => console.log(`[topology] ${line}`);

let topo: Topology;

beforeAll(async () => {
  topo = await startTopology({ postgresUrl: inject('postgresUrl'), workers: 2, log });
  log(
    `up: ${Object.entries(topo.timings)
      .map(([step, ms]) => `${step} ${(ms / 1000).toFixed(1)} s`)
      .join(', ')}`,
  );
}, 20 * 60_000);

afterAll(async () => {
  await topo?.teardown();
});

// A test that killed a worker leaves one; the next starts with two again.
beforeEach(async () => {
  await topo.ensureWorkers(2);
}, 90_000);

/** The user messages on the stored conversation path to `head`, read from PostgreSQL. */
async function storedUserTexts(head: string): Promise<string[]> {
  const store = await openConversationStore({ url: topo.storeUrl, baseDir: topo.workDir });
  try {
    return (await store.path(head)).filter((n) => n.role === 'user').map((n) => textOf(n.content));
  } finally {
    await store.close();
  }
}

/** A workflow's whole history as the server stores it (payloads as they are, encrypted or not). */
async function rawHistory(workflowId: string): Promise<Buffer> {
  const connection = await Connection.connect({ address: topo.address });
  try {
    const history = await new Client({ connection, namespace: topo.namespace }).workflow
      .getHandle(workflowId)
      .fetchHistory();
    return Buffer.from(temporal.api.history.v1.History.encode(history).finish());
  } finally {
    await connection.close();
  }
}

/** HTTP statuses of the model calls whose last user text contains `text`, oldest first. */
const statusesOf = (text: string) => modelCalls(topo.model, text).map((r) => r.status);

/**
 * The text of every `json/plain` payload in `temporal workflow show -o json` output (protobuf
 * JSON: metadata and data in base64); encrypted payloads stay out.
 */
function plainPayloads(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(plainPayloads);
  if (typeof value !== 'object' || value === null) return [];
  const record = value as Record<string, unknown>;
  const encoding = (record.metadata as Record<string, unknown> | undefined)?.encoding;
  if (typeof encoding === 'string' && typeof record.data === 'string') {
    return Buffer.from(encoding, 'base64').toString() === 'json/plain'
      ? [Buffer.from(record.data, 'base64').toString()]
      : [];
  }
  return Object.values(record).flatMap(plainPayloads);
}

/** Keeps a rejection for an assertion later instead of letting it go unhandled. */
function settle<T>(promise: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  return promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

describe('baton on the Temporal server with PostgreSQL, two compiled workers and encryption', () => {
  it('runs on the dynamic config deploy/ ships, which the real server validates cleanly', async () => {
    const { stdout } = await run(topo.serverPath, ['validate-dynamic-config', DYNAMIC_CONFIG_FILE]);
    expect(stdout.trim()).toBe(DYNAMIC_CONFIG_FILE);
    const { stdout: settings } = await run(topo.cliPath, [
      'operator',
      'namespace',
      'describe',
      '--address',
      topo.address,
      '-n',
      topo.namespace,
      '-o',
      'json',
    ]);
    // The namespace was created by deploy/temporal/register-search-attributes.sh, as in compose.
    expect(JSON.parse(settings)).toMatchObject({ namespaceInfo: { name: topo.namespace } });
  });

  it('runs sessions with the conversation in PostgreSQL and only ciphertext in Temporal', async () => {
    const tag = unique();
    const { session_id } = await topo.baton.sessions.start({ task: `TOPO-TASK-${tag}: audit the ledger` });
    const first = await topo.baton.sessions.send(session_id, `TOPO-MSG-${tag}: which accounts are stale?`);
    const second = await topo.baton.sessions.send(session_id, 'And which ones were closed last year?');
    expect(first.reply).toContain(`TOPO-MSG-${tag}`);
    expect(second.turn).toBe(2);
    const status = await topo.baton.sessions.status(session_id);
    expect(status).toMatchObject({ status: 'available', turns: 2, head: second.head });

    expect(await storedUserTexts(second.head)).toEqual([
      `TOPO-TASK-${tag}: audit the ledger`,
      `TOPO-MSG-${tag}: which accounts are stale?`,
      'And which ones were closed last year?',
    ]);
    const raw = await rawHistory(session_id);
    expect(raw.includes(`TOPO-TASK-${tag}`)).toBe(false);
    expect(raw.includes(`TOPO-MSG-${tag}`)).toBe(false);
    expect(raw.includes('binary/encrypted')).toBe(true);
  });

  it('rolls a session over into a new run when its context fills, and the new run answers', async () => {
    const { session_id } = await topo.baton.sessions.start({
      task: 'fill the window',
      model: 'baton-small-8k',
      settings: { summarize_at_percent: 40, rollover_at_percent: 45 },
    });
    const firstRun = (await topo.baton.sessions.status(session_id)).run_id;
    for (let i = 1; i <= 4; i++)
      await topo.baton.sessions.send(session_id, `part ${i} [[reply_tokens=1000]]`);
    await expect
      .poll(async () => (await topo.baton.sessions.status(session_id)).rollovers.length, { timeout: 30_000 })
      .toBe(1);
    const status = await topo.baton.sessions.status(session_id);
    expect(status.rollovers[0]).toMatchObject({ reason: 'context_fill', from_run_id: firstRun });
    expect(status.run_id).not.toBe(firstRun);
    const after = await topo.baton.sessions.send(session_id, 'Still there after the rollover?');
    expect(after.turn).toBe(5);
    expect(after.reply).toContain('Still there after the rollover?');
  });

  it('forks a session and merges the fork back, by fast-forward and by summary', async () => {
    const { session_id } = await topo.baton.sessions.start({ task: 'choose a transport' });
    await topo.baton.sessions.send(session_id, 'common ground');
    const ff = await topo.baton.sessions.fork(session_id);
    const onFork = await topo.baton.sessions.send(ff.session_id, 'work on the fork');
    const fastForward = await topo.baton.sessions.merge(session_id, ff.session_id);
    expect(fastForward.merge.strategy).toBe('fast-forward');
    expect(fastForward.status.head).toBe(onFork.head);

    const other = await topo.baton.sessions.fork(session_id);
    expect(other.lineage.parent_session_id).toBe(session_id);
    await topo.baton.sessions.send(other.session_id, 'Decision: the fork chose gRPC.');
    await topo.baton.sessions.send(session_id, 'main moved on meanwhile');
    const summary = await topo.baton.sessions.merge(session_id, other.session_id);
    expect(summary.merge.strategy).toBe('summary');
    const merged = await storedUserTexts(summary.status.head!);
    expect(merged.at(-1)).toContain('Decision: the fork chose gRPC.');
  });

  it('runs an ordinary SPEC (no workspace) through its four phases', async () => {
    const spec: SpecDefinition = {
      spec_id: `SPEC-TOPO-${unique()}`,
      title: 'Token-bucket rate limiter',
      requirements: ['refill at a fixed rate', 'reject when the bucket is empty'],
      acceptance_criteria: ['a burst above the bucket size gets 429'],
    };
    await topo.baton.specs.start(spec);
    const result = await topo.baton.specs.result(spec.spec_id);
    expect(result.status).toBe('completed');
    expect(result.phases.map((p) => [p.name, p.status])).toEqual([
      ['analysis', 'completed'],
      ['red', 'completed'],
      ['green', 'completed'],
      ['refactor', 'completed'],
    ]);
    expect(result.checkpoints).toHaveLength(8);
  });

  it('hands a SPEC along spec-builder → tdd-implementer → doc-syncer', async () => {
    const specId = `SPEC-HO-${unique()}`;
    const result = await topo.baton.handoffs.run({
      spec: {
        spec_id: specId,
        title: 'User authentication',
        requirements: ['login', 'registration'],
        acceptance_criteria: ['a wrong password is refused'],
      },
    });
    expect(result).toMatchObject({ handoff_id: `handoff-${specId}`, state: 'completed' });
    expect(result.agents.map((a) => a.session_id)).toEqual([
      `handoff-${specId}-1-spec-builder`,
      `handoff-${specId}-2-tdd-implementer`,
      `handoff-${specId}-3-doc-syncer`,
    ]);
  });

  it('keeps a live worker’s slow model call: a call longer than the heartbeat timeout is not retried', async () => {
    const tag = `Slow call ${unique()}`;
    const { session_id } = await topo.baton.sessions.start({ task: 'patience' });
    // 8 s of silence from the model, well past the 5 s heartbeat timeout: the worker beats anyway.
    topo.model.injectFaults([{ kind: 'delay', ms: 8_000, match: tag }]);
    const reply = await topo.baton.sessions.send(session_id, `${tag}: take your time.`);
    expect(reply.reply).toContain(tag);
    expect(statusesOf(tag)).toEqual([200]);
  });
});

describe('a compiled worker killed with SIGKILL', () => {
  it('mid-turn: the other worker finishes the turn; no turn is lost or repeated', async () => {
    const tag = unique();
    const one = `Turn one ${tag}, before the kill.`;
    const two = `Turn two ${tag}, in flight during the kill.`;
    const three = `Turn three ${tag}, after recovery.`;
    const { session_id } = await topo.baton.sessions.start({ task: `Survive a kill ${tag}` });
    const before = await topo.baton.sessions.send(session_id, one);

    topo.model.injectFaults([{ kind: 'delay', ms: HELD_OPEN_MS, match: two }]);
    const outcome = settle(topo.baton.sessions.send(session_id, two));
    await waitForCallInFlight(topo.model, two);
    const victim = await topo.workerRunning(session_id, 'runModelTurn');
    const survivor = topo.liveWorkers().find((w) => w !== victim)!;

    await victim.kill('SIGKILL');
    const killedAt = Date.now();
    const settled = await outcome;
    const recoveredMs = Date.now() - killedAt;
    if (!settled.ok) throw settled.error;
    const reply: SendResult = settled.value;
    const retriedMs = Date.parse(modelCalls(topo.model, two)[1]?.time ?? '') - killedAt;
    log(
      `SIGKILL mid-turn: the other worker called the model again after ${(retriedMs / 1000).toFixed(1)} s ` +
        `and the send returned after ${(recoveredMs / 1000).toFixed(1)} s`,
    );

    expect(reply.turn).toBe(2);
    expect(reply.reply).toContain(two);
    // The killed call was cut off (499) and made once more, by the survivor, to completion.
    expect(statusesOf(one)).toEqual([200]);
    expect(statusesOf(two)).toEqual([499, 200]);
    await expect(topo.workerRunning(session_id, 'runModelTurn')).rejects.toThrow(/No live worker runs/);
    expect(survivor.exited()).toBe(false);

    const after = await topo.baton.sessions.send(session_id, three);
    expect(after.turn).toBe(3);
    expect(statusesOf(three)).toEqual([200]);
    expect(await storedUserTexts(after.head)).toEqual([`Survive a kill ${tag}`, one, two, three]);
    const status = await topo.baton.sessions.status(session_id);
    expect(status.cumulative.input_tokens).toBe(
      before.usage.input_tokens + reply.usage.input_tokens + after.usage.input_tokens,
    );
  }, 120_000);

  it('mid-phase of a SPEC: the other worker finishes the SPEC; earlier phases are not called again', async () => {
    const specId = `SPEC-KILL-${unique()}`;
    const phaseText = (n: number) => `SPEC ${specId} · phase ${n}/4`;
    topo.model.injectFaults([{ kind: 'delay', ms: HELD_OPEN_MS, match: phaseText(2) }]);
    const started = await topo.baton.specs.start({
      spec_id: specId,
      title: 'Password reset',
      requirements: ['request a reset link', 'set a new password'],
      acceptance_criteria: ['an expired link is refused'],
    });
    await waitForCallInFlight(topo.model, phaseText(2));
    expect((await topo.baton.specs.status(specId)).current_phase).toBe('red');
    const victim = await topo.workerRunning(started.workflow_id, 'runModelTurn');

    await victim.kill('SIGKILL');
    const killedAt = Date.now();
    // The phase's call is made again by the other worker as soon as Temporal notices the death.
    await expect.poll(() => statusesOf(phaseText(2)), { timeout: 60_000, interval: 100 }).toEqual([499, 200]);
    log(
      `SPEC phase finished by the other worker ${((Date.now() - killedAt) / 1000).toFixed(1)} s after SIGKILL`,
    );
    const result = await topo.baton.specs.result(specId);

    expect(result.status).toBe('completed');
    expect(result.phases.map((p) => [p.name, p.status, p.attempts])).toEqual([
      ['analysis', 'completed', 1],
      ['red', 'completed', 1],
      ['green', 'completed', 1],
      ['refactor', 'completed', 1],
    ]);
    expect([1, 3, 4].map((n) => statusesOf(phaseText(n)))).toEqual([[200], [200], [200]]);
  }, 120_000);

  it('holding a SPEC’s workspace, mid bash call: the call is not run again, and the other worker recreates the folder and finishes the SPEC', async () => {
    await ensureBubblewrap();
    const specId = `SPEC-WS-KILL-${unique()}`;
    const { command, marker } = longCommand();
    topo.model.setScript(failoverScript(specId, command));
    // Both workers see this path; right after the kill it is deleted, because a second machine
    // would have no copy of the killed worker's folder (test/reliability/workspace-failover.test.ts).
    const dir = path.join(topo.workDir, `project-${unique()}`);
    fs.mkdirSync(dir);
    try {
      const started = await topo.baton.specs.start(sumSpec(specId), {
        workspace: { path: dir, test_command: 'node --test', worker_wait_ms: 3000 },
      });
      await waitUntil(() => fs.existsSync(path.join(dir, 'runs.txt')), Boolean, {
        what: 'the long command to start',
        timeoutMs: 120_000,
      });
      // The worker Temporal gave the call to is the one status names as the workspace's holder.
      const victim = await topo.workerRunning(started.workflow_id, 'runBashTool');
      expect((await topo.baton.specs.status(specId)).workspace?.worker).toMatch(
        new RegExp(`:${victim.pid}$`),
      );
      const survivor = topo.liveWorkers().find((w) => w !== victim)!;

      await victim.kill('SIGKILL');
      const killedAt = Date.now();
      await waitForCommandGone(marker);
      fs.rmSync(dir, { recursive: true, force: true });
      const result = await topo.baton.specs.result(specId);

      const told = modelCalls(topo.model, 'was interrupted').filter((r) => r.last_user_text.includes(marker));
      const toldMs = Date.parse(told[0]?.time ?? '') - killedAt;
      log(
        `SIGKILL of the workspace's worker: the model heard its call was interrupted ${(toldMs / 1000).toFixed(1)} s ` +
          "later (heartbeat timeout, 3 s for the dead worker's queue, the claim on the survivor)",
      );
      expect(result.status).toBe('completed');
      expect(result.workspace?.worker).toMatch(new RegExp(`:${survivor.pid}$`));
      expect(result.phases.map((p) => [p.name, p.status, p.gate?.ok])).toEqual([
        ['analysis', 'completed', undefined],
        ['red', 'completed', true],
        ['green', 'completed', true],
        ['refactor', 'completed', true],
      ]);
      expect(told).toHaveLength(1);
      expect(told[0]?.last_user_text).toContain('it was not run again');
      // Recreated from RED's checkpoint bundle in PostgreSQL: the history is there, the command
      // never ran in the new folder (it would have left runs.txt), and the tests pass.
      expect(fs.existsSync(path.join(dir, 'runs.txt'))).toBe(false);
      expect(result.phases[2]?.files_changed).toEqual(['src/sum.js']);
      expect(gitLog(dir)).toContain(`baton: SPEC ${specId} phase 2 red complete`);
      expect(testsPass(dir)).toBe(true);
    } finally {
      topo.model.setScript(undefined);
    }
  }, 240_000);
});

describe('a Temporal server restart', () => {
  it('loses nothing: a turn in flight completes, sessions and workers carry on', async () => {
    const tag = unique();
    const { session_id } = await topo.baton.sessions.start({ task: `Outlive a restart ${tag}` });
    await topo.baton.sessions.send(session_id, `Before the restart ${tag}.`);
    const across = `Across the restart ${tag}.`;
    topo.model.injectFaults([{ kind: 'delay', ms: 3_000, match: across }]);
    const outcome = settle(topo.baton.sessions.send(session_id, across));
    await waitForCallInFlight(topo.model, across);

    const { downMs } = await topo.server.restart();
    log(`Temporal server restarted; frontend and namespace back after ${(downMs / 1000).toFixed(1)} s`);
    const settled = await outcome;
    if (!settled.ok) throw settled.error;
    expect(settled.value.turn).toBe(2);
    expect(settled.value.reply).toContain(across);

    const after = await topo.baton.sessions.send(session_id, `After the restart ${tag}.`);
    expect(after.turn).toBe(3);
    expect(await storedUserTexts(after.head)).toEqual([
      `Outlive a restart ${tag}`,
      `Before the restart ${tag}.`,
      across,
      `After the restart ${tag}.`,
    ]);
    // Both workers reconnected by themselves and still take work.
    expect(topo.liveWorkers()).toHaveLength(2);
    const fresh = await topo.baton.sessions.start({ task: `A new session after the restart ${tag}` });
    expect((await topo.baton.sessions.send(fresh.session_id, 'hello again')).turn).toBe(1);
  }, 180_000);
});

describe('the Temporal UI and the codec server', () => {
  it('shows a session’s decrypted payloads in Chromium through the codec server', async () => {
    const tag = unique();
    const task = `UI-TASK-${tag}: plan the data migration`;
    const { session_id } = await topo.baton.sessions.start({ task });
    await topo.baton.sessions.send(session_id, `UI-MSG-${tag}: where do we start?`);
    expect((await rawHistory(session_id)).includes(`UI-TASK-${tag}`)).toBe(false);

    const { executablePath } = await ensureChromium((line) => log(`[chromium] ${line}`));
    const browser = await chromium.launch({
      executablePath,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
    try {
      const page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
      page.setDefaultTimeout(20_000);
      const decodes: number[] = [];
      page.on('response', (response) => {
        if (response.url().startsWith(`${topo.codecUrl}/`) && response.request().method() === 'POST')
          decodes.push(response.status());
      });
      await page.goto(`${topo.uiUrl}/namespaces/${topo.namespace}/workflows/${session_id}`);
      await page.getByText(`UI-TASK-${tag}`).first().waitFor({ state: 'visible' });
      expect(decodes.length).toBeGreaterThan(0);
      expect(decodes.every((status) => status === 200)).toBe(true);
      // Overwritten by each run, beside the other UI test's screenshots, to look at.
      const shots = path.join(os.tmpdir(), 'baton-ui-screenshots');
      fs.mkdirSync(shots, { recursive: true });
      await page.screenshot({ path: path.join(shots, 'topology-decrypted-session.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  }, 120_000);

  it('beyond loopback, serves only callers with its bearer token (the Temporal CLI’s --codec-auth)', async () => {
    const tag = unique();
    const { session_id } = await topo.baton.sessions.start({ task: `CLI-TASK-${tag}` });
    const port = await freePort();
    const cli = path.join(ROOT, 'dist', 'cli.js');
    const env = { PATH: process.env.PATH, BATON_ENCRYPTION_KEY: topo.encryptionKey };
    const args = [cli, 'codec-server', '--host', '0.0.0.0', '--port', String(port)];

    const refused = await run(process.execPath, args, { env }).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(refused).toMatchObject({ code: 1 });
    expect((refused as { stderr: string }).stderr).toMatch(
      /needs a bearer token: set BATON_CODEC_AUTH_TOKEN/,
    );

    const token = randomBytes(24).toString('hex');
    const codec = spawn(process.execPath, args, {
      env: { ...env, BATON_CODEC_AUTH_TOKEN: token },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let out = '';
      let err = '';
      codec.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
      codec.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
      await expect.poll(() => out, { timeout: 15_000 }).toMatch(/bearer token required/);
      const show = (extra: string[]) =>
        run(topo.cliPath, [
          'workflow',
          'show',
          '--address',
          topo.address,
          '-n',
          topo.namespace,
          '-w',
          session_id,
          '-o',
          'json',
          '--codec-endpoint',
          `http://127.0.0.1:${port}`,
          ...extra,
        ]);
      const shown = await show(['--codec-auth', `Bearer ${token}`]);
      expect(plainPayloads(JSON.parse(shown.stdout)).join('\n')).toContain(`CLI-TASK-${tag}`);
      expect(err).not.toMatch(/refused/);
      // Without the token the codec server refuses, and the CLI shows nothing decrypted.
      const denied = await settle(show(['--command-timeout', '5s']));
      expect(denied.ok).toBe(false);
      expect(err).toMatch(/codec-server: refused POST \/decode \(no bearer token\)/);
    } finally {
      codec.kill('SIGTERM');
    }
  }, 60_000);
});
