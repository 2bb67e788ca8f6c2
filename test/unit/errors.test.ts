import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { BatonError, InvalidInputError, validateBundle } from '../../src/client';
import { EncryptionKeyError, parseEncryptionKey } from '../../src/codec';
import {
  McpConfigError,
  parseMcpConfig,
  resolveMcpProfile,
  UnknownMcpProfileError,
} from '../../src/domain/mcp';
import { createModelRegistry, UnknownModelError } from '../../src/domain/models';
import { InvalidSessionSettingsError, resolveSessionSettings } from '../../src/domain/session';
import { InvalidCommandPolicyError, parseCommandPolicy } from '../../src/domain/workspace';
import {
  InvalidOfflineScriptError,
  MissingModelEndpointError,
  parseOfflineScript,
  resolveModelEndpoint,
} from '../../src/model';
import {
  BlobNotFoundError,
  FileConversationStore,
  InvalidBlobIdError,
  InvalidNodeIdError,
  StoreClosedError,
} from '../../src/store';

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) fs.rmSync(root, { recursive: true, force: true });
});

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to throw');
}

async function rejected(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected the call to reject');
    },
    (err: unknown) => err,
  );
}

describe('baton errors', () => {
  const store = (() => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-errors-'));
    roots.push(root);
    return new FileConversationStore({ root });
  })();

  const cases: [string, () => unknown, new (...args: never[]) => Error][] = [
    [
      'InvalidSessionSettingsError',
      () => caught(() => resolveSessionSettings({ summarize_at_percent: 150 })),
      InvalidSessionSettingsError,
    ],
    ['UnknownModelError', () => caught(() => createModelRegistry().get('no-such-model')), UnknownModelError],
    ['McpConfigError', () => caught(() => parseMcpConfig({ mcpServers: 3 }, 'test.json')), McpConfigError],
    ['UnknownMcpProfileError', () => caught(() => resolveMcpProfile('nope', {}, [])), UnknownMcpProfileError],
    [
      'EncryptionKeyError',
      () => caught(() => parseEncryptionKey('short', 'BATON_ENCRYPTION_KEY')),
      EncryptionKeyError,
    ],
    ['MissingModelEndpointError', () => caught(() => resolveModelEndpoint({})), MissingModelEndpointError],
    [
      'InvalidInputError',
      () => caught(() => validateBundle({ format: 'something else' })),
      InvalidInputError,
    ],
    ['InvalidNodeIdError', () => rejected(store.get('not-a-node-id')), InvalidNodeIdError],
    ['InvalidBlobIdError', () => rejected(store.getBlob('not-a-blob-id')), InvalidBlobIdError],
    ['BlobNotFoundError', () => rejected(store.getBlob('b'.repeat(64))), BlobNotFoundError],
    [
      'InvalidCommandPolicyError',
      () => caught(() => parseCommandPolicy('sometimes')),
      InvalidCommandPolicyError,
    ],
    ['InvalidOfflineScriptError', () => caught(() => parseOfflineScript({})), InvalidOfflineScriptError],
    [
      'StoreClosedError',
      async () => {
        const root = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-errors-'));
        roots.push(root);
        const closed = new FileConversationStore({ root });
        await closed.close();
        return rejected(closed.get('0'.repeat(64)));
      },
      StoreClosedError,
    ],
  ];

  it.each(cases)('%s is a BatonError that prints under its own name', async (name, provoke, cls) => {
    const err = await provoke();
    expect(err).toBeInstanceOf(cls);
    expect(err).toBeInstanceOf(BatonError);
    const error = err as Error;
    expect(error.name).toBe(name);
    expect(String(error)).toBe(`${name}: ${error.message}`);
    expect(error.message.length).toBeGreaterThan(10);
    expect(inspect(error).split('\n')[0]).toBe(`${name}: ${error.message.split('\n')[0]}`);
  });
});
