import { describe, expect, it } from 'vitest';
import {
  agentSessionId,
  handoffWorkflowId,
  type HandoffInput,
  type ResolvedAgent,
} from '../../src/domain/handoff';
import { renderHandoffDetails } from '../../src/domain/handoff';
import { handoffPackageProblems } from '../../src/domain/handoff';
import {
  agentFloor,
  agentRequest,
  agentRunFrom,
  agentSessionInput,
  buildHandoffPackage,
  formatPackageProblems,
  handoffInputProblems,
  handoffTotals,
  plannedPackageProblems,
} from '../../src/domain/handoff';
import { hasDecisionLine } from '../../src/domain/session';
import { BUILTIN_MODELS } from '../../src/domain/models';
import type { SessionStatus } from '../../src/domain/session';
import { sessionIdProblem } from '../../src/domain/session';
import { closedAgentStatus } from '../support/agent-status';

const small = BUILTIN_MODELS.find((m) => m.id === 'baton-small-8k')!;
const sonnet = BUILTIN_MODELS.find((m) => m.id === 'claude-sonnet-4-6')!;
const spec = {
  spec_id: 'SPEC-7',
  title: 'Rate limiter',
  requirements: ['burst of 10'],
  acceptance_criteria: [],
};
const agentA: ResolvedAgent = {
  name: 'planner',
  role_prompt: 'You plan.',
  work_message: 'Write the plan.',
  model: sonnet,
};
const agentB: ResolvedAgent = {
  name: 'builder',
  role_prompt: 'You build.',
  work_message: 'Build it.',
  model: small,
};
const input: HandoffInput = { spec, agents: [agentA, agentB], min_tokens_available: 5_000 };

const status = (over: Partial<SessionStatus> = {}): SessionStatus =>
  closedAgentStatus(agentSessionId('SPEC-7', 1, 'planner'), 'The plan.', over);

describe('ids', () => {
  it('derive from the SPEC id and are valid session ids', () => {
    expect(handoffWorkflowId('SPEC-7')).toBe('handoff-SPEC-7');
    expect(agentSessionId('SPEC-7', 2, 'builder')).toBe('handoff-SPEC-7-2-builder');
    // The longest SPEC id and agent name still make a valid session id.
    expect(sessionIdProblem(agentSessionId(`S${'x'.repeat(63)}`, 20, 'a'.repeat(40)))).toBeUndefined();
  });
});

describe('handoffInputProblems', () => {
  it('accepts a valid input', () => {
    expect(handoffInputProblems(input)).toEqual([]);
  });

  it('names the SPEC, agent and floor fields that are wrong', () => {
    expect(handoffInputProblems({ ...input, spec: { ...spec, title: '' } })).toEqual([
      { field: 'spec.title', message: 'must be a non-empty string' },
    ]);
    expect(handoffInputProblems({ ...input, agents: [] }).map((p) => p.field)).toEqual(['agents']);
    expect(
      handoffInputProblems({ ...input, agents: [agentA, { ...agentB, role_prompt: ' ' }] }).map(
        (p) => p.field,
      ),
    ).toEqual(['agents[1].role_prompt']);
    expect(handoffInputProblems({ ...input, min_tokens_available: -1 }).map((p) => p.field)).toEqual([
      'min_tokens_available',
    ]);
    expect(
      handoffInputProblems({
        ...input,
        agents: [{ ...agentA, model: 'claude' as unknown as typeof sonnet }],
      }).map((p) => p.field),
    ).toEqual(['agents[0].model']);
    expect(handoffInputProblems(null)).toEqual([{ field: 'input', message: 'must be an object, got null' }]);
  });

  it('refuses a floor the model can never meet, naming where the floor came from', () => {
    const [run] = handoffInputProblems({ ...input, min_tokens_available: 8_000 });
    expect(run).toMatchObject({ field: 'min_tokens_available' });
    expect(run!.message).toMatch(/8,000 tokens can never be met by baton-small-8k/);
    const own = handoffInputProblems({
      ...input,
      agents: [agentA, { ...agentB, min_tokens_available: 9_000 }],
    });
    expect(own.map((p) => p.field)).toEqual(['agents[1].min_tokens_available']);
  });

  it('takes an agent floor from the agent, then the run, then the default', () => {
    expect(agentFloor(input, agentA)).toBe(5_000);
    expect(agentFloor(input, { ...agentA, min_tokens_available: 10 })).toBe(10);
    expect(agentFloor({}, agentA)).toBe(30_000);
  });
});

describe('plannedPackageProblems', () => {
  it('finds an agent that would hand work to itself before anything runs', () => {
    const problems = plannedPackageProblems({ ...input, agents: [agentA, agentA] });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({
      handoff: 1,
      from_agent: 'planner',
      to_agent: 'planner',
      field: 'to_agent',
    });
    expect(formatPackageProblems(problems)).toMatch(
      /^handoff 1 \(planner → planner\): to_agent: must differ/,
    );
    expect(plannedPackageProblems(input)).toEqual([]);
  });
});

