/**
 * What a SPEC run shows: its status (the `specStatus` query and every decision's answer) and its
 * presentation in the Temporal UI (search attributes and current details).
 */
import {
  contextLine,
  cumulativeTokens,
  permissionLine,
  tokenBudget,
  type SessionStatus,
} from '../domain/session';
import {
  approvalDetails,
  specHeader,
  specPhaseAttribute,
  type SpecInput,
  type SpecProgress,
  type SpecStatus,
} from '../domain/spec';
import { BATON_PHASE } from '../domain/visibility';
import { sessionAttributes, type Presentation } from './visibility';

/** The SPEC's status: its progress, with tokens, cost, context and workspace from its session's. */
export function specStatusView(input: SpecInput, progress: SpecProgress, session: SessionStatus): SpecStatus {
  const p = progress;
  return {
    spec_id: input.spec.spec_id,
    title: input.spec.title,
    status: p.status,
    current_phase: p.current,
    phases: p.phases.map((x) => ({ ...x, log: [...x.log] })),
    ...(p.failure ? { failure: p.failure } : {}),
    ...(p.approval ? { approval: p.approval } : {}),
    checkpoints: [...p.checkpoints],
    tokens_used: cumulativeTokens(session.cumulative),
    cost_usd: session.cumulative.cost_usd,
    context: tokenBudget(session.tokens_used, session.context_window),
    model: session.model,
    previous_runs: session.previous_runs,
    ...(input.workspace
      ? {
          workspace: {
            path: session.workspace?.path ?? input.workspace.path,
            test_command: input.workspace.test_command,
            ...(session.workspace ? { worker: session.workspace.worker } : {}),
            ...(session.workspace?.checkpoint ? { commit: session.workspace.checkpoint.commit } : {}),
          },
        }
      : {}),
  };
}

/** The SPEC's presentation: its session's attributes and its phase; a pending command, header, plan and context. */
export function specPresentation(
  input: SpecInput,
  progress: SpecProgress,
  status: SessionStatus,
): Presentation {
  return {
    attributes: [
      ...sessionAttributes('spec', status),
      { key: BATON_PHASE, value: specPhaseAttribute(progress) },
    ],
    details: [
      ...(status.pending_permission
        ? [permissionLine({ session_id: status.session_id, command: status.pending_permission.command })]
        : []),
      specHeader(input.spec.spec_id, progress),
      ...(progress.approval ? [approvalDetails(input.spec.spec_id, progress.approval)] : []),
      contextLine({
        budget: tokenBudget(status.tokens_used, status.context_window),
        cumulative: status.cumulative,
      }),
    ].join('\n\n'),
  };
}
