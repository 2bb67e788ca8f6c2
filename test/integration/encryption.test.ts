/**
 * Encrypted payloads against the real dev server: a session runs with BATON_ENCRYPTION_KEY's
 * codec; its history, read by a client without the codec, holds ciphertext only; the BatonClient
 * with the key reads plaintext; a client with another key gets a clear error; the codec server
 * turns the raw history payloads back into plaintext, as it does for the Temporal UI.
 */
import { Client, Connection } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatonClient } from '../../src/client';
import {
  createDataConverter,
  deriveKeyId,
  EncryptionCodec,
  generateEncryptionKey,
  payloadsFromJson,
  payloadsToJson,
  startCodecServer,
} from '../../src/codec';
import { startTestEnvironment, type TestEnvironment } from '../support/test-environment';

const TASK = 'TASK-7f3a: plan the vault migration';
const MESSAGE = 'MESSAGE-91c2: the vault combination is 4-8-15-16';

const key = generateEncryptionKey();
const keyId = deriveKeyId(Buffer.from(key, 'base64'));

let env: TestEnvironment;
let sessionId: string;
let reply: string;
let history: temporal.api.history.v1.IHistory;
let plainConnection: Connection;

beforeAll(async () => {
  env = await startTestEnvironment({ dataConverter: createDataConverter({ BATON_ENCRYPTION_KEY: key })! });
  // A worker that has just started takes a moment to show up as a poller.
  await env.baton.waitForWorker();
  const started = await env.baton.sessions.start({ task: TASK });
  sessionId = started.session_id;
  reply = (await env.baton.sessions.send(sessionId, MESSAGE)).reply;
  plainConnection = await Connection.connect({ address: env.address });
  const plain = new Client({ connection: plainConnection, namespace: 'default' });
  history = await plain.workflow.getHandle(sessionId).fetchHistory();
});

afterAll(async () => {
  await plainConnection?.close();
  await env?.teardown();
});

/**
 * Every Payload in the history, except search attributes: the server indexes those, so they are
 * never encoded by a codec (baton puts only ids, model names and numbers there).
 */
function payloadsIn(value: unknown, found: Payload[] = []): Payload[] {
  if (Array.isArray(value)) {
    for (const v of value) payloadsIn(v, found);
  } else if (typeof value === 'object' && value !== null && !(value instanceof Uint8Array)) {
    const record = value as Record<string, unknown>;
    if ('data' in record && 'metadata' in record && record.data instanceof Uint8Array) {
      found.push(record);
      return found;
    }
    for (const [k, v] of Object.entries(record)) {
      if (k !== 'searchAttributes') payloadsIn(v, found);
    }
  }
  return found;
}

const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('utf8');

describe('a session with BATON_ENCRYPTION_KEY', () => {
  it('reads plaintext through the BatonClient that has the key', async () => {
    // The offline model quotes the newest user message, so the reply proves a full round trip.
    expect(reply).toContain(MESSAGE);
    const status = await env.baton.sessions.status(sessionId);
    expect(status).toMatchObject({ session_id: sessionId, model: 'claude-sonnet-4-6', turns: 1 });
  });

  it('stores only ciphertext in the Temporal history', () => {
    const raw = Buffer.from(temporal.api.history.v1.History.encode(history).finish());
    expect(raw.length).toBeGreaterThan(1_000);
    for (const secret of ['TASK-7f3a', 'vault migration', 'MESSAGE-91c2', 'vault combination', '4-8-15-16']) {
      expect(raw.includes(secret)).toBe(false);
    }
    // Temporal's SDK core writes a patch marker's payload itself, past the codec: the patch's id only.
    const isPatchMarker = (e: temporal.api.history.v1.IHistoryEvent) =>
      e.markerRecordedEventAttributes?.markerName === 'core_patch';
    for (const marker of history.events!.filter(isPatchMarker)) {
      for (const p of payloadsIn(marker)) {
        expect(Object.keys(JSON.parse(text(p.data)) as object).sort()).toEqual(['deprecated', 'id']);
      }
    }
    const payloads = payloadsIn(history.events!.filter((e) => !isPatchMarker(e)));
    // Workflow input, update requests and results, activity inputs and results, user metadata.
    expect(payloads.length).toBeGreaterThan(8);
    for (const p of payloads) {
      expect(text(p.metadata?.encoding)).toBe('binary/encrypted');
      expect(text(p.metadata?.['encryption-key-id'])).toBe(keyId);
    }
  });

  it('would show the content without the key (control: the check above can fail)', async () => {
    const unencrypted = await startTestEnvironment();
    try {
      await unencrypted.baton.waitForWorker();
      const { session_id } = await unencrypted.baton.sessions.start({ task: TASK });
      await unencrypted.baton.sessions.send(session_id, MESSAGE);
      const plain = new Client({ connection: plainConnection, namespace: 'default' });
      const raw = Buffer.from(
        temporal.api.history.v1.History.encode(
          await plain.workflow.getHandle(session_id).fetchHistory(),
        ).finish(),
      );
      expect(raw.includes('MESSAGE-91c2')).toBe(true);
      expect(raw.includes('TASK-7f3a')).toBe(true);
    } finally {
      await unencrypted.teardown();
    }
  });

  it('lets the codec server decrypt the raw history payloads, as the Temporal UI asks it to', async () => {
    const codec = EncryptionCodec.fromEnv({ BATON_ENCRYPTION_KEY: key })!;
    const server = await startCodecServer({ codec, port: 0 });
    try {
      const response = await fetch(`${server.url}/decode`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'X-Namespace': 'default',
          Origin: 'http://localhost:8233',
        },
        body: JSON.stringify(payloadsToJson(payloadsIn(history.events))),
      });
      expect(response.status).toBe(200);
      const decoded = payloadsFromJson(await response.json());
      const plaintext = decoded.map((p) => text(p.data)).join('\n');
      expect(plaintext).toContain('MESSAGE-91c2');
      expect(plaintext).toContain('TASK-7f3a');
      expect(decoded.every((p) => text(p.metadata?.encoding) !== 'binary/encrypted')).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('gives a client with another key a clear error naming the key it lacks', async () => {
    const other = await BatonClient.connect({
      address: env.address,
      taskQueue: env.taskQueue,
      env: { BATON_ENCRYPTION_KEY: generateEncryptionKey() },
    });
    try {
      await expect(other.sessions.status(sessionId)).rejects.toThrow(
        `payload was encrypted with key ${keyId}, which this process does not have`,
      );
    } finally {
      await other.close();
    }
  });

  it('reads the session after a key rotation when the old key is kept', async () => {
    const rotated = await BatonClient.connect({
      address: env.address,
      taskQueue: env.taskQueue,
      env: { BATON_ENCRYPTION_KEY: generateEncryptionKey(), BATON_ENCRYPTION_KEYS_OLD: key },
    });
    try {
      expect((await rotated.sessions.status(sessionId)).turns).toBe(1);
    } finally {
      await rotated.close();
    }
  });
});
