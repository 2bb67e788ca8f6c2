import { describe, expect, it } from 'vitest';
import { handoffPackageProblems, renderHandoffPackage, type HandoffPackage } from '../../src/domain/handoff';
import { formatProblems } from '../../src/domain/handoff';

const valid: HandoffPackage = {
  package_id: 'pkg_0123456789abcdef',
  from_agent: 'spec-builder',
  to_agent: 'tdd-implementer',
  session_context: {
    session_id: 'handoff-SPEC-001-1-spec-builder',
    model: 'claude-sonnet-4-6',
    tokens_available: 198_000,
    context_position: 1,
  },
  task_context: {
    spec_id: 'SPEC-001',
    spec: {
      spec_id: 'SPEC-001',
      title: 'User authentication',
      requirements: ['login', 'registration'],
      acceptance_criteria: [],
    },
    current_phase: '2-tdd-implementer',
  },
  last_checkpoint: {
    checkpoint_id: 'cp_0123456789abcdef',
    name: 'handoff_1_spec-builder',
    head: 'a'.repeat(64),
  },
  created_at: '2026-01-31T12:00:00.000Z',
};

/** A copy of the valid package with one field (a dotted path) replaced. */
function withField(path: string, value: unknown): unknown {
  const copy = structuredClone(valid) as unknown as Record<string, unknown>;
  const keys = path.split('.');
  let target = copy;
  for (const key of keys.slice(0, -1)) target = target[key] as Record<string, unknown>;
  target[keys[keys.length - 1]!] = value;
  return copy;
}

function fieldsOf(value: unknown): string[] {
  return handoffPackageProblems(value).map((p) => p.field);
}

describe('handoffPackageProblems', () => {
  it('accepts a valid package, with or without a checkpoint', () => {
    expect(handoffPackageProblems(valid)).toEqual([]);
    expect(handoffPackageProblems({ ...valid, last_checkpoint: null })).toEqual([]);
    expect(handoffPackageProblems(withField('session_context.context_position', 100))).toEqual([]);
    expect(handoffPackageProblems(withField('session_context.tokens_available', 0))).toEqual([]);
    expect(handoffPackageProblems(withField('created_at', '2026-01-31T12:00:00Z'))).toEqual([]);
  });

  it('rejects what is not an object', () => {
    for (const value of [null, undefined, 'pkg', 42, []]) {
      expect(fieldsOf(value)).toEqual(['package']);
    }
  });

  it.each([
    ['package_id', ''],
    ['package_id', 'has space'],
    ['package_id', 42],
    ['package_id', undefined],
    ['from_agent', ''],
    ['from_agent', 'doc syncer'],
    ['from_agent', '1agent'],
    ['from_agent', 'x'.repeat(41)],
    ['from_agent', 'a/b'],
    ['to_agent', undefined],
    ['to_agent', 'rm -rf'],
    ['session_context', null],
    ['session_context', 'sess'],
    ['session_context.session_id', ''],
    ['session_context.session_id', '../etc'],
    ['session_context.session_id', 7],
    ['session_context.model', ''],
    ['session_context.model', 'model with spaces'],
    ['session_context.tokens_available', -1],
    ['session_context.tokens_available', 1.5],
    ['session_context.tokens_available', '100'],
    ['session_context.tokens_available', Number.NaN],
    ['session_context.context_position', -0.1],
    ['session_context.context_position', 100.1],
    ['session_context.context_position', Number.POSITIVE_INFINITY],
    ['session_context.context_position', '50'],
    ['task_context', undefined],
    ['task_context.spec_id', ''],
    ['task_context.spec_id', 'SPEC 1'],
    ['task_context.spec_id', 'SPEC-002'],
    ['task_context.spec', null],
    ['task_context.spec.title', ''],
    ['task_context.spec.requirements', []],
    ['task_context.spec.acceptance_criteria', undefined],
    ['task_context.current_phase', ''],
    ['task_context.current_phase', 'green'],
    ['task_context.current_phase', '2-doc-syncer'],
    ['task_context.current_phase', '0-tdd-implementer'],
    ['last_checkpoint', 'cp_1'],
    ['last_checkpoint.checkpoint_id', ''],
    ['last_checkpoint.checkpoint_id', 'cp 1'],
    ['last_checkpoint.name', ''],
    ['last_checkpoint.name', 'has space'],
    ['last_checkpoint.head', 'abc'],
    ['last_checkpoint.head', 'A'.repeat(64)],
    ['last_checkpoint.head', null],
    ['created_at', ''],
    ['created_at', 'yesterday'],
    ['created_at', '2026-01-31'],
    ['created_at', '2026-13-45T99:00:00.000Z'],
    ['created_at', 1_700_000_000_000],
  ])('names %s when it is %j', (field, value) => {
    const problems = handoffPackageProblems(withField(field, value));
    expect(problems.length).toBeGreaterThan(0);
    // The problem is reported at the field, or at its part that is wrong.
    expect(problems.map((p) => p.field).some((f) => f === field || f.startsWith(`${field}.`))).toBe(true);
    for (const p of problems) expect(p.message.length).toBeGreaterThan(5);
  });

  it('names the SPEC field that is wrong inside task_context.spec', () => {
    expect(fieldsOf(withField('task_context.spec.title', ''))).toEqual(['task_context.spec.title']);
    expect(fieldsOf(withField('task_context.spec.requirements', ['ok', ' ']))).toEqual([
      'task_context.spec.requirements[1]',
    ]);
  });

  it('refuses a package an agent hands to itself', () => {
    const pkg = {
      ...valid,
      to_agent: 'spec-builder',
      task_context: { ...valid.task_context, current_phase: '2-spec-builder' },
    };
    const problems = handoffPackageProblems(pkg);
    expect(problems).toEqual([
      {
        field: 'to_agent',
        message: expect.stringContaining("must differ from from_agent ('spec-builder')") as string,
      },
    ]);
  });

  it('ties current_phase to the receiving agent', () => {
    const problems = handoffPackageProblems(withField('task_context.current_phase', '2-doc-syncer'));
    expect(formatProblems(problems)).toBe(
      "task_context.current_phase: must be the receiving agent's phase ('2-tdd-implementer'), got \"2-doc-syncer\"",
    );
  });

  it('reports unknown fields, so a misspelt field is not silently ignored', () => {
    expect(fieldsOf({ ...valid, last_checkpiont: null })).toEqual(['last_checkpiont']);
  });

  it('reports every problem at once', () => {
    const problems = handoffPackageProblems({
      ...valid,
      package_id: '',
      session_context: { ...valid.session_context, tokens_available: -5, context_position: 120 },
      created_at: 'now',
    });
    expect(problems.map((p) => p.field)).toEqual([
      'package_id',
      'session_context.tokens_available',
      'session_context.context_position',
      'created_at',
    ]);
    expect(problems[1]!.message).toBe('must be a whole number of tokens, 0 or more, got -5');
  });
});

describe('renderHandoffPackage', () => {
  it('tells the receiving agent where the work stands', () => {
    const text = renderHandoffPackage(valid);
    expect(text).toContain('Handoff package pkg_0123456789abcdef: spec-builder → tdd-implementer');
    expect(text).toContain('entering phase 2-tdd-implementer');
    expect(text).toContain(
      'From session handoff-SPEC-001-1-spec-builder (claude-sonnet-4-6): context 1% full, 198,000 tokens available',
    );
    expect(text).toContain(`handoff_1_spec-builder (cp_0123456789abcdef) at head ${'a'.repeat(12)}`);
    expect(renderHandoffPackage({ ...valid, last_checkpoint: null })).toContain('Last checkpoint: none');
  });
});
