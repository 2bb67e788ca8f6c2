import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SpecFailedError } from '../../src/client';
import type { SpecDefinition } from '../../src/domain/spec';
import { runCli } from '../support/run-cli';
import { startTestEnvironment, type TestEnvironment } from '../support/test-environment';
import { uniqueId } from '../support/unique-id';

let env: TestEnvironment;
beforeAll(async () => {
  env = await startTestEnvironment();
});
afterAll(async () => {
  await env?.teardown();
});

const spec = (spec_id: string): SpecDefinition => ({
  spec_id,
  title: 'User authentication',
  requirements: ['login', 'registration', 'password_reset'],
  acceptance_criteria: ['a locked account cannot log in'],
});

/** Model calls per phase, from the offline model's request log. */
type PhaseCalls = { analysis: number; red: number; green: number; refactor: number };
function callsPerPhase(specId: string): PhaseCalls {
  const counts: PhaseCalls = { analysis: 0, red: 0, green: 0, refactor: 0 };
  for (const r of env.model.requests) {
    if (r.path !== '/v1/messages' || !r.last_user_text.includes(`SPEC ${specId} · phase`)) continue;
    const m = /phase \d\/4 (\w+)/.exec(r.last_user_text);
    const key = m?.[1]?.toLowerCase();
    if (key && key in counts) counts[key as keyof PhaseCalls]++;
  }
  return counts;
}

async function waitForDecision(specId: string) {
  await expect
    .poll(async () => (await env.baton.specs.status(specId)).status, { timeout: 20_000 })
    .toBe('awaiting_decision');
  return env.baton.specs.status(specId);
}

