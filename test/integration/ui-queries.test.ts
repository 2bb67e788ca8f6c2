/**
 * The Temporal UI queries the README documents, run against the dev server: each one finds the
 * workflow it promises. The queries are read from the README itself, so a query added there
 * without a scenario here fails this file, and a changed one is tested as written.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SpecDefinition } from '../../src/domain/spec';
import { startTestEnvironment, type TestEnvironment } from '../support/test-environment';
import { uniqueId } from '../support/unique-id';
import { waitUntil } from '../support/wait-until';

let env: TestEnvironment;
beforeAll(async () => {
  env = await startTestEnvironment();
});
afterAll(async () => {
  await env?.teardown();
});

/** The README's "Useful queries in the UI's search box": `[query, what it is for]`. */
function documentedQueries(): [string, string][] {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const block = /Useful queries in the UI's search box[\s\S]*?```text\n([\s\S]*?)```/.exec(readme);
  if (!block) throw new Error("README.md has no block of 'Useful queries in the UI's search box'");
  return block[1]!
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [query, what = ''] = line.trim().split(/\s{2,}/);
      return [query!, what];
    });
}

/** The session id the README uses as an example; scenarios put their own in its place. */
const EXAMPLE_SESSION = 'sess_3f9c0a1b2c3d4e5f';

const spec = (spec_id: string): SpecDefinition => ({
  spec_id,
  title: 'Exports',
  requirements: ['export invoices as CSV'],
  acceptance_criteria: [],
});

/** What a scenario made: the query to run (the documented one, ids filled in) and what it must find. */
interface Found {
  query: string;
  workflowId: string;
  /** After the query found it: what else to check, and to tidy up. */
  after?: () => Promise<void>;
}

/** How many workflows `query` finds among those with id `workflowId`, once visibility shows it. */
async function waitForMatch(query: string, workflowId: string, expected: number): Promise<void> {
  await waitUntil(
    async () =>
      (await env.baton.temporal.workflow.count(`(${query}) AND WorkflowId = '${workflowId}'`)).count,
    (n) => n === expected,
    { what: `${expected} match of ${query} for ${workflowId}` },
  );
}

/** For each documented query, a scenario that makes a workflow it must find. */
const SCENARIOS: Record<string, (query: string) => Promise<Found>> = {
  "BatonKind = 'session' AND BatonContextPercent > 70": async (query) => {
    // Fill an 8k-token window past 70 % (the next turn would summarize at 75 %).
    const { session_id } = await env.baton.sessions.start({ task: 'fill up', model: 'baton-small-8k' });
    let status = await env.baton.sessions.status(session_id);
    for (let i = 1; status.position_percent <= 70 && i <= 20; i++) {
      await env.baton.sessions.send(session_id, `Part ${i}: ${'notes '.repeat(400)}`);
      status = await env.baton.sessions.status(session_id);
    }
    expect(status.position_percent).toBeGreaterThan(70);
    return { query, workflowId: session_id };
  },

  "BatonKind = 'spec' AND BatonPhase = 'awaiting_decision'": async (query) => {
    const specId = uniqueId('SPEC-UI-WAIT');
    env.model.injectFaults([{ kind: 'http', status: 400, match: `SPEC ${specId} · phase 2/4` }]);
    await env.baton.specs.start(spec(specId));
    const workflowId = `spec-${specId}`;
    return {
      query,
      workflowId,
      after: async () => {
        // Once decided, the SPEC is no longer waiting, and the query no longer finds it.
        await env.baton.specs.skip(specId);
        expect((await env.baton.specs.result(specId)).status).toBe('completed');
        await waitForMatch(query, workflowId, 0);
      },
    };
  },

  "BatonKind = 'spec' AND BatonPhase = 'awaiting_approval'": async (query) => {
    const specId = uniqueId('SPEC-UI-PLAN');
    await env.baton.specs.start(spec(specId), { approve: true });
    const workflowId = `spec-${specId}`;
    return {
      query,
      workflowId,
      after: async () => {
        // Once approved, the plan no longer waits, and the query no longer finds it.
        await env.baton.specs.approve(specId);
        expect((await env.baton.specs.result(specId)).status).toBe('completed');
        await waitForMatch(query, workflowId, 0);
      },
    };
  },

  [`BatonParent = '${EXAMPLE_SESSION}'`]: async (query) => {
    const parent = await env.baton.sessions.start({ task: 'parent' });
    const fork = await env.baton.sessions.fork(parent.session_id);
    return { query: query.replace(EXAMPLE_SESSION, parent.session_id), workflowId: fork.session_id };
  },

  "BatonModel = 'claude-haiku-4-5' AND BatonTokensUsed > 100000": async (query) => {
    const { session_id } = await env.baton.sessions.start({ task: 'read a lot', model: 'claude-haiku-4-5' });
    // One long read: more than 100,000 tokens of input in a 200,000-token window.
    const reply = await env.baton.sessions.send(session_id, `Read this: ${'page '.repeat(101_000)}`);
    // Input of every kind: with prompt caching most of it is written to the cache.
    const u = reply.usage;
    expect(u.input_tokens + u.cache_creation_input_tokens + u.cache_read_input_tokens).toBeGreaterThan(
      100_000,
    );
    return { query, workflowId: session_id };
  },

  "BatonKind = 'handoff' AND ExecutionStatus = 'Running'": async (query) => {
    // The first agent's model call hangs, so the handoff is still running when the query runs.
    env.model.injectFaults([{ kind: 'hang' }]);
    const started = await env.baton.handoffs.run({ spec: spec(uniqueId('SPEC-UI-RUN')), wait: false });
    return {
      query,
      workflowId: started.handoff_id,
      after: async () => {
        await env.baton.temporal.workflow.getHandle(started.handoff_id).terminate('the query found it');
        await waitForMatch(query, started.handoff_id, 0);
      },
    };
  },
};

describe("the README's Temporal UI queries", () => {
  const cases = documentedQueries().map(([query, what]) => [what ? `${query} (${what})` : query, query]);
  it.each(cases)('%s finds what it promises', async (_title, query) => {
    const scenario = SCENARIOS[query];
    if (!scenario) {
      throw new Error(`The README documents ${query}, but no scenario here tests it: add one to SCENARIOS.`);
    }
    const found = await scenario(query);
    await waitForMatch(found.query, found.workflowId, 1);
    await found.after?.();
  });
});
