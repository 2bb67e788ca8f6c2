/**
 * The packages between agents: building one from the sender's final status, and checking before
 * any agent runs that every package of the chain can be valid. Workflow-safe.
 */
import type { SessionStatus } from '../session';
import type { SpecDefinition } from '../spec';
import { agentSessionId, type HandoffInput } from './contract';
import { handoffPackageProblems, type HandoffPackage } from './package';
import type { PackageWorkspace } from './package-workspace';
import type { FieldProblem } from './problems';

/** Name of the checkpoint that hands agent `index`'s work on: `handoff_<n>_<agent>`. */
export function handoffCheckpointName(index: number, agent: string): string {
  return `handoff_${index}_${agent}`;
}

/** The sender's session as a package describes it. */
export type SenderStatus = Pick<
  SessionStatus,
  'session_id' | 'model' | 'tokens_available' | 'position_percent' | 'head'
>;

/**
 * The package from agent `to_index - 1` to agent `to_index` (1-based), built from the sender's
 * final session status. `last_checkpoint` is the sender's final head, recorded by the handoff
 * under `checkpoint_id` (a session's own checkpoint log cannot be read from another workflow).
 */
export function buildHandoffPackage(p: {
  package_id: string;
  checkpoint_id: string;
  created_at: string;
  spec: SpecDefinition;
  from: string;
  to: string;
  to_index: number;
  sender: SenderStatus;
  /** The commit the sender left, when the handoff has a workspace. */
  workspace?: PackageWorkspace;
}): HandoffPackage {
  return {
    package_id: p.package_id,
    from_agent: p.from,
    to_agent: p.to,
    session_context: {
      session_id: p.sender.session_id,
      model: p.sender.model,
      tokens_available: p.sender.tokens_available,
      context_position: p.sender.position_percent,
    },
    task_context: { spec_id: p.spec.spec_id, spec: p.spec, current_phase: `${p.to_index}-${p.to}` },
    last_checkpoint:
      p.sender.head === null
        ? null
        : {
            checkpoint_id: p.checkpoint_id,
            name: handoffCheckpointName(p.to_index - 1, p.from),
            head: p.sender.head,
          },
    ...(p.workspace ? { workspace: p.workspace } : {}),
    created_at: p.created_at,
  };
}

/** A package problem, with the handoff it was found in (1 = from the first agent to the second). */
export interface PackageProblem extends FieldProblem {
  handoff: number;
  from_agent: string;
  to_agent: string;
}

/**
 * Validates, before any agent runs, every package field that is known in advance (agents, SPEC,
 * phase), by building each package with the session context still to come. A chain whose
 * packages cannot be valid (an agent handing work to itself, say) fails before it spends a token.
 */
export function plannedPackageProblems(input: HandoffInput): PackageProblem[] {
  const problems: PackageProblem[] = [];
  for (let i = 1; i < input.agents.length; i++) {
    const from = input.agents[i - 1]!;
    const to = input.agents[i]!;
    const planned = buildHandoffPackage({
      package_id: `planned-${i}`,
      checkpoint_id: `planned-${i}`,
      created_at: '1970-01-01T00:00:00.000Z',
      spec: input.spec,
      from: from.name,
      to: to.name,
      to_index: i + 1,
      sender: {
        session_id: agentSessionId(input.spec.spec_id, i, from.name),
        model: from.model.id,
        tokens_available: 0,
        position_percent: 0,
        head: null,
      },
    });
    for (const p of handoffPackageProblems(planned)) {
      problems.push({ ...p, handoff: i, from_agent: from.name, to_agent: to.name });
    }
  }
  return problems;
}

/** One line per problem: `handoff 1 (a → b): to_agent: …`. */
export function formatPackageProblems(problems: readonly PackageProblem[]): string {
  return problems
    .map((p) => `handoff ${p.handoff} (${p.from_agent} → ${p.to_agent}): ${p.field}: ${p.message}`)
    .join('; ');
}
