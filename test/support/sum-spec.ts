/**
 * The "sum" SPEC the workspace tests script: the demo's SPEC (a sum function tested with
 * `node --test`), the files its phases write, and the offline model's replies that write them. The
 * demo's own script is docs/examples/sum.offline-script.json; tests that need a phase to go wrong
 * build theirs from these parts.
 */
import path from 'node:path';
import { EDITOR_TOOL_NAME } from '../../src/domain/workspace';

export { sumSpec } from '../../src/demo/spec-demo';

/** The offline script `npm run demo` follows: RED writes the tests, GREEN the code, each gate holds. */
export const SUM_SCRIPT = path.join(__dirname, '..', '..', 'docs', 'examples', 'sum.offline-script.json');

/** The tests RED writes to test/sum.test.js: sum adds, and refuses strings. */
export const SUM_TEST =
  "const test = require('node:test');\nconst assert = require('node:assert/strict');\nconst { sum } = require('../src/sum.js');\n\ntest('adds', () => assert.equal(sum(2, 3), 5));\ntest('refuses strings', () => assert.throws(() => sum('2', 3), TypeError));\n";

/**
 * Only the first test of {@link SUM_TEST}: a failing run's output is short enough that the end of
 * it a gate keeps still names the test (`not ok 1 - adds`).
 */
export const SUM_ADDS_TEST =
  "const test = require('node:test');\nconst assert = require('node:assert/strict');\nconst { sum } = require('../src/sum.js');\ntest('adds', () => assert.equal(sum(2, 3), 5));\n";

/** A src/sum.js that passes {@link SUM_TEST}. */
export const RIGHT_SUM =
  "function sum(a, b) {\n  if (typeof a !== 'number' || typeof b !== 'number') throw new TypeError('sum takes two numbers');\n  return a + b;\n}\n\nmodule.exports = { sum };\n";

/** A src/sum.js that subtracts, so {@link SUM_TEST} fails. */
export const WRONG_SUM = 'function sum(a, b) {\n  return a - b;\n}\n\nmodule.exports = { sum };\n';

/** The text editor call that creates `file` (relative to the workspace) with `text`. */
export const createFile = (file: string, text: string) => ({
  name: EDITOR_TOOL_NAME,
  input: { command: 'create', path: file, file_text: text },
});

/** The replies of a RED phase that writes `tests` (default {@link SUM_TEST}), then says so. */
export const redWritesTests = (tests = SUM_TEST) => [
  { text: 'The tests.', tool_calls: [createFile('test/sum.test.js', tests)] },
  { text: 'Written.' },
];
