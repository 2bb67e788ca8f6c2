import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowFailedError, WorkflowNotFoundError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import {
  HandoffExistsError,
  HandoffFailedError,
  InvalidInputError,
  type AgentDefinition,
  type HandoffInput,
  type HandoffStatus,
} from '../../src/client';
import { cumulativeTokens } from '../../src/domain/session';
import { HandoffFailureType, handoffStatusQuery } from '../../src/domain/handoff';
import { handoffPackageProblems } from '../../src/domain/handoff';
import { BUILTIN_MODELS } from '../../src/domain/models';
import type { handoffWorkflow } from '../../src/workflows';
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

const spec = (spec_id: string) => ({
  spec_id,
  title: 'User authentication',
  requirements: ['login', 'registration', 'password_reset'],
  acceptance_criteria: ['a wrong password is refused'],
});

describe('a three-agent handoff', () => {
  it('runs spec-builder → tdd-implementer → doc-syncer as child sessions and hands valid packages on', async () => {
    const specH1 = uniqueId('SPEC-H1');
    const progress: HandoffStatus[] = [];
    const result = await env.baton.handoffs.run({
      spec: spec(specH1),
      onProgress: (s) => progress.push(s),
    });

    expect(result).toMatchObject({ handoff_id: `handoff-${specH1}`, spec_id: specH1, state: 'completed' });
    expect(result.chain).toEqual(['spec-builder', 'tdd-implementer', 'doc-syncer']);
    expect(result.ui_url).toContain(`/workflows/handoff-${specH1}/`);
    expect(result.agents.map((a) => a.session_id)).toEqual([
      `handoff-${specH1}-1-spec-builder`,
      `handoff-${specH1}-2-tdd-implementer`,
      `handoff-${specH1}-3-doc-syncer`,
    ]);
    // Progress was reported while the chain ran, and ended with the result.
    expect(progress.some((s) => s.state === 'running' && s.current !== null)).toBe(true);
    expect(progress.at(-1)?.state).toBe('completed');

    // Per-agent tokens and cost are the child sessions' own totals.
    for (const run of result.agents) {
      const child = await env.baton.sessions.status(run.session_id);
      expect(child.status).toBe('closed');
      expect(child.execution_status).toBe('COMPLETED');
      expect(child.model).toBe('claude-sonnet-4-6');
      expect(run.tokens).toBe(cumulativeTokens(child.cumulative));
      expect(run.tokens).toBeGreaterThan(0);
      expect(run.cost_usd).toBeCloseTo(child.cumulative.cost_usd, 9);
      expect(run.cost_usd).toBeGreaterThan(0);
      expect(run.output).toBe(child.script_outputs![0]!.reply);
      // The offline model quotes the request: each agent was asked as itself.
      expect(run.output).toContain(`You are ${run.agent}, agent ${run.index} of 3`);
      expect(run.floor_compactions).toBe(0);
      expect(run.tokens_available).toBe(child.tokens_available);
      // Its prompt cache, as its session reports it.
      expect(run.cache).toMatchObject({
        read_tokens: child.cumulative.cache_read_input_tokens,
        write_tokens: child.cumulative.cache_creation_input_tokens,
        uncached_tokens: child.cumulative.input_tokens,
        hit_rate: child.cache!.hit_rate,
      });
    }
    expect(result.totals.tokens).toBe(result.agents.reduce((s, a) => s + a.tokens, 0));
    expect(result.totals.cost_usd).toBeCloseTo(
      result.agents.reduce((s, a) => s + a.cost_usd, 0),
      9,
    );

    // Two packages, each valid, each describing the sender's final session.
    expect(result.packages).toHaveLength(2);
    for (const [i, pkg] of result.packages.entries()) {
      const sender = result.agents[i]!;
      const receiver = result.agents[i + 1]!;
      expect(handoffPackageProblems(pkg)).toEqual([]);
      expect(pkg).toMatchObject({
        from_agent: sender.agent,
        to_agent: receiver.agent,
        session_context: {
          session_id: sender.session_id,
          model: 'claude-sonnet-4-6',
          tokens_available: sender.tokens_available,
          context_position: sender.position_percent,
        },
        task_context: {
          spec_id: specH1,
          spec: spec(specH1),
          current_phase: `${i + 2}-${receiver.agent}`,
        },
        last_checkpoint: { name: `handoff_${i + 1}_${sender.agent}`, head: sender.head },
      });
      // The receiver started at the sender's final head: its conversation contains the sender's.
      const path = await env.store.path(receiver.head!);
      expect(path.map((node) => node.id)).toContain(sender.head);
    }

    // The children are linked to the handoff by a search attribute.
    const children = await waitUntil(
      () => env.baton.sessions.list({ query: `BatonParent = 'handoff-${specH1}'` }),
      (rows) => rows.length === 3,
    );
    expect(children.map((c) => c.session_id).sort()).toEqual(result.agents.map((a) => a.session_id).sort());
    const parent = await waitUntil(
      async () => {
        const rows = [];
        for await (const wf of env.baton.temporal.workflow.list({
          query: `BatonKind = 'handoff' AND BatonPhase = 'completed' AND WorkflowId = 'handoff-${specH1}'`,
        })) {
          rows.push(wf);
        }
        return rows;
      },
      (rows) => rows.length === 1,
    );
    expect(parent).toHaveLength(1);

    // status reads the same result once it completed.
    const status = await env.baton.handoffs.status(specH1);
    expect(status).toMatchObject({
      handoff_id: `handoff-${specH1}`,
      state: 'completed',
      execution_status: 'COMPLETED',
    });
    expect(status.agents).toEqual(result.agents);

    // One handoff per SPEC id.
    await expect(env.baton.handoffs.run({ spec: spec(specH1) })).rejects.toThrow(HandoffExistsError);
  });
});

