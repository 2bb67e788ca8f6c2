/**
 * How finely baton's numeric search attributes follow a session. Every upsert is a history event
 * and a billable action, so the published figures move in steps that keep filters useful without
 * an upsert on every turn: context fill in whole percent, cumulative tokens on a scale of preferred
 * numbers (ten steps per power of ten).
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
 * below the true count, and exact at every round threshold people filter by
 * (`BatonTokensUsed >= 100000`). A session's upserts then grow with the logarithm of its tokens
 * (ten per power of ten), not with its turns.
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
