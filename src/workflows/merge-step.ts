import { ApplicationFailure } from '@temporalio/workflow';
import type { MergeRecord, MergeRequest, MergeStrategy, SessionInput } from '../domain/session';
import { applyMerge, mergeRecordOf, SessionFailureType } from '../domain/session';
import { ZERO_USAGE, type Usage } from '../domain/session';
import { modelActivities, storeActivities } from './session-activities';
import type { SessionLedger } from './session-ledger';
import type { SessionWorkspace } from './session-workspace';
import { toUpdateFailure } from './turn-failure';

/**
 * Merges a fork's line of work into a session's: fast-forward when the session has not moved
 * since the fork point (its head becomes the fork's), otherwise a summary of what the fork decided
 * and produced, appended as one critical node. `checkpoint` is called once the merge is known to
 * be possible, before anything changes.
 * @throws ApplicationFailure (MergeRefused) when the lines share no history or fast-forward was
 * required but is impossible.
 */
export async function mergeLineOfWork(
  input: SessionInput,
  head: string | null,
  request: MergeRequest,
  checkpoint: () => void,
): Promise<{ head: string; context_tokens: number; strategy: MergeStrategy; usage: Usage }> {
  const doing = `Merging ${request.fork_session_id} into ${input.session_id}`;
  let inspection;
  try {
    inspection = await storeActivities.inspectMerge.executeWithOptions(
      { summary: `merge: inspect ${request.fork_session_id}` },
      [
        {
          main_session_id: input.session_id,
          fork_session_id: request.fork_session_id,
          main_head: head,
          fork_head: request.fork_head,
        },
      ],
    );
  } catch (err) {
    throw toUpdateFailure(err, doing, SessionFailureType.MergeRefused);
  }
  if (request.strategy === 'fast-forward' && !inspection.fast_forward) {
    throw ApplicationFailure.create({
      type: SessionFailureType.MergeRefused,
      nonRetryable: true,
      message:
        `Cannot fast-forward ${input.session_id}: it has moved on since ${request.fork_session_id} ` +
        'was forked from it. Use --strategy summary to append a summary of the fork instead.',
    });
  }
  const strategy = request.strategy ?? (inspection.fast_forward ? 'fast-forward' : 'summary');
  checkpoint();
  try {
    if (strategy === 'fast-forward') {
      const measured = await storeActivities.prepareSession.executeWithOptions(
        { summary: `merge: fast-forward to ${request.fork_session_id}` },
        [
          {
            session_id: input.session_id,
            model_id: input.model.id,
            head: request.fork_head,
            ...(input.system ? { system: input.system } : {}),
          },
        ],
      );
      return {
        head: request.fork_head,
        context_tokens: measured.context_tokens,
        strategy,
        usage: ZERO_USAGE,
      };
    }
    const merged = await modelActivities.mergeBySummary.executeWithOptions(
      { summary: `merge: summarize ${request.fork_session_id} (${inspection.fork_messages} messages)` },
      [
        {
          session_id: input.session_id,
          fork_session_id: request.fork_session_id,
          model: {
            id: input.model.id,
            context_window: input.model.context_window,
            max_output_tokens: input.model.max_output_tokens,
          },
          main_head: head!,
          fork_head: request.fork_head,
          ancestor: inspection.ancestor!,
          ...(input.system ? { system: input.system } : {}),
        },
      ],
    );
    // Results recorded by workers from before summarizer usage was reported carry none.
    const usage = merged.usage ?? ZERO_USAGE;
    return { head: merged.head, context_tokens: merged.context_tokens, strategy, usage };
  } catch (err) {
    throw toUpdateFailure(err, doing);
  }
}

/**
 * Merges a fork into the session the ledger holds, files first when the session has a workspace
 * (a conflict fails the merge before the conversation changes), then the line of work (see
 * {@link mergeLineOfWork}, which checkpoints the present before anything changes).
 * @returns the merge's record, also appended to the state.
 * @throws ApplicationFailure (MergeRefused) as {@link mergeLineOfWork} does, or the files' merge failure.
 */
export async function mergeFork(
  input: SessionInput,
  ledger: SessionLedger,
  workspace: SessionWorkspace | undefined,
  request: MergeRequest,
): Promise<MergeRecord> {
  const before = ledger.state.head;
  const files = workspace ? await workspace.mergeFork(request.fork_session_id) : undefined;
  const merged = await mergeLineOfWork(input, before, request, () =>
    ledger.checkpoint(undefined, 'before_merge'),
  );
  const record = mergeRecordOf(request, merged, before, new Date().toISOString(), files);
  ledger.state = applyMerge(ledger.state, merged, record);
  return record;
}
