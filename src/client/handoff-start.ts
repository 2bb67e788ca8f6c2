import {
  DEFAULT_HANDOFF_FLOOR,
  HANDOFF_WORKFLOW_TYPE,
  handoffWorkflowId,
  type HandoffInput,
} from '../domain/handoff';
import { BATON_KIND, BATON_PHASE } from '../domain/visibility';
import type { handoffWorkflow } from '../workflows';
import { workflowUiUrl } from './connection-settings';
import type { HandoffContext } from './handoff-context';
import { toHandoffError } from './handoff-workflow';

/** A handoff that has started. */
export interface HandoffStarted {
  handoff_id: string;
  run_id: string;
  spec_id: string;
  chain: string[];
  /** Model of each agent, in chain order. */
  models: string[];
  min_tokens_available: number;
  ui_url: string;
}

/**
 * Starts a checked handoff's workflow (one live handoff per SPEC id).
 * @throws HandoffExistsError when one is running or has completed under this id; NoWorkerError
 * when no worker polls.
 */
export async function startHandoff(ctx: HandoffContext, input: HandoffInput): Promise<HandoffStarted> {
  const handoffId = handoffWorkflowId(input.spec.spec_id);
  const chain = input.agents.map((a) => a.name);
  await ctx.workers.assertPolling();
  try {
    const handle = await ctx.client.workflow.start<typeof handoffWorkflow>(HANDOFF_WORKFLOW_TYPE, {
      workflowId: handoffId,
      taskQueue: ctx.settings.taskQueue,
      args: [input],
      // One live handoff per SPEC id (its children's ids derive from it); a failed, terminated or
      // cancelled one can be run again under the same id, reusing those child ids.
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
      typedSearchAttributes: [
        { key: BATON_KIND, value: 'handoff' },
        { key: BATON_PHASE, value: chain[0]! },
      ],
      staticSummary: `handoff ${input.spec.spec_id} · ${chain.join(' → ')}`,
      staticDetails:
        `**SPEC ${input.spec.spec_id}:** ${input.spec.title}\n\n` +
        input.agents.map((a, i) => `${i + 1}. ${a.name} · ${a.model.id}`).join('\n') +
        (input.workspace
          ? `\n\n**Workspace:** \`${input.workspace.path}\` · tests \`${input.workspace.test_command}\``
          : ''),
    });
    return {
      handoff_id: handoffId,
      run_id: handle.firstExecutionRunId,
      spec_id: input.spec.spec_id,
      chain,
      models: input.agents.map((a) => a.model.id),
      min_tokens_available: input.min_tokens_available ?? DEFAULT_HANDOFF_FLOOR,
      ui_url: workflowUiUrl(ctx.settings, handoffId, handle.firstExecutionRunId),
    };
  } catch (err) {
    throw toHandoffError(err, handoffId);
  }
}