describe('specWorkflow', () => {
  it("reports each phase's prompt cache: later phases read the SPEC and the earlier work from it", async () => {
    const long: SpecDefinition = {
      spec_id: 'SPEC-CACHE',
      title: 'Invoice storage',
      // Long enough that the SPEC alone passes claude-sonnet-4-6's 2,048-token cache minimum.
      requirements: Array.from(
        { length: 120 },
        (_, i) =>
          `requirement ${i + 1}: invoices of tenant group ${i + 1} are stored, versioned and auditable`,
      ),
      acceptance_criteria: [],
    };
    await env.baton.specs.start(long);
    const result = await env.baton.specs.result('SPEC-CACHE');
    expect(result.status).toBe('completed');
    const [first, ...later] = result.phases;
    expect(first!.cache).toMatchObject({ read_tokens: 0 });
    expect(first!.cache!.write_tokens).toBeGreaterThan(2_048);
    for (const p of later) {
      expect(p.cache!.read_tokens).toBeGreaterThan(2_048);
      expect(p.cache!.hit_rate).toBeGreaterThan(0.8);
      // A phase's tokens count its input of every kind (cached too) plus its output.
      expect(p.tokens).toBeGreaterThan(
        p.cache!.read_tokens + p.cache!.write_tokens + p.cache!.uncached_tokens,
      );
    }
    expect(result.tokens_used).toBe(result.phases.reduce((s, p) => s + p.tokens, 0));
  });

  it('runs four phases with a checkpoint at the start and end of each', async () => {
    const specId = uniqueId('SPEC-001');
    env.model.injectFaults([{ kind: 'http', status: 529, match: `SPEC ${specId} · phase 1/4` }]);
    await env.baton.specs.start(spec(specId));
    const result = await env.baton.specs.result(specId);
    expect(result.status).toBe('completed');
    expect(result.checkpoints).toEqual([
      'phase_1_analysis_start',
      'phase_1_analysis_complete',
      'phase_2_red_start',
      'phase_2_red_complete',
      'phase_3_green_start',
      'phase_3_green_complete',
      'phase_4_refactor_start',
      'phase_4_refactor_complete',
    ]);
    expect(result.phases.map((p) => [p.name, p.status, p.attempts])).toEqual([
      ['analysis', 'completed', 1],
      ['red', 'completed', 1],
      ['green', 'completed', 1],
      ['refactor', 'completed', 1],
    ]);
    for (const p of result.phases) {
      expect(p.tokens).toBeGreaterThan(0);
      expect(p.output).toContain(`phase ${p.number}/4`);
    }
    expect(result.tokens_used).toBe(result.phases.reduce((s, p) => s + p.tokens, 0));
    expect(result.cost_usd).toBeGreaterThan(0);
    // The transient 529 on analysis was retried by Temporal, not by a second phase attempt.
    expect(callsPerPhase(specId)).toEqual({ analysis: 2, red: 1, green: 1, refactor: 1 });
    // The phases' checkpoints are the session's too: each is a head the session can be restored to.
    const status = await env.baton.specs.status(specId);
    expect(status.execution_status).toBe('COMPLETED');
  });

  it('compacts before a phase when too few tokens are available, and says so', async () => {
    const specSmall = uniqueId('SPEC-SMALL');
    await env.baton.specs.start(spec(specSmall), {
      model: 'baton-small-8k',
      // A floor is capped at the room above the summarization threshold (8,000 × 98 % = 7,840
      // here); 7,800 fits, so the phases compact first as soon as the context passes 200 tokens.
      settings: { keep_recent_turns: 0, summarize_at_percent: 2 },
      min_tokens_available: 7_800,
    });
    const result = await env.baton.specs.result(specSmall);
    expect(result.status).toBe('completed');
    const logs = result.phases.flatMap((p) => p.log);
    expect(
      logs.some((l) => /^compacted before the phase \(fewer than 7,800 tokens available\)/.test(l)),
    ).toBe(true);
    expect(logs.filter((l) => /floor capped|nothing_to_do/.test(l))).toEqual([]);
  });

  it('waits for a decision when a phase fails, and a retry restarts only that phase', async () => {
    const specRetry = uniqueId('SPEC-RETRY');
    env.model.injectFaults([
      { kind: 'http', status: 400, message: 'green refused', match: `SPEC ${specRetry} · phase 3/4` },
    ]);
    await env.baton.specs.start(spec(specRetry));
    const waiting = await waitForDecision(specRetry);
    expect(waiting.failure).toMatchObject({ phase: 'green', choices: ['retry', 'skip', 'abort'] });
    expect(waiting.failure?.error).toMatch(/green refused/);
    expect(waiting.phases[2]).toMatchObject({ name: 'green', status: 'failed', attempts: 1 });

    await env.baton.specs.retry(specRetry, 'keep it minimal');
    const result = await env.baton.specs.result(specRetry);
    expect(result.status).toBe('completed');
    expect(result.phases[2]).toMatchObject({ status: 'completed', attempts: 2 });
    // A decision applies only while the SPEC waits for one.
    await expect(env.baton.specs.skip(specRetry)).rejects.toThrow(/not waiting for a decision/);
    // Completed phases were not called again; the failed one twice (the refusal, then the retry).
    expect(callsPerPhase(specRetry)).toEqual({ analysis: 1, red: 1, green: 2, refactor: 1 });
    const retried = env.model.requests
      .filter((r) => r.last_user_text.includes(`SPEC ${specRetry} · phase 3/4`))
      .at(-1);
    expect(retried?.last_user_text).toContain('Guidance for this attempt: keep it minimal');
  });

  it('skips or aborts a failed phase on request', async () => {
    const specAbort = uniqueId('SPEC-ABORT');
    const specSkip = uniqueId('SPEC-SKIP');
    env.model.injectFaults([
      { kind: 'http', status: 400, match: `SPEC ${specSkip} · phase 4/4` },
      { kind: 'http', status: 400, match: `SPEC ${specAbort} · phase 2/4` },
    ]);
    await env.baton.specs.start(spec(specSkip));
    await waitForDecision(specSkip);
    await env.baton.specs.skip(specSkip);
    const skipped = await env.baton.specs.result(specSkip);
    expect(skipped.status).toBe('completed');
    expect(skipped.phases[3]?.status).toBe('skipped');

    await env.baton.specs.start(spec(specAbort));
    await waitForDecision(specAbort);
    await env.baton.specs.abort(specAbort);
    const aborted = await env.baton.specs.result(specAbort);
    expect(aborted.status).toBe('aborted');
    expect(aborted.phases.map((p) => p.status)).toEqual(['completed', 'failed', 'pending', 'pending']);
  });

  it('fails cleanly when nobody decides in time', async () => {
    const specTimeout = uniqueId('SPEC-TIMEOUT');
    env.model.injectFaults([{ kind: 'http', status: 400, match: `SPEC ${specTimeout} · phase 1/4` }]);
    await env.baton.specs.start(spec(specTimeout), { decision_timeout: '2s' });
    const failure = await env.baton.specs.result(specTimeout).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(SpecFailedError);
    expect((failure as SpecFailedError).type).toBe('SpecDecisionTimeout');
    expect((failure as SpecFailedError).message).toMatch(
      new RegExp(`Phase analysis of SPEC ${specTimeout} failed .* no retry, skip or abort came within 2 s`),
    );
  });

  it('reruns from a phase without running or billing the earlier ones again', async () => {
    const specRerun = uniqueId('SPEC-RERUN');
    await env.baton.specs.start(spec(specRerun));
    const first = await env.baton.specs.result(specRerun);
    expect(first.status).toBe('completed');
    const before = callsPerPhase(specRerun);
    const rerun = await env.baton.specs.rerun(specRerun, 'green');
    expect(rerun.run_id).not.toBe(rerun.previous_run_id);
    const second = await env.baton.specs.result(specRerun);
    expect(second.status).toBe('completed');
    const after = callsPerPhase(specRerun);
    expect({
      analysis: after.analysis - before.analysis,
      red: after.red - before.red,
      green: after.green - before.green,
      refactor: after.refactor - before.refactor,
    }).toEqual({ analysis: 0, red: 0, green: 1, refactor: 1 });
    // The earlier run is still there to look at.
    const old = await env.baton.temporal.workflow
      .getHandle(`spec-${specRerun}`, rerun.previous_run_id)
      .describe();
    expect(old.runId).toBe(rerun.previous_run_id);
    await expect(env.baton.specs.rerun(specRerun, 'purple')).rejects.toThrow(/Unknown phase 'purple'/);
  });
});

