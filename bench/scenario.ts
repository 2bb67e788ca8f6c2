/**
 * What a benchmark scenario is. A scenario is one module that exports one {@link Scenario}; adding a
 * measurement means writing that module and adding it to the list in `scenarios/index.ts`. Nothing
 * else changes.
 */
import type { BenchStack } from './bench-stack';
import type { CleanupStack } from './cleanup';
import type { BenchConfig } from './config';
import type { Progress } from './progress';

/** What every scenario gets. */
export interface ScenarioContext {
  stack: BenchStack;
  config: BenchConfig;
  progress: Progress;
  /** What a scenario starts itself (a child process, a client) registers its shutdown here. */
  cleanup: CleanupStack;
  /** Aborted on Ctrl-C: long loops check it between steps. */
  signal: AbortSignal;
}

/**
 * One measurement. `run` returns plain JSON-friendly data (it goes into the results file as is);
 * `markdown` renders that data for the table printed at the end.
 */
export interface Scenario<Result = unknown> {
  /** Short, stable name: the key in the results file and the value `--only` takes. */
  name: string;
  /** The heading of its section of the table. */
  title: string;
  run(ctx: ScenarioContext): Promise<Result>;
  /** Markdown lines (a table and a sentence or two of context) for a result of `run`. */
  markdown(result: Result): string[];
}

/**
 * Declares a scenario with its result type checked between `run` and `markdown`, and erased for the
 * list that holds scenarios of different result types (the results file is where they meet again).
 */
export function defineScenario<Result>(scenario: Scenario<Result>): Scenario {
  return scenario;
}
