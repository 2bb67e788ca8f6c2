import { formatCount } from '../format';

/**
 * Floors: "have at least this many tokens available before heavy work, compacting first if not".
 * A floor the window cannot keep free makes every compaction before the work pointless.
 */

/** A floor as the session applies it. */
export interface CappedFloor {
  /** The floor that applies: the requested one, or the cap when that was lower. */
  floor: number;
  /** What the caller asked for. */
  requested: number;
  /** The most the window keeps free: the room above the summarization threshold. */
  cap: number;
  capped: boolean;
}

/**
 * Caps a floor at the room the session's own summarization threshold leaves free
 * (`context_window × (100 − summarize_at_percent) %`). The session lets its context grow to that
 * threshold before it summarizes, so more room than that cannot be promised; a larger floor would
 * compact before every piece of work and still not be met. With the defaults (a 200,000-token
 * window, summarization at 75 %) the cap is 50,000 tokens, the default SPEC floor.
 *
 * @example
 * capFloor({ requested: 50_000, context_window: 8_000, summarize_at_percent: 75 })
 * // → { floor: 2_000, requested: 50_000, cap: 2_000, capped: true }
 */
export function capFloor(options: {
  requested: number;
  context_window: number;
  summarize_at_percent: number;
}): CappedFloor {
  const { requested, context_window: window, summarize_at_percent: summarizeAt } = options;
  const cap = Math.max(0, Math.floor((window * (100 - summarizeAt)) / 100));
  return requested > cap
    ? { floor: cap, requested, cap, capped: true }
    : { floor: requested, requested, cap, capped: false };
}

/**
 * The one line that says a floor was capped, for a phase log or a CLI; undefined when it was not.
 *
 * @example
 * floorCapNote(capFloor({ requested: 50_000, context_window: 8_000, summarize_at_percent: 75 }), {
 *   model: 'baton-small-8k', context_window: 8_000, summarize_at_percent: 75 })
 * // → 'floor capped: 50,000 tokens available cannot be kept in the 8,000-token window of …'
 */
export function floorCapNote(
  floor: CappedFloor,
  context: { model: string; context_window: number; summarize_at_percent: number },
): string | undefined {
  if (!floor.capped) return undefined;
  return (
    `floor capped: ${formatCount(floor.requested)} tokens available cannot be kept in the ${formatCount(context.context_window)}-token ` +
    `window of ${context.model}; compacting first only below ${formatCount(floor.floor)} ` +
    `(the room above its ${context.summarize_at_percent} % summarization threshold)`
  );
}
