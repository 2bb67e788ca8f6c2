/**
 * The contract of the handoff workflow: input, status and result, the status query, ids and
 * failure types. Workflow-safe; the client and the worker both import it.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { HandoffPackage } from './package';
import type { ModelSpec } from '../models';
import type { CacheStats } from '../session';
import type { SpecDefinition, SpecWorkspace } from '../spec';
import type { VerificationResult } from '../workspace';
import type { AgentWorkspaceRun, HandoffWorkspaceStatus } from './package-workspace';
import { FailureType } from '../failures';

/** Workflow type name of a handoff (the exported function's name). */
export const HANDOFF_WORKFLOW_TYPE = 'handoffWorkflow';

/** Tokens a receiving agent must have available before it starts, unless configured otherwise. */
export const DEFAULT_HANDOFF_FLOOR = 30_000;

/** Workflow id of a SPEC's handoff: `handoff-<spec_id>`. */
export function handoffWorkflowId(specId: string): string {
  return `handoff-${specId}`;
}

/** Session (child workflow) id of the `index`-th agent (1-based): `handoff-<spec_id>-<n>-<agent>`. */
export function agentSessionId(specId: string, index: number, agent: string): string {
  return `${handoffWorkflowId(specId)}-${index}-${agent}`;
}

/** An agent as the workflow runs it: its model resolved from the registry by the client. */
export interface ResolvedAgent {
  name: string;
  role_prompt: string;
  work_message: string;
  model: ModelSpec;
  /** The model that writes this agent's compaction summaries; the agent's own model when absent. */
  summarizer?: ModelSpec;
  /** This agent's floor; the run's `min_tokens_available` when absent. */
  min_tokens_available?: number;
  mcp_servers?: string[];
  /** Its request when the handoff has a workspace; `work_message` when absent. */
  workspace_message?: string;
  /** With a workspace, the test command runs after this agent and must pass. */
  verify_tests?: boolean;
}

/** Input of {@link HANDOFF_WORKFLOW_TYPE}. One object, so fields can be added compatibly. */
export interface HandoffInput {
  spec: SpecDefinition;
  /** The chain, in order. Consecutive agents must differ (each package goes to another agent). */
  agents: ResolvedAgent[];
  /**
   * Floor: an agent whose session has fewer tokens available than this when it starts compacts
   * first. Default {@link DEFAULT_HANDOFF_FLOOR}.
   */
  min_tokens_available?: number;
  /**
   * How long a failed agent waits for retry, skip or abort before the handoff fails (ms). Default
   * {@link DEFAULT_HANDOFF_DECISION_TIMEOUT_MS}.
   */
  decision_timeout_ms?: number;
  /**
   * The folder the agents work in, one after another, with the text editor and bash tools, and the
   * command that runs its tests. The chain commits the files after each agent and hands the commit
   * on in the package; after an agent with `verify_tests` the test command must pass.
   */
  workspace?: SpecWorkspace;
  /** MCP servers (names from the worker's `.mcp.json`) every agent's session gets, besides its own. */
  mcp_servers?: string[];
}

/** A failed agent waits this long for a decision unless the input says otherwise: one day. */
export const DEFAULT_HANDOFF_DECISION_TIMEOUT_MS = 24 * 60 * 60 * 1000;

/** What one agent did: its session, its consumption and its output. */
export interface AgentRun {
  /** Position in the chain, 1-based. */
  index: number;
  agent: string;
  /** The agent's session: a child workflow, readable with `baton session status`. */
  session_id: string;
  model: string;
  /** Cumulative tokens of the agent's session (input of every kind plus output). */
  tokens: number;
  cost_usd: number;
  /** The agent's prompt cache: tokens read, written and uncached, and the share of input read. */
  cache?: CacheStats;
  /** The agent's reply: its artifact. */
  output: string;
  /** Compactions its session made before starting because it was below the floor. */
  floor_compactions: number;
  /** The floor it started with. */
  min_tokens_available: number;
  /** Its context when it finished. */
  tokens_available: number;
  position_percent: number;
  /** Its final conversation head. */
  head: string | null;
  /** The MCP servers its session had: the handoff's and its own. */
  mcp_servers: string[];
  /** With a workspace: the commit it left, the files it changed, its test run. */
  workspace?: AgentWorkspaceRun;
}

/** Sums over the agents that finished. */
export interface HandoffTotals {
  tokens: number;
  cost_usd: number;
  floor_compactions: number;
}

/** Where a handoff stands: `failed` carries `error` in its status, `awaiting_decision` a `failure`. */
export type HandoffState = 'running' | 'awaiting_decision' | 'completed' | 'aborted' | 'failed';

/** A failed agent waiting for a person: retry (with guidance), skip it, or abort the chain. */
export interface HandoffAgentFailure {
  index: number;
  agent: string;
  session_id: string;
  error: string;
  /** The test run that failed it, when its tests did not pass. */
  tests?: VerificationResult;
  choices: ('retry' | 'skip' | 'abort')[];
  /** ISO time after which the handoff fails if nobody decides. */
  decide_by: string;
}

/** What `handoffStatus` answers, while the chain runs and after. */
export interface HandoffStatus {
  handoff_id: string;
  spec_id: string;
  state: HandoffState;
  /** Agent names in order. */
  chain: string[];
  /** The agent at work, or null when none is. */
  current: { index: number; agent: string; session_id: string } | null;
  /** Agents that finished, in order. */
  agents: AgentRun[];
  /** Agents skipped after failing (by name and position). */
  skipped: { index: number; agent: string }[];
  /** The failed agent waiting for a decision. */
  failure?: HandoffAgentFailure;
  /** Packages handed on so far: `packages[i]` goes from agent i+1 to agent i+2. */
  packages: HandoffPackage[];
  /** The workspace: folder, test command, the worker holding it, the last commit. */
  workspace?: HandoffWorkspaceStatus;
  totals: HandoffTotals;
  /** ISO time (workflow time). */
  started_at: string;
  completed_at: string | null;
  /** Why the chain stopped, when it failed. */
  error?: { type: string; message: string };
}

/** The result of a handoff that ran to its end (completed, or aborted by a decision). */
export interface HandoffResult extends HandoffStatus {
  state: 'completed' | 'aborted';
  completed_at: string;
}

/** The handoff's status: answered while it runs, and by replay after it failed. */
export const handoffStatusQuery = defineQuery<HandoffStatus>('handoffStatus');

export interface RetryAgentRequest {
  /** Added to the agent's request for the new attempt. */
  guidance?: string;
}

/** Runs the failed agent again (a new run of its session), with optional guidance. */
export const retryAgentUpdate = defineUpdate<HandoffStatus, [RetryAgentRequest]>('retryAgent');
/** Skips the failed agent; the next one takes the package of the last agent that finished. */
export const skipAgentUpdate = defineUpdate<HandoffStatus, []>('skipAgent');
/** Stops the chain; its result lists the agents that finished. */
export const abortHandoffUpdate = defineUpdate<HandoffStatus, []>('abortHandoff');

/** The failure types the handoff workflow fails with (a view of {@link FailureType}). */
export const HandoffFailureType = {
  InvalidHandoffInput: FailureType.InvalidHandoffInput,
  InvalidHandoffPackage: FailureType.InvalidHandoffPackage,
  AgentFailed: FailureType.AgentFailed,
} as const;
