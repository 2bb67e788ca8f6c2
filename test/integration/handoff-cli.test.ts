import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HandoffRunResult, HandoffStatusWithLink } from '../../src/client';
import { handoffPackageProblems } from '../../src/domain/handoff';
import { runCli } from '../support/run-cli';
import { startTestEnvironment, type TestEnvironment } from '../support/test-environment';
import { uniqueId } from '../support/unique-id';

let env: TestEnvironment;
let dir: string;
beforeAll(async () => {
  env = await startTestEnvironment();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-handoff-cli-'));
});
afterAll(async () => {
  await env?.teardown();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const specFlags = ['--title', 'User authentication', '--req', 'login', '--req', 'registration'];

describe('baton handoff run', () => {
  it('prints progress, the chain, per-agent tokens and cost, and the UI link', async () => {
    const specCli1 = uniqueId('SPEC-CLI1');
    const run = await runCli(
      [
        'handoff',
        'run',
        specCli1,
        ...specFlags,
        '--agents',
        'spec-builder,doc-syncer',
        '--model',
        'claude-haiku-4-5',
      ],
      env.cliEnv,
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe(
      `Handoff handoff-${specCli1} started: spec-builder → doc-syncer (floor 30,000 tokens)`,
    );
    // Each event once, in order.
    const events = lines.filter((l) => /^[▶✓→] /.test(l));
    expect(events.map((l) => l.slice(0, 2))).toEqual(['▶ ', '✓ ', '→ ', '▶ ', '✓ ']);
    expect(events[0]).toBe(`▶ 1/2 spec-builder · session handoff-${specCli1}-1-spec-builder`);
    expect(events[1]).toMatch(
      /^✓ 1\/2 spec-builder · claude-haiku-4-5 · [\d,]+ tokens · \$0\.\d{4} · context /,
    );
    expect(events[2]).toMatch(
      /^→ package pkg_[0-9a-f]{16} spec-builder → doc-syncer \(valid\) · checkpoint handoff_1_spec-builder at [0-9a-f]{12}$/,
    );
    expect(run.stdout).toContain(`Handoff handoff-${specCli1} completed: spec-builder → doc-syncer`);
    expect(run.stdout).toMatch(/AGENT +SESSION +MODEL +TOKENS +COST +CACHE HIT +CONTEXT +FLOOR/);
    expect(run.stdout).toMatch(
      new RegExp(
        `spec-builder +handoff-${specCli1}-1-spec-builder +claude-haiku-4-5 +[\\d,]+ +\\$0\\.\\d{4} +\\d+\\.\\d%`,
      ),
    );
    expect(run.stdout).toMatch(/total +[\d,]+ +\$0\.\d{4} +0 compaction\(s\)/);
    expect(run.stdout).toContain('Packages: 1, each validated before the next agent started');
    expect(run.stdout).toMatch(new RegExp(`ui http:\\/\\/.+\\/workflows\\/handoff-${specCli1}\\/`));

    const status = await runCli(['handoff', 'status', specCli1], env.cliEnv);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(
      `Handoff handoff-${specCli1} · completed (completed) · spec-builder → doc-syncer`,
    );
  });

  it('prints only the result on stdout with --json, and reads agents from a file', async () => {
    const specCli2 = uniqueId('SPEC-CLI2');
    const file = path.join(dir, 'agents.json');
    fs.writeFileSync(
      file,
      JSON.stringify([
        {
          name: 'architect',
          role_prompt: 'You design.',
          work_message: 'Design it.',
          model: 'baton-small-8k',
        },
        { name: 'coder', role_prompt: 'You code.' },
      ]),
    );
    // The default floor (30,000) does not fit an 8,000-token window: the error says what to do.
    const tooHigh = await runCli(
      ['handoff', 'run', specCli2, ...specFlags, '--agents-file', file],
      env.cliEnv,
    );
    expect(tooHigh.code).toBe(1);
    expect(tooHigh.stderr).toContain(
      'min_tokens_available: a floor of 30,000 tokens can never be met by baton-small-8k, whose window is 8,000 tokens: choose a smaller floor (--floor',
    );
    const run = await runCli(
      ['handoff', 'run', specCli2, ...specFlags, '--agents-file', file, '--floor', '2000', '--json'],
      env.cliEnv,
    );
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('▶ 1/2 architect');
    const result = JSON.parse(run.stdout) as HandoffRunResult;
    expect(result.chain).toEqual(['architect', 'coder']);
    expect(result.agents.map((a) => a.model)).toEqual(['baton-small-8k', 'claude-sonnet-4-6']);
    expect(handoffPackageProblems(result.packages[0])).toEqual([]);

    const status = await runCli(['handoff', 'status', `handoff-${specCli2}`, '--json'], env.cliEnv);
    const parsed = JSON.parse(status.stdout) as HandoffStatusWithLink;
    expect(parsed).toMatchObject({
      state: 'completed',
      execution_status: 'COMPLETED',
      chain: ['architect', 'coder'],
    });
  });

  it('lists the known agents when --agents names an unknown one', async () => {
    const specCli3 = uniqueId('SPEC-CLI3');
    const run = await runCli(
      ['handoff', 'run', specCli3, ...specFlags, '--agents', 'spec-builder,reviewer'],
      env.cliEnv,
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      "baton: Unknown agent 'reviewer'. Known agents (defaults): spec-builder, tdd-implementer, doc-syncer. " +
        'Define others in an agents file (--agents-file).\n',
    );
  });

  it('names the field of an invalid agents file, and of an invalid SPEC', async () => {
    const specCli4 = uniqueId('SPEC-CLI4');
    const specNope = uniqueId('SPEC-NOPE');
    const file = path.join(dir, 'bad-agents.json');
    fs.writeFileSync(file, JSON.stringify([{ name: 'doc syncer', role_prompt: '' }]));
    const run = await runCli(['handoff', 'run', specCli4, ...specFlags, '--agents-file', file], env.cliEnv);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`Agents file ${file} is invalid: agents[0].name: must be letters`);
    expect(run.stderr).toContain('agents[0].role_prompt: must be a non-empty string');

    const noTitle = await runCli(['handoff', 'run', specCli4, '--req', 'login'], env.cliEnv);
    expect(noTitle.code).toBe(1);
    expect(noTitle.stderr).toContain('Invalid SPEC: title must be a non-empty string');

    const missing = await runCli(['handoff', 'status', specNope], env.cliEnv);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`No handoff 'handoff-${specNope}'`);
  });
});
