/**
 * Checks of the requests a session's updates take, as pure functions: the workflow's update
 * validators and the client (which checks before anything is sent) share them, so both give the
 * same message. Each returns the reason the request must be refused, or undefined.
 */
import { isNodeId } from './conversation';

/** What the checks need to know about the session. */
export interface SessionFacts {
  session_id: string;
  closed: boolean;
}

export function closedProblem(s: SessionFacts): string | undefined {
  return s.closed ? `Session ${s.session_id} is closed.` : undefined;
}

export function compactRequestProblem(
  request: { mode?: unknown } | undefined,
  s: SessionFacts,
): string | undefined {
  const mode = request?.mode;
  if (mode !== undefined && mode !== 'progressive' && mode !== 'aggressive') {
    return `Unknown compaction mode '${shown(mode)}': use progressive or aggressive.`;
  }
  return closedProblem(s);
}

export function restoreRequestProblem(
  request: { checkpoint?: unknown } | undefined,
  s: SessionFacts & { hasCheckpoint: (idOrName: string) => boolean },
): string | undefined {
  const closed = closedProblem(s);
  if (closed) return closed;
  const checkpoint = request?.checkpoint;
  if (typeof checkpoint !== 'string' || !s.hasCheckpoint(checkpoint)) {
    return (
      `No checkpoint '${shown(checkpoint).slice(0, 80)}' in session ${s.session_id}. ` +
      `List them with \`baton session checkpoints ${s.session_id}\`.`
    );
  }
  return undefined;
}

export function selfMergeProblem(mainId: string, forkId: unknown): string | undefined {
  return forkId === mainId ? `Cannot merge session ${mainId} with itself: name a fork of it.` : undefined;
}

export function mergeStrategyProblem(strategy: unknown): string | undefined {
  if (strategy === undefined || strategy === 'fast-forward' || strategy === 'summary') return undefined;
  return `Unknown merge strategy '${shown(strategy)}': use fast-forward or summary.`;
}

export function mergeRequestProblem(
  request: { fork_session_id?: unknown; fork_head?: unknown; strategy?: unknown } | undefined,
  s: SessionFacts,
): string | undefined {
  return (
    closedProblem(s) ??
    selfMergeProblem(s.session_id, request?.fork_session_id) ??
    (!isNodeId(request?.fork_head) ? "A merge needs the fork's head (a 64-character node id)." : undefined) ??
    mergeStrategyProblem(request?.strategy)
  );
}

export function optimizeRequestProblem(
  request: { profile?: unknown; recommended?: unknown } | undefined,
  s: SessionFacts & { hasMcp: boolean },
): string | undefined {
  const closed = closedProblem(s);
  if (closed) return closed;
  if (!s.hasMcp) return `Session ${s.session_id} has no MCP servers to optimize.`;
  if (!Array.isArray(request?.recommended) || typeof request.profile !== 'string') {
    return 'An optimize request needs a profile name and its recommended servers.';
  }
  return undefined;
}

/** A value as a message shows it: strings as they are, anything else as JSON. */
function shown(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
}
