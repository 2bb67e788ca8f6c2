import { formatCount } from '../domain/format';
import type { PhaseGate, PhaseRecord } from '../domain/spec';

/** Lines of a test run's output that say what failed and how many passed (TAP, node --test, jest, vitest). */
const VERDICT_LINE = /^\s*(not ok\b|✖|✕|×|FAIL\b)|\b\w*Error\b:|^#?\s*(tests|pass|fail)\s+\d+\s*$/;

/**
 * The lines of a test run's output tail a reader looks at first: the failing tests, their
 * errors and the pass/fail counts (at most `max`, in order). Empty when none is recognised.
 * @example failingTestLines('TAP version 13\n# Error: Cannot find module…\nnot ok 1 - sum\n# pass 0\n# fail 1')
 * // ['# Error: Cannot find module…', 'not ok 1 - sum', '# pass 0', '# fail 1']
 */
export function failingTestLines(outputTail: string, max = 8): string[] {
  const lines = outputTail.split('\n').filter((l) => VERDICT_LINE.test(l));
  // Keep the counts at the end even when there are many failures.
  const counts = lines.filter((l) => /^#?\s*(tests|pass|fail)\s+\d+/.test(l.trim()));
  const failures = lines.filter((l) => !counts.includes(l));
  return [...failures.slice(0, Math.max(0, max - counts.length)), ...counts].map((l) => l.trimEnd());
}

/**
 * A gate's verdict as a person reads it: what the phase required of the tests and what they did.
 * @example formatGateVerdict(redGate) // 'tests FAIL as required · `node --test` exit 1 · ran 0.4s'
 */
export function formatGateVerdict(gate: PhaseGate): string {
  const v = gate.verification;
  const outcome = v.timed_out ? 'tests TIMED OUT' : v.passed ? 'tests PASS' : 'tests FAIL';
  const required = gate.ok ? 'as required' : `but must ${gate.expect.toUpperCase()}`;
  return `${outcome} ${required} · \`${v.command}\` exit ${String(v.exit_code)} · ran ${(v.duration_ms / 1000).toFixed(1)}s`;
}

/** After a phase's attempts: how often its gate ran, when it had to go back to the model. */
export function gateRunsNote(p: Pick<PhaseRecord, 'gate_runs'>): string {
  return p.gate_runs !== undefined && p.gate_runs > 1 ? ` (gate ran ${p.gate_runs}×)` : '';
}

/**
 * What a finished phase did, over a few lines: status, time, tokens and cost; the files it
 * changed; its gate with the test output's verdict lines (failing tests for RED, counts for
 * GREEN); its commit.
 */
export function formatPhaseReport(p: PhaseRecord): string {
  const lines = [
    `phase ${p.number}/4 ${p.name} · ${p.status} · ${p.attempts} attempt${p.attempts === 1 ? '' : 's'}${gateRunsNote(p)} · ` +
      `${(p.duration_ms / 1000).toFixed(1)}s · ${formatCount(p.tokens)} tokens · $${p.cost_usd.toFixed(4)}`,
  ];
  if (p.files_changed) lines.push(`  files   ${p.files_changed.join(', ') || '(none)'}`);
  if (p.gate) {
    lines.push(`  gate    ${formatGateVerdict(p.gate)}`);
    for (const line of failingTestLines(p.gate.verification.output_tail)) lines.push(`          | ${line}`);
  }
  if (p.commit) lines.push(`  commit  ${p.commit.slice(0, 10)}`);
  // The first line says what went wrong; the test output after it is summarised by the gate lines.
  if (p.error) lines.push(`  error   ${p.error.split('\n')[0]}`);
  return lines.join('\n');
}