describe('the floor', () => {
  const small = 'baton-small-8k';
  const definitions: AgentDefinition[] = [
    {
      name: 'writer',
      role_prompt: 'You write long drafts.',
      // About 1,000 tokens of output: the next agent inherits ~1,300 of the 8,000-token window.
      work_message: 'Write the full draft. [[reply_tokens=1000]]',
    },
    { name: 'reader', role_prompt: 'You read drafts.', work_message: 'Summarize the draft in one line.' },
  ];

  it('compacts a receiving agent below the floor before it starts', async () => {
    const specFloor = uniqueId('SPEC-FLOOR');
    const result = await env.baton.handoffs.run({
      spec: spec(specFloor),
      definitions,
      model: small,
      min_tokens_available: 7_000,
    });
    const [writer, reader] = result.agents;
    // The writer started with only the SPEC: above the floor, nothing to do.
    expect(writer!.floor_compactions).toBe(0);
    expect(writer!.tokens_available).toBeLessThan(7_000);
    expect(result.packages[0]!.session_context.tokens_available).toBe(writer!.tokens_available);

    // The reader inherited the writer's context, was below the floor, and compacted first.
    expect(reader!.floor_compactions).toBe(1);
    expect(result.totals.floor_compactions).toBe(1);
    const child = await env.baton.sessions.status(reader!.session_id);
    expect(child.floor_compactions).toBe(1);
    expect(child.compactions).toBeGreaterThanOrEqual(1);
    const compaction = child.last_compaction!;
    expect(compaction).toMatchObject({ trigger: 'handoff', status: 'committed' });
    expect(8_000 - compaction.tokens_after).toBeGreaterThanOrEqual(7_000);
    expect(compaction.tokens_before).toBeGreaterThan(1_000);
    // The compacted context still holds the SPEC and the writer's request verbatim.
    const path = await env.store.path(compaction.head_after!);
    const texts = path.map((n) => n.content.map((b) => (b.type === 'text' ? b.text : '')).join(''));
    expect(texts.some((t) => t.includes(`SPEC ${specFloor}: User authentication`))).toBe(true);
    expect(texts.some((t) => t.includes('Objective: Write the full draft.'))).toBe(true);
    expect(texts.some((t) => t.startsWith('[Summary of the earlier conversation'))).toBe(true);
  });
});

