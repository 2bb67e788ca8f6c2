import { setHandler } from '@temporalio/workflow';
import { handoffStatusQuery, type HandoffInput, type HandoffResult } from '../domain/handoff';
import { HandoffChain } from './handoff-chain';

/**
 * A multi-agent handoff: runs each agent of the chain as a child session workflow
 * (`handoff-<spec_id>-<n>-<agent>`) with its own role prompt, model and floor. Between agents it
 * builds a handoff package from the previous session's final status and validates it; the next
 * session starts at the previous one's final head and, when it has fewer tokens available than
 * its floor, compacts before its first turn. Answers `handoffStatus` while it runs.
 *
 * @returns the chain, each package, and per-agent tokens, cost, output and floor compactions.
 * @throws ApplicationFailure `InvalidHandoffInput` or `InvalidHandoffPackage` (the message names
 * the field), or `AgentFailed` when an agent's session fails.
 */
export async function handoffWorkflow(input: HandoffInput): Promise<HandoffResult> {
  const chain = new HandoffChain(input);
  setHandler(handoffStatusQuery, () => chain.status());
  return chain.run();
}
