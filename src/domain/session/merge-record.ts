import type { MergeRecord, MergeStrategy } from './records';
import type { MergeRequest } from './requests';

/**
 * The record of a merge: the fork, the strategy, the heads before and after, and the fork's files
 * when they were merged into the workspace (a fork without a branch there brings none).
 */
export function mergeRecordOf(
  request: MergeRequest,
  merged: { strategy: MergeStrategy; head: string },
  head_before: string | null,
  time: string,
  files?: { merged: boolean; commit?: string; files: string[] },
): MergeRecord {
  return {
    fork_session_id: request.fork_session_id,
    fork_head: request.fork_head,
    strategy: merged.strategy,
    head_before,
    head_after: merged.head,
    time,
    ...(files?.merged && files.commit ? { workspace: { commit: files.commit, files: files.files } } : {}),
  };
}
