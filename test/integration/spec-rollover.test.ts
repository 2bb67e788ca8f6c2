import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SpecDefinition } from '../../src/domain/spec';
import { checkpointsQuery, statusQuery } from '../../src/domain/session';
import { startTestEnvironment, type TestEnvironment } from '../support/test-environment';
import { uniqueId } from '../support/unique-id';

let env: TestEnvironment;
beforeAll(async () => {
  env = await startTestEnvironment();
});
afterAll(async () => {
  await env?.teardown();
});

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
    const handle = env.baton.temporal.workflow.getHandle(`spec-${specId}`);
    const session = await handle.query(statusQuery);
    expect(session.rollovers.length).toBe(result.previous_runs.length);
    expect(session.rollovers[0]?.reason).toBe('context_fill');
    const checkpoints = await handle.query(checkpointsQuery);
    const phaseCheckpoints = checkpoints.filter((c) => c.reason === 'phase');
    expect(phaseCheckpoints.map((c) => c.name)).toEqual(result.checkpoints);
    expect(new Set(phaseCheckpoints.map((c) => c.run_id)).size).toBeGreaterThanOrEqual(2);
    // Each phase was asked once (a phase request ends with its message; summarizer calls quote it
    // in a transcript): a rollover never repeats a finished phase.
    const phaseRequest = new RegExp(`SPEC ${specId} · phase (\\d)/4[^\\n]*\\n\\n[^\\n]*$`);
    const asked = env.model.requests
      .filter((r) => r.path === '/v1/messages')
      .map((r) => phaseRequest.exec(r.last_user_text)?.[1])
      .filter((n) => n !== undefined);
    expect(asked).toEqual(['1', '2', '3', '4']);
  });

  it('continues-as-new when its history passes rollover_history_events', async () => {
    const specId = uniqueId('SPEC-HIST');
    await env.baton.specs.start(bulkySpec(specId, 'Small history budget', 2), {
      settings: { rollover_history_events: 30 },
    });
    const result = await env.baton.specs.result(specId);
    expect(result.status).toBe('completed');
    expect(result.previous_runs.length).toBeGreaterThanOrEqual(1);
    expect(result.checkpoints).toHaveLength(8);
    const session = await env.baton.temporal.workflow.getHandle(`spec-${specId}`).query(statusQuery);
    expect(session.rollovers.map((r) => r.reason)).toContain('history_events');
    expect(result.phases.every((p) => p.attempts === 1)).toBe(true);
  });
});
