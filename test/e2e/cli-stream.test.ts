/**
 * The CLI's live turns: `session send` prints the reply as the model writes it (NDJSON with
 * --json), `--no-stream` prints it at the end as before, messages come from standard input or a
 * file, `session watch` shows other clients' turns, and `session cancel` says when nothing runs.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SendResult } from '../../src/client';
import type { TurnEvent } from '../../src/domain/session';
import { runCli } from '../support/run-cli';
import { startTestEnvironment, type TestEnvironment } from '../support/test-environment';

let env: TestEnvironment;
let tmp: string;
beforeAll(async () => {
  env = await startTestEnvironment();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-cli-stream-'));
});
afterAll(async () => {
  await env?.teardown();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

async function newSession(): Promise<string> {
  const { session_id } = await env.baton.sessions.start({
    id: `cli-live-${randomUUID().slice(0, 8)}`,
    task: 'CLI streaming',
  });
  return session_id;
}

type Line = TurnEvent | { type: 'result'; result: SendResult };
const ndjson = (stdout: string): Line[] =>
  stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Line);

describe('baton session send', () => {
  it('prints the reply as it is written, then the budget line', async () => {
    const id = await newSession();
    let firstText = '';
    const r = await runCli(
      ['session', 'send', id, 'Stream this. [[reply_tokens=200]] [[pace_ms=15]]'],
      env.cliEnv,
      {
        // What was on screen before the turn ended: the start of the reply, not yet its budget line.
        onOutput: (out) => (firstText ||= out),
      },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const status = await env.baton.sessions.status(id);
    expect(status.turns).toBe(1);
    expect(firstText).toMatch(/^Offline reply to turn 1/);
    expect(firstText).not.toMatch(/── turn 1/);
    const [reply, footer] = r.stdout.split('\n\n── ');
    expect(reply!.length).toBeGreaterThan(600);
    expect(`── ${footer}`).toMatch(
      /^── turn 1 · [\d,]+ in \/ 200 out · \$\d+\.\d{4} · context [\d,]+ \/ 200,000 tokens .*available\n$/,
    );
  });

  it('--json prints one event per line as the turn runs, then the result', async () => {
    const id = await newSession();
    const r = await runCli(
      ['session', 'send', id, 'In JSON. [[reply_tokens=120]] [[pace_ms=15]]', '--json'],
      env.cliEnv,
    );
    expect(r.code).toBe(0);
    const lines = ndjson(r.stdout);
    expect(lines[0]).toMatchObject({ type: 'turn_started', turn: 1 });
    expect(lines.at(-2)).toMatchObject({ type: 'turn_ended', outcome: 'completed', turn: 1 });
    const last = lines.at(-1)!;
    if (last.type !== 'result') throw new Error(`the last line is ${last.type}, not the result`);
    const text = lines.flatMap((l) => (l.type === 'text' ? [l.text] : [])).join('');
    expect(text).toBe(last.result.reply);
    expect(lines.filter((l) => l.type === 'text').length).toBeGreaterThan(1);
  });

  it('--no-stream prints the whole reply at the end, as before (one JSON object with --json)', async () => {
    const id = await newSession();
    const human = await runCli(['session', 'send', id, 'At once.', '--no-stream'], env.cliEnv);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^Offline reply to turn 1, digest [0-9a-f]{8}: "At once\."\n\n── turn 1 · /);
    const json = await runCli(
      ['session', 'send', id, 'At once, in JSON.', '--no-stream', '--json'],
      env.cliEnv,
    );
    const result = JSON.parse(json.stdout) as SendResult;
    expect(result.turn).toBe(2);
    expect(result.reply).toContain('At once, in JSON.');
  });

  it('reads the message from standard input with "-", or from --file', async () => {
    const id = await newSession();
    const piped = await runCli(['session', 'send', id, '-', '--no-stream', '--json'], env.cliEnv, {
      stdin: '- a bullet\n- another bullet\n',
    });
    expect(piped.code).toBe(0);
    expect((JSON.parse(piped.stdout) as SendResult).reply).toContain('- a bullet - another bullet');
    const file = path.join(tmp, 'message.md');
    fs.writeFileSync(file, 'From a file: the plan.\n');
    const fromFile = await runCli(
      ['session', 'send', id, '--file', file, '--no-stream', '--json'],
      env.cliEnv,
    );
    expect((JSON.parse(fromFile.stdout) as SendResult).reply).toContain('From a file: the plan.');
    const conversation = JSON.stringify(await env.store.path((await env.baton.sessions.status(id)).head!));
    expect(conversation).toContain('- a bullet\\n- another bullet');
  });

  it('sends a message that starts with "-" after "--", and says so when it is missing', async () => {
    const id = await newSession();
    const ok = await runCli(['session', 'send', id, '--no-stream', '--', '- starts with a dash'], env.cliEnv);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('"- starts with a dash"');
    const bad = await runCli(['session', 'send', id, '- starts with a dash'], env.cliEnv);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("unknown option '- starts with a dash'");
    expect(bad.stderr).toContain('a message that starts with "-" goes after "--"');
    const help = await runCli(['session', 'send', '--help'], env.cliEnv);
    expect(help.stdout).toContain('"-" reads it from standard input');
    expect(help.stdout).toContain('--file <path>');
    expect(help.stdout).toContain('--no-stream');
    expect((await env.baton.sessions.status(id)).turns).toBe(1);
  });

  it('refuses a missing message, a message and a file both, and a file that is not there', async () => {
    const id = await newSession();
    const none = await runCli(['session', 'send', id], env.cliEnv);
    expect(none).toMatchObject({ code: 1, stdout: '' });
    expect(none.stderr).toBe(
      'baton: Give a message: as an argument, "-" to read it from standard input, or --file <path>.\n',
    );
    const both = await runCli(['session', 'send', id, 'hi', '--file', 'x.md'], env.cliEnv);
    expect(both.stderr).toMatch(/^baton: Give the message either as an argument or with --file, not both/);
    const missing = await runCli(['session', 'send', id, '--file', path.join(tmp, 'nowhere.md')], env.cliEnv);
    expect(missing.stderr).toBe(`baton: No file ${path.join(tmp, 'nowhere.md')} to read the message from.\n`);
    expect((await env.baton.sessions.status(id)).turns).toBe(0);
  });
});

describe('baton session watch and cancel', () => {
  it('watch prints the turns other clients stream, until Ctrl-C', async () => {
    const id = await newSession();
    const stop = new AbortController();
    let seen = '';
    let said = '';
    const watching = runCli(['session', 'watch', id], env.cliEnv, {
      signal: stop.signal,
      onOutput: (out) => (seen = out),
      onError: (err) => (said = err),
    });
    // The watcher reads from the stream's end: the turn starts once it says it is watching.
    await expect.poll(() => said).toContain(`Watching ${id}`);
    const sent = await env.baton.sessions.send(id, 'Watched from elsewhere.', { onEvent: () => undefined });
    await expect.poll(() => seen, { timeout: 20_000 }).toContain('■ turn 1 completed');
    stop.abort();
    const r = await watching;
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`Watching ${id}`);
    expect(r.stdout).toMatch(/^▶ turn 1 \(req_[0-9a-f]{16}\)\n/);
    expect(r.stdout).toContain(sent.reply);
  });

  it('cancel says so, with exit code 1, when no turn is running', async () => {
    const id = await newSession();
    const r = await runCli(['session', 'cancel', id], env.cliEnv);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`baton: No turn is running in session ${id}; nothing was cancelled.\n`);
    const json = await runCli(['session', 'cancel', id, '--json'], env.cliEnv);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual({ cancelled: false });
  });
});
