import { describe, expect, it } from 'vitest';
import {
  agentCatalogProblems,
  agentDefinitionProblems,
  agentNameProblem,
  defaultWorkMessage,
  selectAgents,
} from '../../src/domain/handoff';
import { DEFAULT_AGENTS } from '../../src/domain/handoff';

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
  it('are a valid chain: spec-builder → tdd-implementer → doc-syncer', () => {
    expect(agentCatalogProblems(DEFAULT_AGENTS)).toEqual([]);
    expect(DEFAULT_AGENTS.map((a) => a.name)).toEqual(['spec-builder', 'tdd-implementer', 'doc-syncer']);
  });

  it('each ask for their artifact', () => {
    const [builder, implementer, syncer] = DEFAULT_AGENTS;
    expect(builder!.work_message).toMatch(/refined SPEC/);
    expect(implementer!.work_message).toMatch(/test plan and the implementation notes/);
    expect(syncer!.work_message).toMatch(/documentation updates/);
    for (const a of DEFAULT_AGENTS) expect(a.model).toBeUndefined(); // they use the run's model
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