describe('baton spec (CLI)', () => {
  it('runs a SPEC and prints its result; bad input gets a clear error', async () => {
    const specBad = uniqueId('SPEC-BAD');
    const specCli = uniqueId('SPEC-CLI');
    const specNope = uniqueId('SPEC-NOPE');
    const ok = await runCli(
      ['spec', 'run', specCli, '--title', 'Search', '--req', 'index', '--req', 'query', '--json'],
      env.cliEnv,
    );
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    // --json streams the phases' turns as they run, one event per line, then the result.
    const lines = ok.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; turn?: number; text?: string; result?: unknown });
    expect(lines.at(-1)).toMatchObject({
      type: 'result',
      result: { spec_id: specCli, status: 'completed' },
    });
    expect(lines.filter((l) => l.type === 'turn_started').map((l) => l.turn)).toEqual([1, 2, 3, 4]);
    expect(lines.filter((l) => l.type === 'turn_ended')).toHaveLength(4);
    const result = lines.at(-1)!.result as { phases: { output?: string }[] };
    const text = (turn: number) =>
      lines
        .filter((l) => l.type === 'text' && l.turn === turn)
        .map((l) => l.text)
        .join('');
    expect(result.phases.map((p) => p.output)).toEqual([1, 2, 3, 4].map(text));

    const noReq = await runCli(['spec', 'run', specBad, '--title', 'x'], env.cliEnv);
    expect(noReq.code).toBe(1);
    expect(noReq.stderr).toMatch(/Invalid SPEC: requirements must be a non-empty list/);
    const badId = await runCli(['spec', 'run', '../x', '--title', 'x', '--req', 'y'], env.cliEnv);
    expect(badId.code).toBe(1);
    expect(badId.stderr).toMatch(/spec_id must be letters/);
    const unknown = await runCli(['spec', 'status', specNope], env.cliEnv);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(`No SPEC run '${specNope}'`);
    const dup = await runCli(['spec', 'run', specCli, '--title', 'Search', '--req', 'index'], env.cliEnv);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toMatch(new RegExp(`SPEC ${specCli} has a run already`));
  });
});
