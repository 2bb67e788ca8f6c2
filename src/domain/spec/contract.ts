/**
 * The contract of the SPEC workflow: input, result, status, and the decision updates that resume
 * a SPEC whose phase failed. Workflow-safe; client and worker both import it.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { CacheStats, SessionInput, SessionSettings, TokenBudget } from '../session';
import type { ModelSpec } from '../models';
import type { SpecDefinition } from './definition';
import type { SpecPhaseName } from './phases';
import { FailureType } from '../failures';

export const SPEC_WORKFLOW_TYPE = 'specWorkflow';

/** Workflow id of a SPEC run: `spec-<spec_id>`. */
export function specWorkflowId(specId: string): string {
  return `spec-${specId}`;
}

export interface SpecInput {
  spec: SpecDefinition;
  model: ModelSpec;
  settings: SessionSettings;
  /** Before each phase, compact when fewer tokens than this are available (default 50,000). */
  min_tokens_available: number;
  /** How long a failed phase waits for retry/skip/abort before the workflow fails (ms). */
  decision_timeout_ms: number;
  /** Present only when this run continues an earlier one (a rollover): its session and progress. */
  carried?: { session: SessionInput; progress: SpecProgress };
}

export type PhaseStatus = 'pending' | 'running' | 'completed' | 'failed' | 'skipped';

export interface PhaseRecord {
  name: SpecPhaseName;
  number: number;
  status: PhaseStatus;
  attempts: number;
  /** Input (uncached, cache writes and cache reads) plus output tokens of the phase's model calls, over all attempts. */
  tokens: number;
  cost_usd: number;
  /** The phase's prompt cache: tokens read, written and uncached, and the share of input read. */
  cache?: CacheStats;
  duration_ms: number;
  /** What the model produced (analysis, test plan and code, implementation, refactor notes). */
  output?: string;
  error?: string;
  /** Lines such as "compacted before the phase: 61,000 → 14,000 tokens". */
  log: string[];
}

export type SpecRunStatus = 'running' | 'awaiting_decision' | 'completed' | 'failed' | 'aborted';

export interface SpecFailure {
  phase: SpecPhaseName;
  error: string;
  /** What the user can do now. */
  choices: ('retry' | 'skip' | 'abort')[];
  /** ISO time after which the workflow fails if nobody decides. */
  decide_by: string;
}

export interface SpecStatus {
  spec_id: string;
  title: string;
  status: SpecRunStatus;
  current_phase: SpecPhaseName | null;
  phases: PhaseRecord[];
  failure?: SpecFailure;
  /** Names of the phase checkpoints taken so far. */
  checkpoints: string[];
  tokens_used: number;
  cost_usd: number;
  context: TokenBudget;
  model: string;
  /** Run ids of the SPEC's earlier runs (each rollover continues-as-new), oldest first. */
  previous_runs: string[];
}

export interface SpecProgress {
  status: SpecRunStatus;
  current: SpecPhaseName | null;
  phases: PhaseRecord[];
  /** Names of the phase checkpoints taken so far, across runs. */
  checkpoints: string[];
  failure?: SpecFailure;
  /** Guidance for the next attempt of the current phase (from a retry decision). */
  guidance?: string;
}

/** What a person may decide about a failed phase or agent. */
export type Decision = { kind: 'retry'; guidance?: string } | { kind: 'skip' } | { kind: 'abort' };

export type SpecResult = SpecStatus;

export interface RetryPhaseRequest {
  /** Added to the phase's message for the new attempt. */
  guidance?: string;
}

export const specStatusQuery = defineQuery<SpecStatus>('specStatus');
/** Retries the failed phase from its start checkpoint. */
export const retryPhaseUpdate = defineUpdate<SpecStatus, [RetryPhaseRequest]>('retryPhase');
/** Skips the failed phase and goes on with the next. */
export const skipPhaseUpdate = defineUpdate<SpecStatus, []>('skipPhase');
/** Stops the SPEC; its result says which phases completed. */
export const abortSpecUpdate = defineUpdate<SpecStatus, []>('abortSpec');

/** The failure types the SPEC workflow fails with (a view of {@link FailureType}). */
export const SpecFailureType = {
  DecisionTimeout: FailureType.SpecDecisionTimeout,
} as const;

export const DEFAULT_SPEC_MIN_TOKENS = 50_000;
export const DEFAULT_DECISION_TIMEOUT_MS = 24 * 60 * 60 * 1000;