describe('invalid handoffs', () => {
  const a = BUILTIN_MODELS.find((m) => m.id === 'claude-haiku-4-5')!;
  const agent = { name: 'solo', role_prompt: 'You work alone.', work_message: 'Do it.', model: a };

  it('refuses, before starting, a chain whose agent would hand work to itself', async () => {
    const specSelf = uniqueId('SPEC-SELF');
    const err = await env.baton.handoffs
      .run({ spec: spec(specSelf), agents: ['spec-builder', 'spec-builder'] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as Error).message).toMatch(
      /handoff 1 \(spec-builder → spec-builder\): to_agent: must differ from from_agent/,
    );
    await expect(env.baton.handoffs.status(specSelf)).rejects.toThrow(`No handoff 'handoff-${specSelf}'`);
  });

  it('names the agent field that is wrong, and unknown agents and models', async () => {
    const specBad = uniqueId('SPEC-BAD');
    await expect(
      env.baton.handoffs.run({ spec: spec(specBad), definitions: [{ name: 'x', role_prompt: '' }] }),
    ).rejects.toThrow(/definitions\[0\]\.role_prompt: must be a non-empty string/);
    await expect(
      env.baton.handoffs.run({ spec: spec(specBad), agents: ['spec-builder', 'nobody'] }),
    ).rejects.toThrow(
      "Unknown agent 'nobody'. Known agents (defaults): spec-builder, tdd-implementer, doc-syncer.",
    );
    await expect(env.baton.handoffs.run({ spec: spec(specBad), model: 'gpt-x' })).rejects.toThrow(
      /Unknown model 'gpt-x'/,
    );
    await expect(env.baton.handoffs.run({ spec: { ...spec(specBad), requirements: [] } })).rejects.toThrow(
      /Invalid SPEC: requirements must be a non-empty list/,
    );
  });

  it('fails the workflow with InvalidHandoffPackage naming the field, before any agent runs', async () => {
    const specWfSelf = uniqueId('SPEC-WF-SELF');
    // Straight to Temporal, past the client's checks: the workflow validates packages itself.
    const input: HandoffInput = { spec: spec(specWfSelf), agents: [agent, agent] };
    const handle = await env.baton.temporal.workflow.start<typeof handoffWorkflow>('handoffWorkflow', {
      workflowId: `handoff-${specWfSelf}`,
      taskQueue: env.taskQueue,
      args: [input],
    });
    const failure = await handle.result().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    const cause = (failure as WorkflowFailedError).cause as ApplicationFailure;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect(cause.type).toBe(HandoffFailureType.InvalidHandoffPackage);
    expect(cause.message).toMatch(
      /handoff 1 \(solo → solo\): to_agent: must differ from from_agent \('solo'\)/,
    );
    // No agent ran.
    await expect(
      env.baton.temporal.workflow.getHandle(`handoff-${specWfSelf}-1-solo`).describe(),
    ).rejects.toThrow(WorkflowNotFoundError);
    // The failed run still answers its status query, and the client reports the failure.
    const status = await handle.query(handoffStatusQuery);
    expect(status).toMatchObject({ state: 'failed', error: { type: 'InvalidHandoffPackage' } });
    const reported = await env.baton.handoffs.result(`handoff-${specWfSelf}`).catch((e: unknown) => e);
    expect(reported).toBeInstanceOf(HandoffFailedError);
    expect((reported as HandoffFailedError).type).toBe('InvalidHandoffPackage');
  });

  it('fails the workflow with InvalidHandoffInput naming an invalid agent field', async () => {
    const specWfBad = uniqueId('SPEC-WF-BAD');
    const input: HandoffInput = { spec: spec(specWfBad), agents: [{ ...agent, role_prompt: '' }] };
    const handle = await env.baton.temporal.workflow.start<typeof handoffWorkflow>('handoffWorkflow', {
      workflowId: `handoff-${specWfBad}`,
      taskQueue: env.taskQueue,
      args: [input],
    });
    const failure = (await handle.result().catch((e: unknown) => e)) as WorkflowFailedError;
    const cause = failure.cause as ApplicationFailure;
    expect(cause.type).toBe(HandoffFailureType.InvalidHandoffInput);
    expect(cause.message).toMatch(/agents\[0\]\.role_prompt: must be a non-empty string/);
  });

  it('fails with AgentFailed, naming the agent, when an agent fails and nobody decides in time', async () => {
    const specId = uniqueId('SPEC-FAIL');
    const pill = `poison-${specId}`;
    env.model.injectFaults([{ kind: 'http', status: 400, message: 'messages: bad block', match: pill }]);
    const definitions: AgentDefinition[] = [
      { name: 'first', role_prompt: 'You start.', work_message: 'Start.' },
      { name: 'second', role_prompt: 'You fail.', work_message: `Swallow the ${pill}.` },
    ];
    const err = await env.baton.handoffs
      .run({ spec: spec(specId), definitions, decision_timeout: '1s' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HandoffFailedError);
    expect((err as HandoffFailedError).type).toBe('AgentFailed');
    expect((err as Error).message).toMatch(
      new RegExp(
        `Agent second \\(session handoff-${specId}-2-second\\) failed: .*400.*No retry, skip or abort came within 1 s`,
      ),
    );
    const status = await env.baton.handoffs.status(`handoff-${specId}`);
    expect(status).toMatchObject({ state: 'failed', execution_status: 'FAILED' });
    expect(status.agents.map((a) => a.agent)).toEqual(['first']);
    expect(status.packages).toHaveLength(1);

    // A failed handoff runs again under the same id; the agents' session ids are reused.
    const again = await env.baton.handoffs.run({ spec: spec(specId), definitions });
    expect(again.state).toBe('completed');
    expect(again.agents.map((a) => a.session_id)).toEqual([
      `handoff-${specId}-1-first`,
      `handoff-${specId}-2-second`,
    ]);
    // A completed one is not run twice.
    await expect(env.baton.handoffs.run({ spec: spec(specId), definitions })).rejects.toThrow(
      /is running or has completed: only a failed one can be run again/,
    );
  });

  it('waits for a decision when an agent fails: retry with guidance, skip or abort', async () => {
    const definitions = (pill: string): AgentDefinition[] => [
      { name: 'first', role_prompt: 'You start.', work_message: 'Start.' },
      { name: 'second', role_prompt: 'You may fail.', work_message: `Handle the ${pill}.` },
      { name: 'third', role_prompt: 'You finish.', work_message: 'Finish.' },
    ];
    const waiting = async (id: string) => {
      await expect
        .poll(async () => (await env.baton.handoffs.status(id)).state, { timeout: 20_000 })
        .toBe('awaiting_decision');
      return env.baton.handoffs.status(id);
    };

    // Retry: the agent runs again with the guidance and the chain completes.
    const retryId = uniqueId('SPEC-HRETRY');
    env.model.injectFaults([
      { kind: 'http', status: 400, message: 'refused once', match: `pill-${retryId}` },
    ]);
    await env.baton.handoffs.run({
      spec: spec(retryId),
      definitions: definitions(`pill-${retryId}`),
      wait: false,
    });
    const failed = await waiting(retryId);
    expect(failed.failure).toMatchObject({ index: 2, agent: 'second', choices: ['retry', 'skip', 'abort'] });
    expect(failed.failure?.error).toMatch(/refused once/);
    await expect(env.baton.handoffs.skip(uniqueId('SPEC-NONE'))).rejects.toThrow(/No handoff/);
    await env.baton.handoffs.retry(retryId, 'be brief');
    const retried = await env.baton.handoffs.result(retryId);
    expect(retried.state).toBe('completed');
    expect(retried.agents.map((a) => a.agent)).toEqual(['first', 'second', 'third']);
    const guided = env.model.requests.filter((r) => r.last_user_text.includes(`pill-${retryId}`)).at(-1);
    expect(guided?.last_user_text).toContain('Guidance for this attempt: be brief');
    await expect(env.baton.handoffs.retry(retryId)).rejects.toThrow(/not waiting for a decision/);

    // Skip: the third agent takes the first agent's package.
    const skipId = uniqueId('SPEC-HSKIP');
    env.model.injectFaults([{ kind: 'http', status: 400, match: `pill-${skipId}` }]);
    await env.baton.handoffs.run({
      spec: spec(skipId),
      definitions: definitions(`pill-${skipId}`),
      wait: false,
    });
    await waiting(skipId);
    await env.baton.handoffs.skip(skipId);
    const skipped = await env.baton.handoffs.result(skipId);
    expect(skipped.state).toBe('completed');
    expect(skipped.skipped).toEqual([{ index: 2, agent: 'second' }]);
    expect(skipped.agents.map((a) => a.agent)).toEqual(['first', 'third']);
    expect(skipped.packages.map((p) => [p.from_agent, p.to_agent])).toEqual([
      ['first', 'second'],
      ['first', 'third'],
    ]);

    // Abort: the chain stops; its result lists what finished.
    const abortId = uniqueId('SPEC-HABORT');
    env.model.injectFaults([{ kind: 'http', status: 400, match: `pill-${abortId}` }]);
    await env.baton.handoffs.run({
      spec: spec(abortId),
      definitions: definitions(`pill-${abortId}`),
      wait: false,
    });
    await waiting(abortId);
    await env.baton.handoffs.abort(abortId);
    const aborted = await env.baton.handoffs.result(abortId);
    expect(aborted.state).toBe('aborted');
    expect(aborted.agents.map((a) => a.agent)).toEqual(['first']);
  });
});
