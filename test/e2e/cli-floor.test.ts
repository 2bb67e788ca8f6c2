/**
 * Floors on a small window: a SPEC whose `--min-tokens` is larger than the model's window can keep
 * free caps it (and says so once) instead of compacting before every phase, and a floor compaction
 * that has nothing to do neither runs an aggressive pass nor fills the log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckpointRecord } from '../../src/domain/session';
import type { SpecStatus } from '../../src/domain/spec';
import { cliJson, runCli } from '../support/run-cli';
import { startTestEnvironment, type TestEnvironment } from '../support/test-environment';
import { uniqueId } from '../support/unique-id';

let env: TestEnvironment;
const cli = (...argv: string[]) => runCli(argv, env.cliEnv);

beforeAll(async () => {
  env = await startTestEnvironment();
});
afterAll(async () => {
  await env?.teardown();
});

describe('a SPEC on baton-small-8k with the default 50,000-token floor', () => {
  it('caps the floor, says so once, and logs no compaction that did nothing', async () => {
    const specId = uniqueId('FLOOR');
    const run = await cli(
      'spec',
      'run',
      specId,
      '--title',
      'Small window',
      '--req',
      'login',
      '--model',
      'baton-small-8k',
      '--json',
    );
    expect(run.code, run.stderr).toBe(0);
    const status = cliJson<SpecStatus>(run.stdout);
    expect(status.status).toBe('completed');
    const logs = status.phases.flatMap((p) => p.log);
    expect(logs).toEqual([
      'floor capped: 50,000 tokens available cannot be kept in the 8,000-token window of baton-small-8k; ' +
        'compacting first only below 2,000 (the room above its 75 % summarization threshold)',
    ]);
    expect(status.phases[0]!.log).toHaveLength(1);

    // Nothing was compacted before a phase, so no compaction was even attempted.
    const checkpoints = await cli('session', 'checkpoints', `spec-${specId}`, '--json');
    expect(checkpoints.code, checkpoints.stderr).toBe(0);
    const reasons = (JSON.parse(checkpoints.stdout) as CheckpointRecord[]).map((c) => c.reason);
    expect(reasons).not.toContain('before_compaction');
    expect(reasons.filter((r) => r === 'phase')).toHaveLength(8);

    // The human output shows the note once, under the first phase.
    const human = await cli('spec', 'status', specId);
    expect(human.stdout.match(/floor capped/g)).toHaveLength(1);
    expect(human.stdout).not.toMatch(/nothing_to_do/);
  });
});

describe('a floor that compaction cannot reach', () => {
  it('stops after a progressive pass that found nothing to do (no aggressive pass)', async () => {
    const specId = uniqueId('NOTHING');
    // The first agent starts with only the SPEC: ~7,700 of 8,000 tokens free, below a 7,990 floor,
    // and nothing a compaction could shorten.
    const run = await cli(
      'handoff',
      'run',
      specId,
      '--title',
      'Unreachable floor',
      '--req',
      'login',
      '--agents',
      'spec-builder',
      '--model',
      'baton-small-8k',
      '--floor',
      '7990',
      '--json',
    );
    expect(run.code, run.stderr).toBe(0);
    const agent = `handoff-${specId}-1-spec-builder`;
    const status = await cli('session', 'status', agent, '--json');
    expect(JSON.parse(status.stdout)).toMatchObject({
      floor_compactions: 0,
      last_compaction: { status: 'nothing_to_do', mode: 'progressive', trigger: 'handoff' },
    });
    // One compaction attempt, one checkpoint before it: the aggressive pass did not run.
    const checkpoints = await cli('session', 'checkpoints', agent, '--json');
    const before = (JSON.parse(checkpoints.stdout) as CheckpointRecord[]).filter(
      (c) => c.reason === 'before_compaction',
    );
    expect(before).toHaveLength(1);
  });
});
