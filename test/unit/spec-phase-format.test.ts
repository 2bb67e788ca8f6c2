/**
 * How a finished SPEC phase reads in the demo and the CLI: the gate's verdict in words, and the
 * lines of the test output a person looks at first (failing tests, errors, counts).
 */
import { describe, expect, it } from 'vitest';
import { failingTestLines, formatGateVerdict, formatPhaseReport } from '../../src/cli/spec-phase-format';
import type { PhaseGate, PhaseRecord } from '../../src/domain/spec';

const RED_TAIL = [
  'TAP version 13',
  "# Error: Cannot find module '../src/sum.js'",
  '# Require stack:',
  '#     at Module._resolveFilename (node:internal/modules/cjs/loader:1207:15)',
  '# Subtest: /tmp/x/test/sum.test.js',
  'not ok 1 - /tmp/x/test/sum.test.js',
  '  ---',
  "  failureType: 'testCodeFailure'",
  '1..1',
  '# tests 1',
  '# pass 0',
  '# fail 1',
  '# duration_ms 161.68',
].join('\n');

const gate = (passed: boolean, ok: boolean, expect: 'fail' | 'pass'): PhaseGate => ({
  expect,
  ok,
  reason: 'r',
  verification: {
    command: 'node --test',
    exit_code: passed ? 0 : 1,
    duration_ms: 412,
    output_tail: RED_TAIL,
    passed,
    timed_out: false,
  },
});

describe('failingTestLines', () => {
  it('keeps the error, the failing test and the counts of a node --test run', () => {
    expect(failingTestLines(RED_TAIL)).toEqual([
      "# Error: Cannot find module '../src/sum.js'",
      'not ok 1 - /tmp/x/test/sum.test.js',
      '# tests 1',
      '# pass 0',
      '# fail 1',
    ]);
  });

  it('keeps the counts when there are more failures than fit', () => {
    const tail = [
      ...Array.from({ length: 20 }, (_, i) => `not ok ${i + 1} - t${i}`),
      '# pass 0',
      '# fail 20',
    ].join('\n');
    const lines = failingTestLines(tail, 5);
    expect(lines).toEqual(['not ok 1 - t0', 'not ok 2 - t1', 'not ok 3 - t2', '# pass 0', '# fail 20']);
  });

  it('finds nothing in output it does not recognise', () => {
    expect(failingTestLines('compiling…\ndone')).toEqual([]);
  });
});

describe('formatGateVerdict', () => {
  it('says what the tests did and whether that was what the phase required', () => {
    expect(formatGateVerdict(gate(false, true, 'fail'))).toBe(
      'tests FAIL as required · `node --test` exit 1 · ran 0.4s',
    );
    expect(formatGateVerdict(gate(false, false, 'pass'))).toBe(
      'tests FAIL but must PASS · `node --test` exit 1 · ran 0.4s',
    );
    expect(formatGateVerdict(gate(true, false, 'fail'))).toMatch(/^tests PASS but must FAIL/);
  });
});

describe('formatPhaseReport', () => {
  it('shows the files, the gate with the failing lines, the commit, and only the first line of an error', () => {
    const phase: PhaseRecord = {
      name: 'red',
      number: 2,
      status: 'failed',
      attempts: 2,
      gate_runs: 3,
      tokens: 2829,
      cost_usd: 0.0118,
      duration_ms: 2207,
      log: [],
      gate: gate(true, false, 'fail'),
      files_changed: ['test/sum.test.js'],
      commit: 'b6fd358435aa11',
      error: 'After 3 attempts: the tests passed.\nTAP version 13\n…',
    };
    expect(formatPhaseReport(phase).split('\n')).toEqual([
      'phase 2/4 red · failed · 2 attempts (gate ran 3×) · 2.2s · 2,829 tokens · $0.0118',
      '  files   test/sum.test.js',
      '  gate    tests PASS but must FAIL · `node --test` exit 0 · ran 0.4s',
      "          | # Error: Cannot find module '../src/sum.js'",
      '          | not ok 1 - /tmp/x/test/sum.test.js',
      '          | # tests 1',
      '          | # pass 0',
      '          | # fail 1',
      '  commit  b6fd358435',
      '  error   After 3 attempts: the tests passed.',
    ]);
  });
});
