/**
 * How finely baton's numeric search attributes follow a session. Every upsert is a history event,
 * a billable action and a visibility write on the server (about 3 ms of its CPU per turn when done
 * every turn), so the published figures move in steps that keep filters useful without an upsert
 * on every turn: context fill in whole percent; cumulative tokens on a scale of preferred numbers,
 * published when another attribute changes anyway or when the count enters a new power of ten.
 */

/** The R10 series of preferred numbers (ISO 3): ten steps per decade, each about 25 % above the last. */
const R10 = [1, 1.25, 1.6, 2, 2.5, 3.15, 4, 5, 6.3, 8] as const;

/**
 * `BatonContextPercent`: the context fill rounded down to a whole percent, so that
 * `BatonContextPercent > 70` is never true of a session below 70 %.
 * @example contextPercentAttribute(70.9) // 70
 */
export function contextPercentAttribute(positionPercent: number): number {
  return Math.floor(positionPercent);
}

/**
 * `BatonTokensUsed`: the cumulative token count rounded down to the R10 series (…, 800, 1,000,
 * 1,250, 1,600, 2,000, 2,500, 3,150, 4,000, 5,000, 6,300, 8,000, 10,000, …), so at most about 20 %
 * below the true count when it is published, and exact at every round threshold people filter by
 * (`BatonTokensUsed >= 100000`).
 * @example tokensUsedAttribute(123_456) // 100_000
 * @example tokensUsedAttribute(130_000) // 125_000
 */
export function tokensUsedAttribute(tokens: number): number {
  if (!(tokens >= 1)) return 0;
  const decade = 10 ** Math.floor(Math.log10(tokens));
  // Float noise (log10 of 1000 is 2.9999999999999996 on some engines) must not drop a decade.
  const base = tokens >= decade * 10 ? decade * 10 : decade;
  let step: number = R10[0];
  for (const r of R10) if (Math.round(r * base) <= tokens) step = r;
  return Math.floor(step * base);
}

/**
 * Whether `BatonTokensUsed` must be upserted on its own (when no other attribute changes): when
 * the first tokens are counted, and when the count enters another power of ten, so that the
 * published value is never ten times below the true count and `BatonTokensUsed >= 100000` finds a
 * session as soon as it gets there. Between those, it rides along with the other attributes'
 * upserts (a whole percent of context fill, a phase).
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
