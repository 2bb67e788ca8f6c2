/**
 * A handoff agent's closed session as `status` reports it: one turn, 2,000 tokens, $0.012. The
 * handoff unit tests build packages and agent runs from it.
 */
import { DEFAULT_SESSION_SETTINGS, ZERO_CUMULATIVE, type SessionStatus } from '../../src/domain/session';

/** The status of agent session `sessionId` after its one turn replied `reply`; `over` changes fields. */
export function closedAgentStatus(
  sessionId: string,
  reply: string,
  over: Partial<SessionStatus> = {},
): SessionStatus {
  return {
    session_id: sessionId,
    status: 'closed',
    model: 'claude-sonnet-4-6',
    context_window: 200_000,
    tokens_used: 2_000,
    tokens_available: 198_000,
    position_percent: 1,
    cumulative: { ...ZERO_CUMULATIVE, input_tokens: 1_500, output_tokens: 500, cost_usd: 0.012 },
    last_activity: '2026-01-01T00:00:00.000Z',
    created_at: '2026-01-01T00:00:00.000Z',
    turns: 1,
    run_id: 'run',
    head: 'b'.repeat(64),
    previous_runs: [],
    settings: DEFAULT_SESSION_SETTINGS,
    compactions: 0,
    last_compaction: null,
    rollovers: [],
    checkpoints: 0,
    merges: [],
    script_outputs: [{ turn: 1, reply, tokens: 2_000, cost_usd: 0.012 }],
    floor_compactions: 0,
    ...over,
  };
}
