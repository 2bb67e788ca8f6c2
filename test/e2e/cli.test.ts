import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartSessionResult, SendResult, SessionListEntry } from '../../src/client';
import { runCli, spawnCli } from '../support/run-cli';
import { startTestEnvironment, type TestEnvironment } from '../support/test-environment';
import { uniqueId } from '../support/unique-id';

let env: TestEnvironment;
beforeAll(async () => {
  env = await startTestEnvironment();
});
afterAll(async () => {
  await env?.teardown();
});

describe('baton session (happy path, --json)', () => {
  it('starts, sends, shows status and lists', async () => {
    const id = uniqueId('cli-notes');
    const start = await runCli(['session', 'start', 'Write release notes', '--id', id, '--json'], env.cliEnv);
    expect(start.stderr).toBe('');
    expect(start.code).toBe(0);
    const started = JSON.parse(start.stdout) as StartSessionResult;
    expect(started).toMatchObject({ session_id: id, model: 'claude-sonnet-4-6' });
    expect(started.token_budget).toMatchObject({ total: 200_000 });
    expect(started.token_budget.used + started.token_budget.available).toBe(200_000);
    expect(started.ui_url).toContain(`/workflows/${id}/`);

    const send = await runCli(['session', 'send', id, 'List the highlights', '--json'], env.cliEnv);
    expect(send.code).toBe(0);
    // --json streams: one event per line, the result last.
    const lines = send.stdout.trim().split('\n');
    expect(JSON.parse(lines[0]!)).toMatchObject({ type: 'turn_started', turn: 1 });
    const sent = (JSON.parse(lines.at(-1)!) as { type: 'result'; result: SendResult }).result;
    expect(sent.reply).toContain('List the highlights');
    expect(sent.usage.input_tokens).toBeGreaterThan(0);
    expect(sent.token_budget.used).toBe(sent.usage.input_tokens + sent.usage.output_tokens);

    const status = await runCli(['session', 'status', id, '--json'], env.cliEnv);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      session_id: id,
      status: 'available',
      turns: 1,
      tokens_used: sent.token_budget.used,
      cumulative: { input_tokens: sent.usage.input_tokens, output_tokens: sent.usage.output_tokens },
    });

    await expect
      .poll(
        async () =>
          JSON.parse((await runCli(['session', 'list', '--json'], env.cliEnv)).stdout) as SessionListEntry[],
        {
          timeout: 10_000,
        },
      )
      .toEqual(expect.arrayContaining([expect.objectContaining({ session_id: id })]));
  });

  it('prints a readable reply and budget without --json', async () => {
    const id = uniqueId('cli-human');
    await runCli(['session', 'start', '--id', id], env.cliEnv);
    const send = await runCli(['session', 'send', id, 'hello there'], env.cliEnv);
    expect(send.code).toBe(0);
    expect(send.stdout).toMatch(/hello there/);
    expect(send.stdout).toMatch(/turn 1 · .* in \/ .* out · \$\d+\.\d{4} · context .* \/ 200,000 tokens/);
    const status = await runCli(['session', 'status', id], env.cliEnv);
    expect(status.stdout).toContain(`Session ${id} · available · claude-sonnet-4-6`);
    expect(status.stdout).toMatch(/ui +http/);
  });
});

describe('baton errors: one line, exit code 1', () => {
  it('an unknown session id', async () => {
    const id = uniqueId('sess_nope');
    const r = await runCli(['session', 'status', id], env.cliEnv);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(`baton: No session '${id}'. List sessions with \`baton session list\`.`);
  });

  it('an id with path or shell characters', async () => {
    const r = await runCli(['session', 'send', '../../x;ls', 'hi'], env.cliEnv);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not a valid session id/);
  });

  it('bad flags and flag values', async () => {
    const limit = await runCli(['session', 'list', '--limit', 'many'], env.cliEnv);
    expect(limit.code).toBe(1);
    expect(limit.stderr).toMatch(/--limit.*expected a whole number/);
    const pct = await runCli(['session', 'start', '--summarize-at', '120'], env.cliEnv);
    expect(pct.code).toBe(1);
    expect(pct.stderr).toMatch(/expected a percentage between 0 and 100/);
    const unknown = await runCli(['session', 'start', '--colour', 'red'], env.cliEnv);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/unknown option '--colour'/);
    const cls = await runCli(['session', 'send', 'x', 'y', '--class', 'vital'], env.cliEnv);
    expect(cls.code).toBe(1);
    expect(cls.stderr).toMatch(/expected one of critical, supporting, temporary/);
  });

  it('no worker polling the task queue', async () => {
    const queue = uniqueId('nobody-polls-this');
    const r = await runCli(['session', 'start', 'x'], {
      ...env.cliEnv,
      BATON_TASK_QUEUE: queue,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      `No baton worker is polling task queue '${queue}' (waited 3 s). Start one with \`baton dev\``,
    );
  });

  it('a server that is not running (the real binary)', async () => {
    const r = await spawnCli(['session', 'list'], { TEMPORAL_ADDRESS: '127.0.0.1:1' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^baton: Cannot reach Temporal at 127\.0\.0\.1:1 .*baton dev/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
