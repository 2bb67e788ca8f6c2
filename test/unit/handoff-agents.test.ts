import { describe, expect, it } from 'vitest';
import {
  agentCatalogProblems,
  agentDefinitionProblems,
  agentNameProblem,
  agentRequest,
  defaultWorkMessage,
  selectAgents,
} from '../../src/domain/handoff';
import { DEFAULT_AGENTS } from '../../src/domain/handoff';
import { BUILTIN_MODELS } from '../../src/domain/models';

const agent = { name: 'reviewer', role_prompt: 'You review code.' };

describe('agent names', () => {
  it.each(['spec-builder', 'doc_syncer', 'A1', 'x'.repeat(40)])('accepts %j', (name) => {
    expect(agentNameProblem(name)).toBeUndefined();
  });
  it.each(['', '1st', '-x', 'doc syncer', 'a/b', 'a.b', 'é', 'x'.repeat(41), 42, undefined])(
    'rejects %j',
    (name) => {
      expect(agentNameProblem(name)).toMatch(/must be/);
    },
  );
});

describe('agentDefinitionProblems', () => {
  it('accepts a minimal and a full definition', () => {
    expect(agentDefinitionProblems(agent)).toEqual([]);
    expect(
      agentDefinitionProblems({
        ...agent,
        work_message: 'Review it.',
        model: 'claude-haiku-4-5',
        min_tokens_available: 0,
        mcp_servers: ['filesystem', 'memory'],
      }),
    ).toEqual([]);
  });

  it.each([
    ['name', ''],
    ['name', 'has space'],
    ['role_prompt', undefined],
    ['role_prompt', '  '],
    ['role_prompt', 'x'.repeat(20_001)],
    ['work_message', ''],
    ['work_message', 7],
    ['model', ''],
    ['model', 'bad model'],
    ['min_tokens_available', -1],
    ['min_tokens_available', 2.5],
    ['min_tokens_available', '1000'],
    ['mcp_servers', 'filesystem'],
    ['mcp_servers[0]', ['has space']],
    ['mcp_servers[1]', ['ok', 'a__b']],
    ['role_promt', 'typo'],
  ])('names %s', (field, value) => {
    const key = field.replace(/\[\d+\]$/, '');
    const problems = agentDefinitionProblems({ ...agent, [key]: value }, 'agents[2]');
    expect(problems.map((p) => p.field)).toContain(`agents[2].${field}`);
  });

  it('rejects what is not an object', () => {
    expect(agentDefinitionProblems('reviewer', 'agents[0]')).toEqual([
      { field: 'agents[0]', message: 'must be an object, got "reviewer"' },
    ]);
  });
});

describe('agentCatalogProblems', () => {
  it('needs a non-empty array of valid, uniquely named agents', () => {
    expect(agentCatalogProblems([agent])).toEqual([]);
    expect(agentCatalogProblems({})).toEqual([
      { field: 'agents', message: 'must be a JSON array of agent definitions' },
    ]);
    expect(agentCatalogProblems([])).toEqual([
      { field: 'agents', message: 'must define at least one agent' },
    ]);
    expect(
      agentCatalogProblems([agent, { ...agent, name: 'other', role_prompt: '' }]).map((p) => p.field),
    ).toEqual(['agents[1].role_prompt']);
    expect(agentCatalogProblems([agent, agent])).toEqual([
      { field: 'agents[1].name', message: "'reviewer' is already defined by agents[0]" },
    ]);
  });
});

describe('the default agents', () => {
  it('are a valid catalog', () => {
    expect(agentCatalogProblems(DEFAULT_AGENTS)).toEqual([]);
  });

  it('each ask, in the request its session sends, for its artifact as an Objective line', () => {
    const sonnet = BUILTIN_MODELS.find((m) => m.id === 'claude-sonnet-4-6')!;
    const spec = {
      spec_id: 'SPEC-7',
      title: 'Rate limiter',
      requirements: ['burst of 10'],
      acceptance_criteria: [],
    };
    const chain = DEFAULT_AGENTS.map((a) => a.name);
    const asks = DEFAULT_AGENTS.map((a, i) =>
      agentRequest({
        spec,
        chain,
        index: i + 1,
        agent: { ...a, work_message: a.work_message!, model: sonnet },
      }),
    );
    expect(asks[0]).toMatch(/^Objective: .*refined SPEC/m);
    expect(asks[1]).toMatch(/^Objective: .*test plan and the implementation notes/m);
    expect(asks[2]).toMatch(/^Objective: .*documentation updates/m);
    // No default agent names a model: each runs on the run's.
    for (const a of DEFAULT_AGENTS) expect(a.model).toBeUndefined();
  });
});

describe('selectAgents', () => {
  it('picks agents by name in the order given and lists the unknown ones', () => {
    const picked = selectAgents(DEFAULT_AGENTS, ['doc-syncer', 'spec-builder', 'nobody']);
    expect(picked.agents.map((a) => a.name)).toEqual(['doc-syncer', 'spec-builder']);
    expect(picked.unknown).toEqual(['nobody']);
  });

  it('gives an agent without a work message a generic one', () => {
    expect(defaultWorkMessage('reviewer')).toMatch(/^As reviewer, do your part/);
  });
});
