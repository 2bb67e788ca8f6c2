/**
 * The offline model's script, seen through the real `@anthropic-ai/sdk` over real HTTP: scripted
 * replies with tool_use blocks for the workspace tools, the reply after each tool_result, matching
 * by SPEC phase and by user text, and clear errors for malformed scripts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { workspaceToolDefinitions } from '../../src/domain/workspace';
import {
  createAnthropicClient,
  InvalidOfflineScriptError,
  loadOfflineScript,
  OfflineModel,
  parseOfflineScript,
} from '../../src/model';
import { startWorkerRuntime } from '../../src/worker/worker-runtime';

const SCRIPT = {
  format: 'baton.offline-script',
  version: 1,
  steps: [
    {
      name: 'red',
      when: { phase: 'red' },
      replies: [
        {
          text: 'First a failing test.',
          tool_calls: [
            {
              name: 'str_replace_based_edit_tool',
              input: {
                command: 'create',
                path: 'test/sum.test.js',
                file_text: "require('assert').equal(require('../sum')(2, 3), 5);\n",
              },
            },
          ],
        },
        {
          text: 'Now I run it.',
          tool_calls: [{ name: 'bash', input: { command: 'node test/sum.test.js' } }],
        },
        { text: 'It fails as it should: {{tool_result}}' },
      ],
    },
    {
      name: 'feedback',
      when: { match: '/tests? (still )?fail/i' },
      replies: [{ text: 'Fixing it.', stop_reason: 'max_tokens' }],
    },
    { name: 'hello', when: { match: 'say HELLO' }, replies: [{ text: 'Hello from the script.' }] },
    {
      name: 'browser',
      when: { match: 'open the browser' },
      replies: [{ tool_calls: [{ name: 'browser_open', input: {} }] }],
    },
  ],
};

type Params = Anthropic.MessageCreateParamsNonStreaming;
let model: OfflineModel;
let client: Anthropic;
const tools = workspaceToolDefinitions() as Anthropic.ToolUnion[];
const RED = 'SPEC SPEC-7 · phase 2/4 RED (tests first)\n\nWrite the failing tests first.';

beforeAll(async () => {
  model = await OfflineModel.start({ script: parseOfflineScript(SCRIPT) });
  client = createAnthropicClient({ baseURL: model.baseURL });
});

afterAll(async () => {
  await model.stop();
});

const ask = (messages: Anthropic.MessageParam[], extra: Partial<Params> = {}): Params => ({
  model: 'claude-sonnet-4-6',
  max_tokens: 2048,
  messages,
  tools,
  ...extra,
});

function toolUse(message: Anthropic.Message): Anthropic.ToolUseBlock {
  const block = message.content.find((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');
  if (!block) throw new Error(`no tool_use in ${JSON.stringify(message.content)}`);
  return block;
}
const textOf = (m: Anthropic.Message) => m.content.map((b) => (b.type === 'text' ? b.text : '')).join('');

describe('a scripted turn', () => {
  it('writes code with tool_use blocks and answers each tool_result with the next reply', async () => {
    const history: Anthropic.MessageParam[] = [{ role: 'user', content: RED }];
    const first = await client.messages.create(ask(history));
    expect(first.stop_reason).toBe('tool_use');
    expect(textOf(first)).toBe('First a failing test.');
    const edit = toolUse(first);
    expect(edit.name).toBe('str_replace_based_edit_tool');
    expect(edit.input).toEqual({
      command: 'create',
      path: 'test/sum.test.js',
      file_text: "require('assert').equal(require('../sum')(2, 3), 5);\n",
    });
    expect(edit.id).toMatch(/^toolu_offline_[0-9a-f]{20}$/);
    // The same request gets the same reply, tool_use id included (a retried model call is stable).
    expect(toolUse(await client.messages.create(ask(history))).id).toBe(edit.id);

    history.push(
      { role: 'assistant', content: first.content },
      {
        role: 'user',
        content: [
          {
            type: 'tool_result',
            tool_use_id: edit.id,
            content: 'File created successfully at: test/sum.test.js',
          },
        ],
      },
    );
    const second = await client.messages.create(ask(history));
    const run = toolUse(second);
    expect(run).toMatchObject({ name: 'bash', input: { command: 'node test/sum.test.js' } });

    history.push(
      { role: 'assistant', content: second.content },
      {
        role: 'user',
        content: [
          {
            type: 'tool_result',
            tool_use_id: run.id,
            content: "Error: Cannot find module '../sum'\n[exit code 1]",
            is_error: true,
          },
        ],
      },
    );
    const third = await client.messages.create(ask(history));
    expect(third.stop_reason).toBe('end_turn');
    expect(textOf(third)).toBe("It fails as it should: Error: Cannot find module '../sum' [exit code 1]");

    history.push(
      { role: 'assistant', content: third.content },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_extra', content: 'x' }] },
    );
    expect(textOf(await client.messages.create(ask(history)))).toMatch(
      /step 'red' has 3 replies; this turn is over/,
    );
  });

  it('streams the same tool_use over SSE', async () => {
    const stream = client.messages.stream({ ...ask([{ role: 'user', content: RED }]) });
    const message = await stream.finalMessage();
    expect(message.stop_reason).toBe('tool_use');
    expect(toolUse(message).input).toMatchObject({ command: 'create', path: 'test/sum.test.js' });
  });

  it('matches user text by substring or regex, and can end a reply as cut off', async () => {
    expect(textOf(await client.messages.create(ask([{ role: 'user', content: 'Please say hello' }])))).toBe(
      'Hello from the script.',
    );
    const cut = await client.messages.create(
      ask([{ role: 'user', content: 'The tests still fail:\n1 failed' }]),
    );
    expect(cut.stop_reason).toBe('max_tokens');
    expect(textOf(cut)).toBe('Fixing it.');
  });

  it('leaves turns no step matches to the ordinary offline reply', async () => {
    expect(textOf(await client.messages.create(ask([{ role: 'user', content: 'Something else' }])))).toMatch(
      /^Offline reply to turn 1/,
    );
  });

  it('does not call a tool the request does not offer, or when tool_choice is none, and says so', async () => {
    const missing = await client.messages.create(ask([{ role: 'user', content: 'open the browser' }]));
    expect(missing.stop_reason).toBe('end_turn');
    expect(textOf(missing)).toBe(
      '(cannot call browser_open: the request offers str_replace_based_edit_tool, bash)',
    );
    const none = await client.messages.create(
      ask([{ role: 'user', content: RED }], { tool_choice: { type: 'none' } }),
    );
    expect(none.content.some((b) => b.type === 'tool_use')).toBe(false);
    expect(textOf(none)).toMatch(/not calling str_replace_based_edit_tool: tool_choice is none/);
  });

  it('takes a script over HTTP (PUT /_offline/script) and drops it (DELETE)', async () => {
    const other = await OfflineModel.start();
    try {
      const put = (body: unknown) =>
        fetch(`${other.baseURL}/_offline/script`, { method: 'PUT', body: JSON.stringify(body) });
      const bad = await put({ format: 'baton.offline-script', version: 1, steps: [] });
      expect(bad.status).toBe(400);
      expect(await bad.text()).toMatch(/steps: .*1/);
      const good = await put(SCRIPT);
      expect(await good.json()).toEqual({ ok: true, steps: ['red', 'feedback', 'hello', 'browser'] });
      const c = createAnthropicClient({ baseURL: other.baseURL });
      expect(textOf(await c.messages.create(ask([{ role: 'user', content: 'say hello' }])))).toBe(
        'Hello from the script.',
      );
      await fetch(`${other.baseURL}/_offline/script`, { method: 'DELETE' });
      expect(textOf(await c.messages.create(ask([{ role: 'user', content: 'say hello' }])))).toMatch(
        /^Offline reply/,
      );
    } finally {
      await other.stop();
    }
  });
});

describe('malformed scripts', () => {
  it.each([
    [{ format: 'other', version: 1, steps: [] }, /format/],
    [{ format: 'baton.offline-script', version: 2, steps: [{}] }, /version/],
    [
      { format: 'baton.offline-script', version: 1, steps: [{ when: { phase: 'red' }, replies: [] }] },
      /steps\.0\.replies/,
    ],
    [
      { format: 'baton.offline-script', version: 1, steps: [{ when: { phase: 'red' }, replies: [{}] }] },
      /steps\.0\.replies\.0: a reply needs text, tool_calls or both/,
    ],
    [
      { format: 'baton.offline-script', version: 1, steps: [{ when: {}, replies: [{ text: 'x' }] }] },
      /steps\.0\.when: when needs phase, match or both/,
    ],
    [
      {
        format: 'baton.offline-script',
        version: 1,
        steps: [{ when: { match: '/(/' }, replies: [{ text: 'x' }] }],
      },
      /steps\.0\.when\.match: Invalid regular expression/,
    ],
    [
      {
        format: 'baton.offline-script',
        version: 1,
        steps: [{ when: { phase: 'red' }, replies: [{ text: 'x', tool_calls: [{ name: '' }] }] }],
      },
      /tool_calls\.0\.name/,
    ],
    [
      {
        format: 'baton.offline-script',
        version: 1,
        steps: [{ when: { phase: 'red' }, replies: [{ text: 'x', typo: 1 }] }],
      },
      /typo/,
    ],
  ])('refuses %j, naming the field', (script, message) => {
    expect(() => parseOfflineScript(script)).toThrow(InvalidOfflineScriptError);
    expect(() => parseOfflineScript(script)).toThrow(message);
  });

  it('says which file is missing or not JSON', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-script-'));
    try {
      await expect(loadOfflineScript(path.join(dir, 'nope.json'))).rejects.toThrow(
        /Cannot read the offline script .*nope\.json/,
      );
      fs.writeFileSync(path.join(dir, 'bad.json'), '{ not json');
      await expect(loadOfflineScript(path.join(dir, 'bad.json'))).rejects.toThrow(
        /bad\.json is not valid JSON/,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('BATON_OFFLINE_SCRIPT (what baton dev --offline-script sets)', () => {
  it('loads the script into the worker’s offline model, and refuses a bad one before starting', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-script-rt-'));
    const file = path.join(dir, 'script.json');
    fs.writeFileSync(file, JSON.stringify(SCRIPT));
    const env = {
      PATH: process.env.PATH,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      BATON_TASK_QUEUE: `script-${Date.now()}`,
      BATON_HOME: dir,
      BATON_MCP_CONFIG: path.join(dir, 'none.json'),
      BATON_WORKFLOW_BUNDLE: inject('workflowBundlePath'),
    };
    fs.writeFileSync(env.BATON_MCP_CONFIG, JSON.stringify({ mcpServers: {} }));
    try {
      const lines: string[] = [];
      const runtime = await startWorkerRuntime({ ...env, BATON_OFFLINE_SCRIPT: file }, (l) => lines.push(l));
      try {
        expect(lines.join('\n')).toMatch(/Offline script .*script\.json: red, feedback, hello, browser/);
        const c = createAnthropicClient({ baseURL: runtime.offlineModelUrl! });
        expect(toolUse(await c.messages.create(ask([{ role: 'user', content: RED }]))).name).toBe(
          'str_replace_based_edit_tool',
        );
      } finally {
        await runtime.shutdown();
      }
      fs.writeFileSync(file, JSON.stringify({ ...SCRIPT, version: 9 }));
      await expect(startWorkerRuntime({ ...env, BATON_OFFLINE_SCRIPT: file })).rejects.toThrow(
        /script\.json: Invalid offline script: version/,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
