/**
 * When baton's numeric search attributes are written. Every upsert is a history event, a billable
 * action and a visibility write on the server (about 3 ms of its CPU per turn when done on every
 * turn), so they follow a session in steps that keep filters useful without an upsert per turn:
 * context fill in whole percent, and cumulative tokens (exact when written) on their own only when
 * they reach a new power of ten, otherwise along with another attribute's change.
 */

/**
 * `BatonContextPercent`: the context fill rounded down to a whole percent, so that
 * `BatonContextPercent > 70` is never true of a session below 70 %.
 * @example contextPercentAttribute(70.9) // 70
 */
export function contextPercentAttribute(positionPercent: number): number {
  return Math.floor(positionPercent);
}

/**
 * Whether `BatonTokensUsed` must be upserted on its own (when no other attribute changes): when
 * the first tokens are counted, and when the count reaches another power of ten, so that
 * `BatonTokensUsed > 100000` finds a session as soon as it passes 100,000 and the written value is
 * never a tenth of the true one. Between those it rides along with the other attributes' upserts
 * (a whole percent of context fill, a phase), which a growing conversation makes every few turns.
 * @example tokensUsedNeedsUpsert(0, 160) // true
 * @example tokensUsedNeedsUpsert(1_000, 8_000) // false
 * @example tokensUsedNeedsUpsert(8_000, 10_000) // true
 */
export function tokensUsedNeedsUpsert(published: number | undefined, current: number): boolean {
  if (published === current) return false;
  if (published === undefined || published < 1 || current < 1) return true;
  return decade(published) !== decade(current);
}

function decade(x: number): number {
  const d = Math.floor(Math.log10(x));
  // log10 of 1,000 may come out as 2.9999999999999996.
  return 10 ** (d + 1) <= x ? d + 1 : d;
}
