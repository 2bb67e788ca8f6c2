import { describe, expect, it } from 'vitest';
import {
  chunkByTokens,
  composeSummaryText,
  planCompaction,
  recentTurnsStart,
  stubLine,
  toUnits,
} from '../../src/domain/session';
import { rolloverReason, shouldSummarizeBeforeTurn } from '../../src/domain/session';
import type { ContentBlock, ContextClass, NodeKind, Role, StoredNode } from '../../src/domain/session';
import { extractDecisionLines, hasDecisionLine, missingLines } from '../../src/domain/session';
import { classifyMessage } from '../../src/domain/session';
import { DEFAULT_SESSION_SETTINGS } from '../../src/domain/session';

let counter = 0;
function node(
  role: Role,
  content: ContentBlock[] | string,
  cls: ContextClass = 'supporting',
  kind: NodeKind = 'message',
): StoredNode {
  const blocks = typeof content === 'string' ? [{ type: 'text' as const, text: content }] : content;
  return { id: `n${++counter}`, parent: null, role, content: blocks, meta: { kind, class: cls } };
}
const toolUse = (id: string, name = 'read_file'): ContentBlock => ({
  type: 'tool_use',
  id,
  name,
  input: { path: '/x' },
});
const toolResult = (id: string, text = 'x'.repeat(500)): ContentBlock => ({
  type: 'tool_result',
  tool_use_id: id,
  content: text,
});

describe('units', () => {
  it('binds a tool call to the message carrying its result', () => {
    const path = [
      node('user', 'task', 'critical', 'task'),
      node('assistant', [{ type: 'text', text: 'let me look' }, toolUse('t1')]),
      node('user', [toolResult('t1')], 'temporary'),
      node('assistant', 'done'),
    ];
    expect(toUnits(path).map((u) => u.length)).toEqual([1, 2, 1]);
  });

  it('collects results spread over several messages', () => {
    const path = [
      node('assistant', [toolUse('a'), toolUse('b')]),
      node('user', [toolResult('a')], 'temporary'),
      node('user', [toolResult('b')], 'temporary'),
      node('assistant', 'ok'),
    ];
    expect(toUnits(path).map((u) => u.length)).toEqual([3, 1]);
  });
});

describe('planCompaction', () => {
  const path = [
    node('user', 'Build the importer', 'critical', 'task'),
    node('user', 'hello'),
    node('assistant', 'hi'),
    node('user', 'Decision: use CSV', 'critical'),
    node('assistant', [toolUse('t1')]),
    node('user', [toolResult('t1', 'y'.repeat(1_000))], 'temporary'),
    node('assistant', 'the file has 3 columns'),
    node('user', 'pinned fact'),
    node('user', 'second to last question'),
    node('assistant', 'answer'),
    node('user', 'last question'),
    node('assistant', 'last answer'),
  ];
  path[7]!.meta.pinned = true;

  it('keeps critical items, summarizes supporting, drops temporary and keeps recent turns', () => {
    const plan = planCompaction(path, { keep_recent_turns: 2 });
    expect(plan.critical.map((n) => n.id)).toEqual([path[0]!.id, path[3]!.id, path[7]!.id]);
    expect(plan.summarize.map((n) => n.id)).toEqual([path[1]!.id, path[2]!.id, path[6]!.id]);
    expect(plan.dropped).toHaveLength(1);
    expect(plan.dropped[0]!.node_ids).toEqual([path[4]!.id, path[5]!.id]);
    expect(plan.dropped[0]!.description).toBe('tool call read_file (t1) and its output');
    expect(plan.recent.map((n) => n.id)).toEqual(path.slice(8).map((n) => n.id));
    expect(plan.empty).toBe(false);
  });

  it('never separates a tool call from its result, even at the recent-turn boundary', () => {
    const plan = planCompaction(path, { keep_recent_turns: 0 });
    const all = [...plan.critical, ...plan.summarize, ...plan.recent, ...plan.previous_summaries];
    const dropped = plan.dropped.flatMap((d) => d.node_ids);
    // t1's call and result went together (both dropped), never one without the other.
    expect(dropped).toEqual([path[4]!.id, path[5]!.id]);
    expect(all.some((n) => n.id === path[4]!.id || n.id === path[5]!.id)).toBe(false);
  });

  it('folds earlier summaries in and carries their decisions', () => {
    const summary = node(
      'user',
      '[Summary]\nDecisions carried forward:\n- Decision: ship on Friday',
      'critical',
      'summary',
    );
    const plan = planCompaction(
      [path[0]!, summary, node('user', 'more talk'), node('assistant', 'ok'), ...path.slice(10)],
      {
        keep_recent_turns: 1,
      },
    );
    expect(plan.previous_summaries).toEqual([summary]);
    expect(plan.decisions).toEqual(['- Decision: ship on Friday']);
  });

  it('has nothing to do when only critical items and recent turns remain', () => {
    const plan = planCompaction([path[0]!, ...path.slice(10)], { keep_recent_turns: 1 });
    expect(plan.empty).toBe(true);
  });

  it('finds where the last N turns begin', () => {
    expect(recentTurnsStart(path, 1)).toBe(10);
    expect(recentTurnsStart(path, 2)).toBe(8);
    expect(recentTurnsStart(path, 0)).toBe(path.length);
    expect(recentTurnsStart(path, 100)).toBe(1);
  });
});

