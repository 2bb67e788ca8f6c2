/**
 * The Anthropic key lives in the worker's environment and in request headers to the model, and
 * nowhere else: not in any workflow history, not in anything the worker logs.
 *
 * A worker process runs with a fake `ANTHROPIC_API_KEY` (built here at runtime, so no committed
 * file holds a key-shaped string) and `ANTHROPIC_BASE_URL` pointing at a small recording proxy in
 * front of the offline model, which proves the key really was sent with every model request.
 * The session exercises turns, a failed turn (401), a checkpoint, a compaction and a close, and a
 * SPEC runs too; then every history on the task queue and the worker's whole output are searched.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { BatonClient, SessionRequestError } from '../../src/client';
import { OfflineModel } from '../../src/model';
import {
  startWorkerProcess,
  tempDir,
  uniqueTaskQueue,
  type WorkerProcess,
} from '../support/reliability-harness';
import { uniqueId } from '../support/unique-id';
import { waitUntil } from '../support/wait-until';

/** A fake key of the real shape, assembled at runtime. */
const FAKE_KEY = [['sk', 'ant', 'test'].join('-'), 'FAKE', randomBytes(16).toString('hex')].join('-');
/** Its random part: a leak of a fragment (a truncated or partly masked key) shows up here too. */
const KEY_TAIL = FAKE_KEY.slice(-24);

/** Forwards every request to `target`, recording the API key it carried. */
async function startKeyRecorder(target: string) {
  const keys: string[] = [];
  const server = http.createServer((req, res) => {
    // The SDK sends the key as `x-api-key` or as `authorization: Bearer …`, depending on its version.
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    keys.push(String(req.headers['x-api-key'] ?? bearer ?? ''));
    const upstream = http.request(
      new URL(req.url ?? '/', target),
      { method: req.method, headers: { ...req.headers, host: new URL(target).host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    keys,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Every string in a history, with payload bytes decoded, joined: what a leak would be found in. */
function historyText(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (value instanceof Uint8Array) out.push(Buffer.from(value).toString('utf8'));
  else if (Array.isArray(value)) for (const v of value) historyText(v, out);
  else if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) historyText(v, out);
  }
  return out;
}

let model: OfflineModel;
let recorder: Awaited<ReturnType<typeof startKeyRecorder>>;
let worker: WorkerProcess;
let baton: BatonClient;
let storeDir: string;
const taskQueue = uniqueTaskQueue('secret');

beforeAll(async () => {
  model = await OfflineModel.start();
  recorder = await startKeyRecorder(model.baseURL);
  storeDir = tempDir('baton-secret-');
  worker = await startWorkerProcess({
    address: inject('temporalAddress'),
    taskQueue,
    storeDir,
    modelUrl: recorder.url,
    workflowBundlePath: inject('workflowBundlePath'),
    // DEBUG: the most the worker ever logs, so the search below covers every log line it can write.
    env: { ANTHROPIC_API_KEY: FAKE_KEY, BATON_LOG_LEVEL: 'DEBUG' },
  });
  baton = await BatonClient.connect({ address: inject('temporalAddress'), taskQueue, env: {} });
  await baton.waitForWorker();
});

afterAll(async () => {
  await baton?.close();
  await worker?.kill('SIGTERM');
  await recorder?.stop();
  await model?.stop();
  if (storeDir) {
    fs.rmSync(storeDir, { recursive: true, force: true });
    fs.rmSync(`${storeDir}-home`, { recursive: true, force: true });
  }
});

describe('a fake ANTHROPIC_API_KEY', () => {
  it('is sent to the model and appears in no workflow history and no worker log', async () => {
    const { session_id } = await baton.sessions.start({ task: 'Keep the key out of history' });
    await baton.sessions.send(session_id, 'First turn.');
    model.injectFaults([{ kind: 'http', status: 401, match: 'unauthorized turn' }]);
    await expect(baton.sessions.send(session_id, 'An unauthorized turn.')).rejects.toThrow(
      SessionRequestError,
    );
    await baton.sessions.send(session_id, 'Second turn.');
    await baton.sessions.checkpoint(session_id, { name: 'keyless' });
    await baton.sessions.compact(session_id, { mode: 'aggressive' });
    await baton.sessions.close(session_id);
    const specId = uniqueId('SPEC-KEY');
    await baton.specs.start({
      spec_id: specId,
      title: 'Key hygiene',
      requirements: ['no leaks'],
      acceptance_criteria: [],
    });
    expect((await baton.specs.result(specId)).status).toBe('completed');

    // The key was in use: every request to the model endpoint carried it.
    expect(recorder.keys.length).toBeGreaterThanOrEqual(8);
    expect(new Set(recorder.keys)).toEqual(new Set([FAKE_KEY]));

    // No history holds it, whole or in part, in any field or payload.
    const listQueue = async () => {
      const found = [];
      for await (const wf of baton.temporal.workflow.list({ query: `TaskQueue = '${taskQueue}'` })) {
        found.push(wf);
      }
      return found;
    };
    // Visibility lists a workflow a moment after it starts.
    const workflows = await waitUntil(listQueue, (found) => found.length >= 3, {
      what: 'the session, the SPEC and the model catalog in visibility',
    });
    // The session, the SPEC, and the model catalog that resolved their models.
    expect(workflows.map((w) => w.workflowId).sort()).toEqual(
      [`baton-model-catalog-${taskQueue}`, session_id, `spec-${specId}`].sort(),
    );
    for (const wf of workflows) {
      const history = await baton.temporal.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory();
      const text = historyText(history).join('\n');
      // The search reads decoded payloads: the workflow's own input is found in them.
      if (wf.workflowId === session_id) expect(text).toContain('Keep the key out of history');
      else if (wf.workflowId === `spec-${specId}`) expect(text).toContain('Key hygiene');
      else expect(text).toContain('claude-sonnet-4-6');
      expect(text.includes(KEY_TAIL), `${wf.workflowId} history contains the key`).toBe(false);
      expect(JSON.stringify(history).includes(KEY_TAIL)).toBe(false);
    }

    // Nor does anything the worker printed, errors included.
    const output = worker.output();
    expect(output).toContain('(model: api)');
    expect(output).toMatch(/authentication_error/);
    expect(output.includes(KEY_TAIL), 'the worker log contains the key').toBe(false);
  }, 120_000);
});
