/**
 * The naive baseline's contract, shared by its workflow, its activity and the benchmark: the design
 * baton avoids, where the workflow holds the whole conversation and ships it to every activity.
 * Workflow-safe (no Node built-ins; SDK types only).
 */
import type Anthropic from '@anthropic-ai/sdk';
import { defineSignal, defineUpdate } from '@temporalio/workflow';

/** Workflow type name of the naive session. */
export const NAIVE_WORKFLOW_TYPE = 'naiveSessionWorkflow';

export interface NaiveSessionInput {
  model: string;
  max_tokens: number;
  /** Stored as the first user message, as baton stores a session's task. */
  task?: string;
}

/** The activity's input: the whole conversation, the new user message last. */
export interface NaiveTurnInput {
  model: string;
  max_tokens: number;
  messages: Anthropic.MessageParam[];
}

/** The activity's result: the whole conversation again, now ending with the reply. */
export interface NaiveTurnResult {
  messages: Anthropic.MessageParam[];
  reply: string;
}

/** One turn: a user message in, the reply's text out. */
export const naiveSendUpdate = defineUpdate<string, [string]>('naiveSend');

/** Ends the session once queued turns have finished. */
export const naiveCloseSignal = defineSignal('naiveClose');
