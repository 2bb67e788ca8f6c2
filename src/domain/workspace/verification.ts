/**
 * Verified phases: a phase's test command is run in the sandbox, and its outcome decides the gate.
 * RED must leave the tests failing (new tests that do not pass yet), GREEN and refactor must leave
 * them passing. Pure, so the SPEC workflow decides with the same function the tests check.
 */

/** What running the test command showed; part of a phase result and of `spec status`. */
export interface VerificationResult {
  command: string;
  /** The command's exit code; null when it was killed (time limit) before exiting. */
  exit_code: number | null;
  duration_ms: number;
  /** The last lines of its combined stdout and stderr. */
  output_tail: string;
  /** Exit code 0. */
  passed: boolean;
  /** It ran past its time limit and was killed. */
  timed_out: boolean;
}

/** What a phase expects of its test run. */
export type GateExpectation = 'fail' | 'pass';

/** A gate's verdict, with the sentence the model (and the user) reads when it does not hold. */
export type GateVerdict = { ok: true; reason: string } | { ok: false; reason: string };

/**
 * Decides a gate: `fail` holds when the command ran to its end and failed; `pass` when it passed.
 * A run killed at its time limit never holds: it says nothing about the tests.
 * @example gateVerdict('fail', { exit_code: 1, passed: false, timed_out: false, … }).ok // true
 */
export function gateVerdict(expect: GateExpectation, result: VerificationResult): GateVerdict {
  const ran = `\`${result.command}\``;
  if (result.timed_out) {
    return {
      ok: false,
      reason: `${ran} did not finish within its time limit and was killed, so it shows nothing about the tests. Make the tests finish quickly.`,
    };
  }
  if (expect === 'fail') {
    return result.passed
      ? {
          ok: false,
          reason: `${ran} passed, but this phase must leave failing tests: write tests for behaviour that is not implemented yet.`,
        }
      : {
          ok: true,
          reason: `${ran} failed (exit ${String(result.exit_code)}), as tests written before the code should.`,
        };
  }
  return result.passed
    ? { ok: true, reason: `${ran} passed.` }
    : { ok: false, reason: `${ran} failed (exit ${String(result.exit_code)}); the tests must pass.` };
}