describe('buildHandoffPackage', () => {
  it('describes the sender session and checkpoints its final head', () => {
    const pkg = buildHandoffPackage({
      package_id: 'pkg_1',
      checkpoint_id: 'cp_1',
      created_at: '2026-01-01T00:00:00.000Z',
      spec,
      from: 'planner',
      to: 'builder',
      to_index: 2,
      sender: status(),
    });
    expect(handoffPackageProblems(pkg)).toEqual([]);
    expect(pkg.session_context).toEqual({
      session_id: 'handoff-SPEC-7-1-planner',
      model: 'claude-sonnet-4-6',
      tokens_available: 198_000,
      context_position: 1,
    });
    expect(pkg.task_context.current_phase).toBe('2-builder');
    expect(pkg.last_checkpoint).toEqual({
      checkpoint_id: 'cp_1',
      name: 'handoff_1_planner',
      head: 'b'.repeat(64),
    });
  });
});

describe('agent session input', () => {
  it('starts the first agent on the SPEC and each next one at the sender head', () => {
    const first = agentSessionInput({
      spec,
      chain: ['planner', 'builder'],
      index: 1,
      agent: agentA,
      floor: 5_000,
    });
    expect(first).toMatchObject({
      session_id: 'handoff-SPEC-7-1-planner',
      model: sonnet,
      system: 'You plan.',
      task: expect.stringContaining('SPEC SPEC-7: Rate limiter') as string,
      script: { min_tokens_available: 5_000, close_when_done: true },
    });
    expect(first.head).toBeUndefined();
    expect(first.mcp_servers).toBeUndefined();
    const withTools = agentSessionInput({
      spec,
      chain: ['planner'],
      index: 1,
      agent: { ...agentA, mcp_servers: ['filesystem', 'memory', 'filesystem'] },
      floor: 0,
    });
    expect(withTools.mcp_servers).toEqual(['filesystem', 'memory']);
    expect(first.settings.keep_recent_turns).toBe(0);

    const pkg = buildHandoffPackage({
      package_id: 'pkg_1',
      checkpoint_id: 'cp_1',
      created_at: '2026-01-01T00:00:00.000Z',
      spec,
      from: 'planner',
      to: 'builder',
      to_index: 2,
      sender: status(),
    });
    const second = agentSessionInput({
      spec,
      chain: ['planner', 'builder'],
      index: 2,
      agent: agentB,
      floor: 7_000,
      package: pkg,
    });
    expect(second.head).toBe('b'.repeat(64));
    expect(second.task).toBeUndefined();
    expect(second.script!.messages[0]).toContain('Handoff package pkg_1: planner → builder');
  });

  it('asks with an Objective line, so compaction keeps every request verbatim', () => {
    const text = agentRequest({ spec, chain: ['planner', 'builder'], index: 1, agent: agentA });
    expect(text).toContain(
      'You are planner, agent 1 of 2 in the handoff chain for SPEC SPEC-7: planner → builder.',
    );
    expect(text).toContain('Objective: Write the plan.');
    expect(hasDecisionLine(text)).toBe(true);
  });
});

describe('agent results', () => {
  it('reads tokens, cost, output and floor compactions from the final status', () => {
    const run = agentRunFrom({
      index: 1,
      agent: agentA,
      floor: 5_000,
      status: status({ floor_compactions: 1 }),
    });
    expect(run).toMatchObject({
      index: 1,
      agent: 'planner',
      session_id: 'handoff-SPEC-7-1-planner',
      tokens: 2_000,
      cost_usd: 0.012,
      output: 'The plan.',
      floor_compactions: 1,
      min_tokens_available: 5_000,
      mcp_servers: [],
    });
    expect(handoffTotals([run, { ...run, tokens: 1, cost_usd: 0.1, floor_compactions: 0 }])).toEqual({
      tokens: 2_001,
      cost_usd: 0.112,
      floor_compactions: 1,
    });
  });

  it('renders the chain for the Temporal UI', () => {
    const run = agentRunFrom({ index: 1, agent: agentA, floor: 5_000, status: status() });
    const text = renderHandoffDetails({
      handoff_id: 'handoff-SPEC-7',
      spec_id: 'SPEC-7',
      state: 'running',
      chain: ['planner', 'builder'],
      current: { index: 2, agent: 'builder', session_id: 'handoff-SPEC-7-2-builder' },
      agents: [run],
      packages: [],
      skipped: [],
      totals: handoffTotals([run]),
      started_at: '2026-01-01T00:00:00.000Z',
      completed_at: null,
    });
    expect(text).toContain('**running** · agent 2 of 2: builder');
    expect(text).toContain('✓ planner · `handoff-SPEC-7-1-planner` · 2,000 tokens · $0.0120');
    expect(text).toContain('▶ builder · `handoff-SPEC-7-2-builder`');
  });
});
