/**
 * The codec server over real HTTP, spoken to the way the Temporal UI speaks to it: JSON Payloads
 * with base64 bytes, `X-Namespace`, CORS preflights from the UI's origin. Also `baton
 * codec-server` as a command.
 */
import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerCodecServerCommand } from '../../src/cli/codec-server-command';
import {
  CodecAuthConfigError,
  isLoopbackHost,
  EncryptionCodec,
  generateEncryptionKey,
  payloadsFromJson,
  payloadsToJson,
  startCodecServer,
} from '../../src/codec';
import type { CodecServer, JsonPayloads } from '../../src/codec';

const UI = 'http://localhost:8233';
const key = generateEncryptionKey();
const codec = EncryptionCodec.fromEnv({ BATON_ENCRYPTION_KEY: key })!;

/** What the UI sends for a JSON payload. */
function uiPayloads(...values: unknown[]): JsonPayloads {
  return payloadsToJson(values.map((v) => defaultPayloadConverter.toPayload(v)));
}

function valuesOf(body: JsonPayloads): unknown[] {
  return payloadsFromJson(body).map((p) => defaultPayloadConverter.fromPayload(p));
}

async function post(
  url: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; text: string }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Namespace': 'default', ...headers },
    body,
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

describe('codec server', () => {
  let server: CodecServer;
  const logged: string[] = [];

  beforeAll(async () => {
    server = await startCodecServer({ codec, port: 0, log: (line) => logged.push(line) });
  });
  afterAll(async () => {
    await server.close();
  });

  it('encodes and decodes over HTTP in the Temporal JSON format', async () => {
    const plain = uiPayloads({ message: 'hello from the UI' }, 'second', null);
    const encoded = await post(`${server.url}/encode`, JSON.stringify(plain));
    expect(encoded.status).toBe(200);
    expect(encoded.headers.get('content-type')).toBe('application/json');
    const encrypted = JSON.parse(encoded.text) as JsonPayloads;
    expect(encrypted.payloads).toHaveLength(3);
    for (const p of encrypted.payloads) {
      expect(Buffer.from(p.metadata?.encoding ?? '', 'base64').toString()).toBe('binary/encrypted');
      expect(Buffer.from(p.metadata?.['encryption-key-id'] ?? '', 'base64').toString()).toBe(
        codec.current.id,
      );
      expect(Buffer.from(p.data ?? '', 'base64').toString()).not.toContain('hello');
    }
    const decoded = await post(`${server.url}/decode`, encoded.text);
    expect(decoded.status).toBe(200);
    expect(valuesOf(JSON.parse(decoded.text) as JsonPayloads)).toEqual([
      { message: 'hello from the UI' },
      'second',
      null,
    ]);
    expect(JSON.parse(decoded.text)).toEqual(plain);
  });

  it('decodes payloads that the worker’s codec wrote', async () => {
    const fromWorker = await codec.encode([defaultPayloadConverter.toPayload({ reply: 'encrypted reply' })]);
    const decoded = await post(`${server.url}/decode`, JSON.stringify(payloadsToJson(fromWorker)));
    expect(valuesOf(JSON.parse(decoded.text) as JsonPayloads)).toEqual([{ reply: 'encrypted reply' }]);
  });

  it('serves the endpoints under any prefix (only the last path segment counts)', async () => {
    const encoded = await post(`${server.url}/default/encode`, JSON.stringify(uiPayloads(1)));
    const decoded = await post(`${server.url}/some/prefix/decode?x=1`, encoded.text);
    expect(valuesOf(JSON.parse(decoded.text) as JsonPayloads)).toEqual([1]);
  });

  it('answers the UI’s CORS preflight with its origin, methods and headers', async () => {
    const response = await fetch(`${server.url}/decode`, {
      method: 'OPTIONS',
      headers: {
        Origin: UI,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type,x-namespace',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(UI);
    expect(response.headers.get('access-control-allow-methods')).toMatch(/POST/);
    const allowed = (response.headers.get('access-control-allow-headers') ?? '').toLowerCase();
    expect(allowed).toContain('content-type');
    expect(allowed).toContain('x-namespace');
    expect(response.headers.get('access-control-allow-credentials')).toBe('true');
  });

  it('adds the CORS headers to the UI’s POSTs', async () => {
    const response = await post(`${server.url}/encode`, JSON.stringify(uiPayloads('x')), { Origin: UI });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(UI);
    expect(response.headers.get('vary')).toBe('Origin');
  });

  it('refuses other origins, saying how to allow one', async () => {
    const preflight = await fetch(`${server.url}/decode`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' },
    });
    expect(preflight.status).toBe(403);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    const response = await post(`${server.url}/decode`, JSON.stringify(uiPayloads('x')), {
      Origin: 'https://evil.example',
    });
    expect(response.status).toBe(403);
    expect(response.text).toMatch(/--origin https:\/\/evil\.example/);
  });

  it('answers 400 with a readable message for bad JSON, a bad body and a payload it cannot decrypt', async () => {
    const badJson = await post(`${server.url}/decode`, '{"payloads": [');
    expect(badJson).toMatchObject({ status: 400, text: 'The body is not valid JSON.' });
    const badShape = await post(`${server.url}/decode`, JSON.stringify({ payloads: [{ data: 42 }] }));
    expect(badShape).toMatchObject({ status: 400, text: 'payloads[0].data must be a base64 string.' });
    const otherKey = EncryptionCodec.fromEnv({ BATON_ENCRYPTION_KEY: generateEncryptionKey() })!;
    const foreign = await otherKey.encode([defaultPayloadConverter.toPayload('secret')]);
    const wrongKey = await post(`${server.url}/decode`, JSON.stringify(payloadsToJson(foreign)));
    expect(wrongKey.status).toBe(400);
    expect(wrongKey.text).toContain(
      `payload was encrypted with key ${otherKey.current.id}, which this process does not have`,
    );
    expect(logged.some((line) => line.includes('/decode failed (400)'))).toBe(true);
  });

  it('reads a body without "payloads" as none, as protobuf JSON writes an empty list (the Temporal CLI does)', async () => {
    const empty = await post(`${server.url}/decode`, '{}');
    expect(empty).toMatchObject({ status: 200 });
    expect(JSON.parse(empty.text)).toEqual({ payloads: [] });
    for (const bad of ['[]', '{"payloads": 3}', '"payloads"']) {
      expect(await post(`${server.url}/decode`, bad)).toMatchObject({
        status: 400,
        text: 'The body must be a JSON object with a "payloads" array.',
      });
    }
  });

  it('answers 405 for other methods and 404 for other paths', async () => {
    expect((await fetch(`${server.url}/decode`)).status).toBe(405);
    expect((await post(`${server.url}/transcode`, '{}')).status).toBe(404);
  });

  it('allows the origins it is configured with', async () => {
    const custom = await startCodecServer({ codec, port: 0, origins: ['http://localhost:8080'] });
    try {
      const ok = await post(`${custom.url}/encode`, JSON.stringify(uiPayloads('x')), {
        Origin: 'http://localhost:8080',
      });
      expect(ok.headers.get('access-control-allow-origin')).toBe('http://localhost:8080');
      expect((await post(`${custom.url}/encode`, '{"payloads":[]}', { Origin: UI })).status).toBe(403);
    } finally {
      await custom.close();
    }
  });
});

describe('codec server beyond loopback', () => {
  const token = randomBytes(24).toString('hex');

  it('refuses to listen beyond loopback without a bearer token, saying what to set', async () => {
    for (const host of ['0.0.0.0', '::', '192.168.1.20', 'codec.internal']) {
      const error: unknown = await startCodecServer({ codec, port: 0, host }).catch((e: unknown) => e);
      expect(error, host).toBeInstanceOf(CodecAuthConfigError);
      expect((error as Error).message).toContain(
        `listening on ${host} (beyond this machine) needs a bearer token`,
      );
      expect((error as Error).message).toContain('set BATON_CODEC_AUTH_TOKEN');
    }
    expect(['127.0.0.1', '127.0.0.2', '::1', '[::1]', 'localhost'].every(isLoopbackHost)).toBe(true);
  });

  it('refuses a token too short to resist guessing, without repeating it', async () => {
    const error: unknown = await startCodecServer({
      codec,
      port: 0,
      host: '0.0.0.0',
      authToken: 'hunter2',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CodecAuthConfigError);
    expect((error as Error).message).toMatch(
      /BATON_CODEC_AUTH_TOKEN is too short \(7 characters; at least 16\)/,
    );
    expect((error as Error).message).not.toContain('hunter2');
  });

  describe('with a bearer token', () => {
    let server: CodecServer;
    const logged: string[] = [];
    beforeAll(async () => {
      server = await startCodecServer({
        codec,
        port: 0,
        host: '0.0.0.0',
        authToken: token,
        log: (line) => logged.push(line),
      });
    });
    afterAll(async () => {
      await server.close();
    });
    // 0.0.0.0 includes loopback, so the test reaches it the way a remote caller would, minus the network.
    const url = (action: string) => `http://127.0.0.1:${server.port}/${action}`;
    const body = () => JSON.stringify(uiPayloads({ secret: 'only for the token holder' }));

    it('answers 401 with a Bearer challenge when the token is missing, wrong or of another scheme', async () => {
      for (const authorization of [
        undefined,
        `Bearer ${token}x`,
        `Bearer ${token.slice(1)}`,
        `Basic ${token}`,
        token,
      ]) {
        const response = await post(url('encode'), body(), {
          ...(authorization ? { Authorization: authorization } : {}),
          Origin: UI,
        });
        expect(response.status, String(authorization)).toBe(401);
        expect(response.headers.get('www-authenticate')).toBe('Bearer realm="baton codec server"');
        expect(response.text).toContain('needs `Authorization: Bearer <token>`');
        expect(response.text).not.toContain(token);
        // The UI can read the refusal (CORS headers are on it) and show it.
        expect(response.headers.get('access-control-allow-origin')).toBe(UI);
      }
      expect(logged.some((l) => l.includes('(no bearer token)'))).toBe(true);
      expect(logged.some((l) => l.includes('(wrong bearer token)'))).toBe(true);
      expect(logged.join('\n')).not.toContain(token);
    });

    it('encodes and decodes for a caller with the token', async () => {
      const auth = { Authorization: `Bearer ${token}` };
      const encoded = await post(url('encode'), body(), auth);
      expect(encoded.status).toBe(200);
      const decoded = await post(url('decode'), encoded.text, { authorization: `bearer  ${token}` });
      expect(decoded.status).toBe(200);
      expect(valuesOf(JSON.parse(decoded.text) as JsonPayloads)).toEqual([
        { secret: 'only for the token holder' },
      ]);
    });

    it('answers the browser’s preflight without credentials, allowing the Authorization header', async () => {
      const response = await fetch(url('decode'), {
        method: 'OPTIONS',
        headers: {
          Origin: UI,
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'authorization,content-type,x-namespace',
        },
      });
      expect(response.status).toBe(204);
      expect((response.headers.get('access-control-allow-headers') ?? '').toLowerCase()).toContain(
        'authorization',
      );
    });
  });
});

describe('baton codec-server', () => {
  function program(env: NodeJS.ProcessEnv) {
    const out: string[] = [];
    const err: string[] = [];
    const controller = new AbortController();
    const cmd = new Command('baton').exitOverride().configureOutput({
      writeOut: (t) => out.push(t),
      writeErr: (t) => err.push(t),
    });
    registerCodecServerCommand(
      cmd,
      { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env },
      controller.signal,
    );
    return { cmd, out, err, controller };
  }

  it('serves until stopped, with the origins given, and prints how to point the UI at it', async () => {
    const { cmd, out, controller } = program({ BATON_ENCRYPTION_KEY: key });
    const running = cmd.parseAsync(['codec-server', '--port', '0', '--origin', 'http://localhost:8080'], {
      from: 'user',
    });
    await expect
      .poll(() => out.join(''), { timeout: 5_000 })
      .toMatch(/Codec server at http:\/\/127\.0\.0\.1:\d+/);
    const url = /Codec server at (\S+) /.exec(out.join(''))?.[1] ?? '';
    expect(out.join('')).toContain(`key ${codec.current.id}`);
    expect(out.join('')).toContain(`TEMPORAL_CODEC_ENDPOINT=${url}`);
    expect(out.join('')).not.toContain(key);
    const response = await post(`${url}/encode`, JSON.stringify(uiPayloads('cli')), {
      Origin: 'http://localhost:8080',
    });
    expect(response.status).toBe(200);
    const decoded = await post(`${url}/decode`, response.text);
    expect(valuesOf(JSON.parse(decoded.text) as JsonPayloads)).toEqual(['cli']);
    controller.abort();
    await running;
    await expect(fetch(`${url}/decode`, { method: 'POST', body: '{}' })).rejects.toThrow();
  });

  it('takes its origins from BATON_CODEC_CORS_ORIGINS when --origin is not given', async () => {
    const { cmd, out, controller } = program({
      BATON_ENCRYPTION_KEY: key,
      BATON_CODEC_CORS_ORIGINS: 'http://ui.internal:8080, http://localhost:8080',
    });
    const running = cmd.parseAsync(['codec-server', '--port', '0'], { from: 'user' });
    await expect
      .poll(() => out.join(''), { timeout: 5_000 })
      .toMatch(/CORS for http:\/\/ui\.internal:8080, http:\/\/localhost:8080/);
    controller.abort();
    await running;
  });

  it('requires BATON_CODEC_AUTH_TOKEN beyond loopback, and then says callers need it', async () => {
    const refused = program({ BATON_ENCRYPTION_KEY: key });
    await expect(
      refused.cmd.parseAsync(['codec-server', '--port', '0', '--host', '0.0.0.0'], { from: 'user' }),
    ).rejects.toThrow(/listening on 0\.0\.0\.0 \(beyond this machine\) needs a bearer token/);

    const token = randomBytes(24).toString('hex');
    const { cmd, out, controller } = program({ BATON_ENCRYPTION_KEY: key, BATON_CODEC_AUTH_TOKEN: token });
    const running = cmd.parseAsync(['codec-server', '--port', '0', '--host', '0.0.0.0'], { from: 'user' });
    await expect.poll(() => out.join(''), { timeout: 5_000 }).toMatch(/bearer token required/);
    expect(out.join('')).toContain('--codec-auth "Bearer $BATON_CODEC_AUTH_TOKEN"');
    expect(out.join('')).not.toContain(token);
    const port = /Codec server at http:\/\/localhost:(\d+)/.exec(out.join(''))?.[1];
    expect((await post(`http://127.0.0.1:${port}/encode`, JSON.stringify(uiPayloads('x')))).status).toBe(401);
    controller.abort();
    await running;
  });

  it('refuses to start without a key, saying which variable to set', async () => {
    const { cmd } = program({});
    await expect(cmd.parseAsync(['codec-server', '--port', '0'], { from: 'user' })).rejects.toThrow(
      /needs the encryption key: set BATON_ENCRYPTION_KEY/,
    );
  });

  it('rejects an origin that is not an origin', async () => {
    const { cmd, err } = program({ BATON_ENCRYPTION_KEY: key });
    await expect(
      cmd.parseAsync(['codec-server', '--origin', 'http://localhost:8080/path'], { from: 'user' }),
    ).rejects.toThrow();
    expect(err.join('')).toMatch(/expected an origin/);
  });
});