describe('summary text', () => {
  it('has the summary, the decisions verbatim and a one-line stub per dropped item', () => {
    const { text, restored } = composeSummaryText({
      compaction_number: 3,
      model_summary: 'We designed the importer.',
      decisions: ['Decision: use CSV', '- **Requirement**: UTF-8 only'],
      dropped: [{ node_ids: ['a'], description: 'tool call read_file (t1) and its output', chars: 12_345 }],
    });
    expect(text).toBe(
      [
        '[Summary of the earlier conversation, compaction 3]',
        'We designed the importer.',
        'Decisions carried forward:\nDecision: use CSV\n- **Requirement**: UTF-8 only',
        'Dropped temporary items:\n- [dropped: tool call read_file (t1) and its output, 12,345 chars]',
      ].join('\n\n'),
    );
    expect(restored).toBe(2);
    expect(stubLine({ node_ids: [], description: 'temporary output', chars: 10 })).toBe(
      '[dropped: temporary output, 10 chars]',
    );
  });
});

describe('chunking', () => {
  it('splits items so each chunk stays within the budget, in order', () => {
    const chunks = chunkByTokens([5, 5, 5, 12, 1, 1], (n) => n, 10);
    expect(chunks).toEqual([[5, 5], [5], [12], [1, 1]]);
  });
});

describe('decisions', () => {
  it('finds decision-like lines', () => {
    const text =
      'Some talk\nDecision: use Postgres\n- Constraint: under 50 ms\nnot a decision: really\nGoal: ship';
    expect(hasDecisionLine(text)).toBe(true);
    expect(extractDecisionLines(text)).toEqual([
      'Decision: use Postgres',
      '- Constraint: under 50 ms',
      'Goal: ship',
    ]);
    expect(hasDecisionLine('We decided nothing yet')).toBe(false);
  });

  const forms = [
    '**Decision:** invoices live in PostgreSQL',
    '- **Requirement**: p99 under 50 ms',
    '### Constraint: no new services this quarter',
    '1. Decision: one schema per tenant',
    'Decision 1: bill in arrears',
    '* __Preference__: tabs over spaces',
    '> **Goal:** ship in May',
    'Objective #2: halve the cost',
    '2) Must: stay on Node 20',
  ];
  it.each(forms)('recognises the markdown form %j and keeps it verbatim', (line) => {
    const text = `Some context.\n  ${line}  \nMore talk.`;
    expect(hasDecisionLine(text)).toBe(true);
    expect(extractDecisionLines(text)).toEqual([line]);
  });

  it.each([
    'We decided nothing yet',
    'not a decision: really',
    '**Decision**',
    'Decision:',
    '## Decisions',
    'The goal is clear: ship',
  ])('does not take %j for a decision line', (line) => {
    expect(hasDecisionLine(line)).toBe(false);
  });

  it('makes markdown decisions in user and assistant messages critical', () => {
    for (const role of ['user', 'assistant'] as const) {
      for (const line of forms) {
        const content = [{ type: 'text' as const, text: `Here is what we settled.\n${line}` }];
        expect(classifyMessage({ role, kind: 'message', content })).toBe('critical');
      }
    }
  });

  it('finds the lines a summary dropped', () => {
    const summary = 'We talked.\n**Decision:** use PostgreSQL\nDecision 1: bill in arrears (paraphrased)';
    expect(
      missingLines(summary, ['**Decision:** use PostgreSQL', 'Decision 1: bill in arrears', 'Goal: ship']),
    ).toEqual(['Decision 1: bill in arrears', 'Goal: ship']);
  });

  it('puts back, after the summary, every decision line the summary dropped', () => {
    const decisions = ['**Decision:** use PostgreSQL', '### Constraint: no new services'];
    const kept = composeSummaryText({
      compaction_number: 1,
      model_summary: 'Agreed:\n**Decision:** use PostgreSQL',
      decisions,
      dropped: [],
    });
    expect(kept.restored).toBe(1);
    expect(kept.text.split('\n')).toContain('### Constraint: no new services');
    expect(missingLines(kept.text, decisions)).toEqual([]);
  });
  it('makes such messages critical by default', () => {
    expect(
      classifyMessage({
        role: 'assistant',
        kind: 'message',
        content: [{ type: 'text', text: 'Decision: yes' }],
      }),
    ).toBe('critical');
    expect(classifyMessage({ role: 'user', kind: 'summary', content: [] })).toBe('critical');
  });
});

describe('context pressure', () => {
  const settings = DEFAULT_SESSION_SETTINGS;
  it('summarizes before a turn that would start at or above 75 %', () => {
    const at = (context_tokens: number, context_window = 10_000) =>
      shouldSummarizeBeforeTurn({ context_tokens, incoming_tokens: 300, context_window, settings });
    expect(at(7_200)).toBe(true);
    expect(at(7_199)).toBe(false);
    expect(
      shouldSummarizeBeforeTurn({
        context_tokens: 7_000,
        incoming_tokens: 400,
        context_window: 20_000,
        settings,
      }),
    ).toBe(false);
  });
  it('rolls over at 85 %, when Temporal suggests it, or when history is too big', () => {
    const base = {
      context_window: 10_000,
      settings,
      continue_as_new_suggested: false,
      history_events: 10,
      history_bytes: 100,
    };
    expect(rolloverReason({ ...base, context_tokens: 8_500 })).toBe('context_fill');
    expect(rolloverReason({ ...base, context_tokens: 8_000 })).toBeUndefined();
    expect(rolloverReason({ ...base, context_tokens: 1, continue_as_new_suggested: true })).toBe(
      'continue_as_new_suggested',
    );
    expect(rolloverReason({ ...base, context_tokens: 1, history_events: 10_000 })).toBe('history_events');
    expect(rolloverReason({ ...base, context_tokens: 1, history_bytes: 10 * 1024 * 1024 })).toBe(
      'history_bytes',
    );
  });
});
