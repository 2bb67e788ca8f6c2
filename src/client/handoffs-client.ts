import {
  abortHandoffUpdate,
  retryAgentUpdate,
  skipAgentUpdate,
  type HandoffInput,
  type HandoffStatus,
} from '../domain/handoff';
import type { HandoffContext } from './handoff-context';
import { decideHandoff } from './handoff-decisions';
import { prepareHandoff, type RunHandoffOptions } from './handoff-input';
import { handoffResult, type HandoffRunResult } from './handoff-result';
import { startHandoff, type HandoffStarted } from './handoff-start';
import { handoffStatus, type HandoffStatusWithLink } from './handoff-status';

export type { HandoffContext } from './handoff-context';
export type { RunHandoffOptions } from './handoff-input';
export type { HandoffRunResult } from './handoff-result';
export type { HandoffStarted } from './handoff-start';
export type { HandoffStatusWithLink } from './handoff-status';
export { toHandoffId } from './handoff-workflow';

/** Multi-agent handoffs; reached as `baton.handoffs`. */
export class HandoffsClient {
  constructor(private readonly ctx: HandoffContext) {}

  /**
   * Runs a SPEC through a chain of agents (spec-builder → tdd-implementer → doc-syncer unless told
   * otherwise), each in its own child session, and returns the chain, the packages and per-agent
   * tokens and cost. Everything is checked before the workflow starts.
   * @throws InvalidInputError naming the SPEC field, agent field, agent name or model that is wrong;
   * HandoffExistsError when this SPEC was handed off already; NoWorkerError when no worker polls;
   * HandoffFailedError when the chain fails (waiting only).
   * @example
   * const result = await baton.handoffs.run({ spec, model: 'claude-haiku-4-5' });
   * for (const a of result.agents) console.log(a.agent, a.tokens, a.cost_usd);
   */
  run(options: RunHandoffOptions & { wait: false }): Promise<HandoffStarted>;
  run(options: RunHandoffOptions): Promise<HandoffRunResult>;
  async run(options: RunHandoffOptions): Promise<HandoffStarted | HandoffRunResult> {
    const input = await this.prepare(options);
    const started = await startHandoff(this.ctx, input);
    if (options.wait === false) return started;
    return this.result(started.handoff_id, options.onProgress ? { onProgress: options.onProgress } : {});
  }

  /**
   * Checks and resolves a run without starting it: the SPEC, the agent catalog and names, each
   * agent's model (through the registry) and floor, and every package field known in advance.
   * @throws InvalidInputError naming what is wrong.
   */
  async prepare(options: RunHandoffOptions): Promise<HandoffInput> {
    return prepareHandoff(this.ctx, options);
  }

  /**
   * A handoff's status: from the running workflow (a query), or its result once it completed.
   * Accepts the handoff id (`handoff-SPEC-001`) or the SPEC id (`SPEC-001`).
   * @throws HandoffNotFoundError for an unknown id.
   */
  async status(id: string): Promise<HandoffStatusWithLink> {
    return handoffStatus(this.ctx, id);
  }

  /**
   * Runs the failed agent again (a new run of its session), with optional guidance for the model.
   * @throws SessionRequestError when the handoff is not waiting for a decision.
   */
  async retry(id: string, guidance?: string): Promise<HandoffStatus> {
    return decideHandoff(this.ctx, id, (h) =>
      h.executeUpdate(retryAgentUpdate, { args: [guidance ? { guidance } : {}] }),
    );
  }

  /** Skips the failed agent; the next one takes the package of the last agent that finished. */
  async skip(id: string): Promise<HandoffStatus> {
    return decideHandoff(this.ctx, id, (h) => h.executeUpdate(skipAgentUpdate));
  }

  /** Stops the chain after a failed agent; its result lists the agents that finished. */
  async abort(id: string): Promise<HandoffStatus> {
    return decideHandoff(this.ctx, id, (h) => h.executeUpdate(abortHandoffUpdate));
  }

  /**
   * Waits for a handoff's result, calling `onProgress` with its status every `pollIntervalMs`
   * (default 500) while it runs.
   * @throws HandoffFailedError naming the failure (an invalid field, or the agent that failed).
   */
  async result(
    id: string,
    options: { onProgress?: (status: HandoffStatus) => void; pollIntervalMs?: number } = {},
  ): Promise<HandoffRunResult> {
    return handoffResult(this.ctx, id, options);
  }
}
