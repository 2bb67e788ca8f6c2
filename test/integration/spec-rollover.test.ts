import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SpecDefinition } from '../../src/domain/spec';
import { statusQuery } from '../../src/domain/session';
import { startTestEnvironment, type TestEnvironment } from '../support/test-environment';

let env: TestEnvironment;
beforeAll(async () => {
  env = await startTestEnvironment();
});
afterAll(async () => {
  await env?.teardown();
});

const uniqueId = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

/** A SPEC with many requirements: a large, critical task that compaction must keep verbatim. */
function bulkySpec(specId: string, title: string, requirements: number): SpecDefinition {
  const words = ['ledger', 'invoice', 'refund', 'audit', 'currency', 'rounding', 'tenant', 'export'];
  return {
    spec_id: specId,
    title,
    requirements: Array.from(
      { length: requirements },
      (_, i) =>
        `R${i + 1}: the ${words[i % words.length]} service must handle case ${i + 1} ` +
        `(${words.map((w, j) => `${w}-${(i * 7 + j) % 13}`).join(', ')}) and report it in the ${words[(i + 3) % words.length]} log`,
    ),
    acceptance_criteria: ['every requirement has a test'],
  };
}

describe('a SPEC under pressure rolls over like a session', () => {
  it('continues-as-new mid-SPEC when a phase crosses the rollover threshold, and finishes', async () => {
    const specId = uniqueId('SPEC-ROLL');
    // Each phase reply is ~1,000 tokens (the offline model reads the directive in the title that
    // every phase message repeats); summarizing only from 84 % lets a phase cross 85 %.
    await env.baton.specs.start(bulkySpec(specId, 'Billing ledger [[reply_tokens=1000]]', 70), {
      model: 'baton-small-8k',
      min_tokens_available: 500,
      settings: { summarize_at_percent: 84, keep_recent_turns: 0 },
    });
    const result = await env.baton.specs.result(specId);
    expect(result.status).toBe('completed');
    expect(result.phases.map((p) => p.status)).toEqual(['completed', 'completed', 'completed', 'completed']);
    expect(result.previous_runs.length).toBeGreaterThanOrEqual(1);
    expect(result.checkpoints).toHaveLength(8);

    // The SPEC's session answers the session queries: its rollovers and checkpoints span the runs.
    const session = await env.baton.sessions.status(`spec-${specId}`);
    expect(session.rollovers.length).toBe(result.previous_runs.length);
    expect(session.rollovers[0]?.reason).toBe('context_fill');
    const checkpoints = await env.baton.sessions.checkpoints(`spec-${specId}`);
    const phaseCheckpoints = checkpoints.filter((c) => c.reason === 'phase');
    expect(phaseCheckpoints.map((c) => c.name)).toEqual(result.checkpoints);
    expect(new Set(phaseCheckpoints.map((c) => c.run_id)).size).toBeGreaterThanOrEqual(2);
    // Each phase was asked once: a rollover never repeats a finished phase.
    const asked = env.model.requests.filter(
      (r) => r.path === '/v1/messages' && r.last_user_text.startsWith(`SPEC ${specId} · phase`),
    );
    expect(asked.map((r) => /phase (\d)\/4/.exec(r.last_user_text)?.[1])).toEqual(['1', '2', '3', '4']);
  });

  it('continues-as-new when its history passes rollover_history_events', async () => {
    const specId = uniqueId('SPEC-HIST');
    await env.baton.specs.start(bulkySpec(specId, 'Small history budget', 2), {
      settings: { rollover_history_events: 100 },
    });
    const result = await env.baton.specs.result(specId);
    expect(result.status).toBe('completed');
    expect(result.previous_runs.length).toBeGreaterThanOrEqual(1);
    const session = await env.baton.sessions.status(`spec-${specId}`);
    expect(session.rollovers.map((r) => r.reason)).toContain('history_events');
    expect(result.phases.every((p) => p.attempts === 1)).toBe(true);
  });
});
describe('debug', () => {
  it('dbg', async () => {
    const specId = uniqueId('SPEC-DBG');
    await env.baton.specs.start(bulkySpec(specId, 'Billing ledger [[reply_tokens=1000]]', 70), {
      model: 'baton-small-8k',
      min_tokens_available: 500,
      settings: { summarize_at_percent: 84, keep_recent_turns: 0 },
    });
    const result = await env.baton.specs.result(specId);
    const h = env.baton.temporal.workflow.getHandle(`spec-${specId}`);
    const session = await h.query(statusQuery);
    console.log('DBG', JSON.stringify(result.previous_runs), session.rollovers.length, JSON.stringify(result.phases.map(p=>[p.tokens,p.log])), session.tokens_used, session.compactions);
    for (const r of env.model.requests.filter(r=>r.path==='/v1/messages')) console.log('REQ', r.last_user_text.slice(0,40), JSON.stringify((r as any).usage ?? ''));
  });
});
