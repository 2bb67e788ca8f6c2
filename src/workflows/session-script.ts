import type { SessionEntity } from './session-entity';

/**
 * Runs a session's start-up script (one turn per message; handoff agents have one), recording
 * each reply. A rollover between messages carries the progress, so the next run goes on from the
 * next message.
 * @returns true when the script is done (or there is none), false when the run must roll over.
 */
export async function runSessionScript(session: SessionEntity): Promise<boolean> {
  const script = session.script;
  if (!script) return true;
  if (session.getState().script_done === 0 && script.min_tokens_available !== undefined) {
    await session.ensureAvailable(script.min_tokens_available, 'handoff');
  }
  for (let next = session.getState().script_done; next < script.messages.length; next++) {
    if (session.rolloverDue) return false;
    const r = await session.send({ message: script.messages[next]! });
    session.recordScriptOutput({
      turn: r.turn,
      reply: r.reply,
      tokens: r.usage.input_tokens + r.usage.output_tokens,
      cost_usd: r.cost_usd,
    });
  }
  if (script.close_when_done) session.close();
  return true;
}
