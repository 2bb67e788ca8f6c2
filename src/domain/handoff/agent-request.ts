/**
 * The message each agent's session sends itself: its place in the chain, the package it received,
 * its workspace and its objective. Workflow-safe.
 */
import type { SpecDefinition, SpecWorkspace } from '../spec';
import type { ResolvedAgent } from './contract';
import { renderHandoffPackage, type HandoffPackage } from './package';
import { workspaceNote } from './package-workspace';

/** What an agent's request and session are built from. */
export interface AgentStep {
  spec: SpecDefinition;
  chain: readonly string[];
  index: number;
  agent: ResolvedAgent;
  package?: HandoffPackage;
  /** A person's guidance for a retried agent. */
  guidance?: string;
  /** The handoff's workspace: the request says where it is and asks for `workspace_message`. */
  workspace?: SpecWorkspace;
  /** The commit the first agent starts from (later agents read it in their package). */
  commit?: string;
  /** Why the previous attempt failed, for a retry the agent needs to know it for (failing tests). */
  previous_error?: string;
}

/**
 * The message an agent's session sends itself: where it stands in the chain, the package (from
 * the second agent on), the workspace (when there is one), and its work message as an
 * `Objective:` line. Objective lines are critical context, so every agent's request survives later
 * compactions verbatim.
 */
export function agentRequest(p: AgentStep): string {
  const where =
    `You are ${p.agent.name}, agent ${p.index} of ${p.chain.length} in the handoff chain for SPEC ` +
    `${p.spec.spec_id}: ${p.chain.join(' → ')}.`;
  const context = p.package ? renderHandoffPackage(p.package) : 'The SPEC is above in this conversation.';
  const objective = p.workspace ? (p.agent.workspace_message ?? p.agent.work_message) : p.agent.work_message;
  return [
    where,
    context,
    ...(p.workspace ? [workspaceNote(p.workspace, p.package ? undefined : p.commit)] : []),
    `Objective: ${objective}`,
    ...(p.previous_error ? [`Your previous attempt failed: ${p.previous_error}`] : []),
    ...(p.guidance ? [`Guidance for this attempt: ${p.guidance}`] : []),
  ].join('\n\n');
}
