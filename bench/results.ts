/** The shape of a results file (`bench/results/*.json`). */
import type { BenchConfig } from './config';
import type { Contention } from './contention';
import type { MachineInfo } from './machine';

/** One scenario's outcome: its data, or why it failed (the other scenarios still run). */
export type ScenarioOutcome =
  | { title: string; ok: true; duration_s: number; result: unknown }
  | { title: string; ok: false; duration_s: number; error: string };

export interface BenchResults {
  /** Bumped when the shape changes incompatibly. */
  schema_version: 1;
  started_at: string;
  finished_at: string;
  duration_s: number;
  config: BenchConfig;
  machine: MachineInfo;
  /** How much other processes competed for the CPU during the run. */
  contention: Contention;
  /** How the system under test was set up, in words and numbers. */
  setup: {
    temporal: string;
    model: string;
    store: string;
    worker_tuning: { maxCachedWorkflows: number; maxConcurrentActivityTaskExecutions: number };
  };
  /** By scenario name, in the order they ran. */
  scenarios: Record<string, ScenarioOutcome>;
}
