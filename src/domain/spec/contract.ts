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
import type { GateExpectation, VerificationResult, WorkspaceRequest } from '../workspace';

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
  /** The folder the phases change, and the command that runs its tests (the gates). */
  workspace?: SpecWorkspace;
  /** Attempts per phase before it waits for a decision: a failed gate goes back to the model (default 3). */
  max_attempts?: number;
  /** After analysis, wait for a person to approve the plan (or revise it, or restart with it). */
  approve?: boolean;
  /** MCP servers (names in the worker's .mcp.json) whose tools the SPEC's session gets. */
  mcp_servers?: string[];
  /** Present only when this run continues an earlier one (a rollover): its session and progress. */
  carried?: { session: SessionInput; progress: SpecProgress };
}

/** A SPEC's workspace: the folder, and the test command whose result decides each gate. */
export interface SpecWorkspace extends WorkspaceRequest {
  /** Runs the tests, in the sandbox, from the workspace's root (e.g. `npm test`). */
  test_command: string;
}

/** The gate a phase passed or failed: what it expected of the tests and what they did. */
export interface PhaseGate {
  expect: GateExpectation;
  ok: boolean;
  /** The sentence the model and the user read. */
  reason: string;
  verification: VerificationResult;
}

export type PhaseStatus = 'pending' | 'running' | 'completed' | 'failed' | 'skipped';

export interface PhaseRecord {
  name: SpecPhaseName;
  number: number;
  status: PhaseStatus;
  attempts: number;
  /**
   * How many times the phase's gate ran over all its attempts: within an attempt, a failed gate goes
   * back to the model and runs again, up to `max_attempts` times. Absent without a gate.
   */
  gate_runs?: number;
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
  /** The last gate (RED, GREEN, refactor with a workspace): the test run and its verdict. */
  gate?: PhaseGate;
  /** Files the phase changed (against its start commit). */
  files_changed?: string[];
  /** The workspace commit at the phase's completion. */
  commit?: string;
}

export type SpecRunStatus =
  'running' | 'awaiting_decision' | 'awaiting_approval' | 'completed' | 'failed' | 'aborted';

/** The plan waiting for a person's approval after analysis (`approve`). */
export interface PendingApproval {
  /** The analysis phase's output. */
  plan: string;
  choices: ('implement' | 'revise' | 'restart')[];
  /** ISO time after which the workflow fails if nobody decides. */
  decide_by: string;
}

/** A person's answer to the plan. */
export type PlanDecision =
  | { kind: 'implement' }
  /** Run the analysis again with this feedback. */
  | { kind: 'revise'; feedback: string }
  /** Carry the plan into a fresh conversation and implement it there. */
  | { kind: 'restart' };

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
  /** The plan waiting for approval. */
  approval?: PendingApproval;
  /** The workspace: folder, test command, worker, last commit. */
  workspace?: { path: string; test_command: string; worker?: string; commit?: string };
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
  approval?: PendingApproval;
  /** Feedback on the plan for the next analysis (from a revise decision). */
  feedback?: string;
  /** The plan was approved (so a carried run does not ask again). */
  approved?: boolean;
  /**
   * The approved plan a restart carries into the fresh conversation: it goes with the next
   * phase's message (sent as critical) until a phase completes, so a retried phase has it too.
   */
  restart_plan?: string;
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
/** Answers the plan waiting after analysis: implement, revise (with feedback) or restart. */
export const decidePlanUpdate = defineUpdate<SpecStatus, [PlanDecision]>('decidePlan');
/** Stops the SPEC; its result says which phases completed. */
export const abortSpecUpdate = defineUpdate<SpecStatus, []>('abortSpec');

/** The failure types the SPEC workflow fails with (a view of {@link FailureType}). */
export const SpecFailureType = {
  DecisionTimeout: FailureType.SpecDecisionTimeout,
  ApprovalTimeout: FailureType.SpecApprovalTimeout,
} as const;

export const DEFAULT_SPEC_MIN_TOKENS = 50_000;
export const DEFAULT_DECISION_TIMEOUT_MS = 24 * 60 * 60 * 1000;
/** Attempts per phase before a failed gate waits for a decision. */
export const DEFAULT_MAX_ATTEMPTS = 3;
