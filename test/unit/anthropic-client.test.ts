import { describe, expect, it } from 'vitest';
import {
  ANTHROPIC_API_URL,
  createAnthropicClient,
  describeModelEndpoint,
  MissingModelEndpointError,
  needsOfflineModel,
  OfflineModel,
  PLACEHOLDER_API_KEY,
  resolveModelEndpoint,
} from '../../src/model';
import { main } from '../../src/model/offline-model/main';

describe('resolveModelEndpoint', () => {
  const offline = 'http://127.0.0.1:9999';

  it('uses the API when ANTHROPIC_API_KEY is set', () => {
    expect(resolveModelEndpoint({ ANTHROPIC_API_KEY: 'sk-ant-test' }, offline)).toEqual({
      mode: 'api',
      apiKey: 'sk-ant-test',
      baseURL: ANTHROPIC_API_URL,
    });
  });

  it('honours ANTHROPIC_BASE_URL with a key', () => {
    expect(
      resolveModelEndpoint({
        ANTHROPIC_API_KEY: 'sk-ant-test\n',
        ANTHROPIC_BASE_URL: 'https://gateway.example',
      }),
    ).toEqual({ mode: 'api', apiKey: 'sk-ant-test', baseURL: 'https://gateway.example' });
  });

  it('uses ANTHROPIC_BASE_URL without a key, with a placeholder key', () => {
    expect(resolveModelEndpoint({ ANTHROPIC_BASE_URL: 'http://localhost:8787' }, offline)).toEqual({
      mode: 'custom',
      apiKey: PLACEHOLDER_API_KEY,
      baseURL: 'http://localhost:8787',
    });
  });

  it('falls back to the offline model, treating empty variables as unset', () => {
    const env = { ANTHROPIC_API_KEY: '', ANTHROPIC_BASE_URL: '  ' };
    expect(needsOfflineModel(env)).toBe(true);
    expect(resolveModelEndpoint(env, offline)).toEqual({
      mode: 'offline',
      apiKey: PLACEHOLDER_API_KEY,
      baseURL: offline,
    });
  });

  it('says what to do when the offline model is needed but not given', () => {
    expect(() => resolveModelEndpoint({})).toThrow(MissingModelEndpointError);
    expect(() => resolveModelEndpoint({})).toThrow(/Set ANTHROPIC_API_KEY/);
    expect(needsOfflineModel({ ANTHROPIC_API_KEY: 'k' })).toBe(false);
  });
});

describe('describeModelEndpoint', () => {
  it('never includes the key or URL credentials', () => {
    const endpoint = resolveModelEndpoint({
      ANTHROPIC_API_KEY: 'sk-ant-secret',
      ANTHROPIC_BASE_URL: 'https://user:hunter2@gateway.example/',
    });
    const line = describeModelEndpoint(endpoint);
    expect(line).not.toContain('sk-ant-secret');
    expect(line).not.toContain('hunter2');
    expect(line).toContain('gateway.example');
    expect(describeModelEndpoint({ mode: 'offline', baseURL: 'http://127.0.0.1:1' })).toMatch(
      /^offline model at/,
    );
  });
});

describe('createAnthropicClient', () => {
  it('turns SDK retries off and passes the timeout through', () => {
    const client = createAnthropicClient({ apiKey: 'k', baseURL: 'http://127.0.0.1:1', timeoutMs: 1234 });
    expect(client.maxRetries).toBe(0);
    expect(client.timeout).toBe(1234);
    expect(client.baseURL).toBe('http://127.0.0.1:1');
    expect(client.apiKey).toBe('k');
  });

  it('does not read the environment', () => {
    const saved = { key: process.env.ANTHROPIC_API_KEY, url: process.env.ANTHROPIC_BASE_URL };
    process.env.ANTHROPIC_API_KEY = 'from-env';
    process.env.ANTHROPIC_BASE_URL = 'http://from-env.invalid';
    try {
      const client = createAnthropicClient();
      expect(client.apiKey).toBe(PLACEHOLDER_API_KEY);
      expect(client.baseURL).toBe(ANTHROPIC_API_URL);
    } finally {
      for (const [name, value] of [
        ['ANTHROPIC_API_KEY', saved.key],
        ['ANTHROPIC_BASE_URL', saved.url],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it('talks to the offline model through resolveModelEndpoint', async () => {
    const model = await OfflineModel.start();
    try {
      const client = createAnthropicClient(resolveModelEndpoint({}, model.baseURL));
      const reply = await client.messages.create({
        model: 'claude-haiku-4-5',
        max_tokens: 64,
        messages: [{ role: 'user', content: 'hello' }],
      });
      expect(reply.content[0]).toMatchObject({ type: 'text' });
    } finally {
      await model.stop();
    }
  });
});

describe('offline model main', () => {
  it('starts on the port asked for and prints its base URL', async () => {
    const lines: string[] = [];
    const model = await main({ argv: ['--port', '0'], print: (line) => lines.push(line) });
    try {
      expect(model.baseURL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(lines).toEqual([expect.stringContaining(model.baseURL)]);
      const health = await fetch(`${model.baseURL}/_offline/health`);
      expect(health.status).toBe(200);
    } finally {
      await model.stop();
    }
  });

  it('refuses a bad port', async () => {
    await expect(main({ argv: ['--port', 'eighty'], print: () => undefined })).rejects.toThrow(
      /--port must be/,
    );
  });
});
