/**
 * Decisions written the way people and Claude write them survive compaction verbatim: every
 * markdown form, in user messages and in the model's replies, through ten compactions in an
 * 8,000-token window. The offline model's summaries keep none of them, so every one that is
 * still there was checked for and put back after a summary dropped it.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { textOf } from '../../src/domain/session';
import { startTestEnvironment, type TestEnvironment } from '../support/test-environment';

let env: TestEnvironment;
beforeAll(async () => {
  env = await startTestEnvironment();
});
afterAll(async () => {
  await env?.teardown();
});

/** Every form, once as the user writes it and once as the model states it. */
const forms = (who: string) => [
  `**Decision:** ${who} keeps invoices in PostgreSQL`,
  `- **Requirement**: ${who} answers within 50 ms at p99`,
  `### Constraint: ${who} adds no new services this quarter`,
  `1. Decision: ${who} uses one schema per tenant`,
  `Decision 1: ${who} bills in arrears`,
  `* __Preference__: ${who} prefers tabs over spaces`,
  `> **Goal:** ${who} ships in May`,
  `Objective #2: ${who} halves the storage cost`,
];
const USER = forms('the user');
const MODEL = forms('the model');

it(
  'keeps every decision form verbatim through ten compactions, for user and assistant messages',
  { timeout: 300_000 },
  async () => {
    const { session_id } = await env.baton.sessions.start({
      task: 'Plan the storage layer of the billing service.',
      model: 'baton-small-8k',
      settings: { keep_recent_turns: 1 },
    });
    for (const line of USER) {
      await env.baton.sessions.send(session_id, `Here is what we settled on.\n${line}\nPlease note it.`);
    }
    for (const line of MODEL) {
      const reply = await env.baton.sessions.send(
        session_id,
        `State the next point we agreed. [[say=${line}]]`,
      );
      expect(reply.reply.split('\n').at(-1)).toBe(line);
    }

    let restored = 0;
    let compactions = 0;
    for (let i = 1; compactions < 10; i++) {
      expect(i, 'ten compactions should take far fewer turns').toBeLessThan(250);
      await env.baton.sessions.send(session_id, `Step ${i}: refine the plan. [[reply_tokens=400]]`);
      const status = await env.baton.sessions.status(session_id);
      if (status.compactions > compactions && status.last_compaction?.status === 'committed') {
        restored += status.last_compaction.decisions_restored ?? 0;
      }
      compactions = status.compactions;
    }

    const status = await env.baton.sessions.status(session_id);
    const path = await env.store.path(status.head!);
    const lines = path.flatMap((n) => textOf(n.content).split('\n')).map((l) => l.trim());
    const missing = [...USER, ...MODEL].filter((line) => !lines.includes(line));
    console.log(
      `decision forms: ${status.compactions} compactions, ${status.rollovers.length} rollovers, ` +
        `${restored} decision lines put back after summaries dropped them; missing: ${missing.length}`,
    );
    expect(missing).toEqual([]);
    // The model's decisions were summarized away every time and put back every time.
    expect(restored).toBeGreaterThanOrEqual(MODEL.length);
    expect(status.last_compaction?.decisions_carried).toBeGreaterThanOrEqual(MODEL.length);
  },
);
