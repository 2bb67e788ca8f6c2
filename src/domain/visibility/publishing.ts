/**
 * How finely baton's numeric search attributes follow the session. Every upsert is a history event
 * and a billable action, so the figures move in steps that keep filters useful without an upsert on
 * every turn: context fill in whole percent, cumulative tokens when they have grown by a tenth.
 */

/** Relative growth of the cumulative token count that is published again. */
export const TOKENS_USED_STEP = 0.1;

/**
 * `BatonContextPercent`: the context fill rounded down to a whole percent, so that
 * `BatonContextPercent > 70` is never true of a session below 70 %.
 * @example contextPercentAttribute(70.9) // 70
 */
export function contextPercentAttribute(positionPercent: number): number {
  return Math.floor(positionPercent);
}

/**
 * `BatonTokensUsed` to publish, given the value published last (undefined: none yet) and the true
 * count: the true count when it is the first non-zero one, when it has grown by
 * {@link TOKENS_USED_STEP} or more, or when it went down (a resumed session's count); otherwise the
 * last value, which is then at most about 10 % below the true count. Upserts per session grow with
 * the logarithm of its tokens, not with its turns.
 * @example tokensUsedAttribute(1000, 1050) // 1000
 * @example tokensUsedAttribute(1000, 1100) // 1100
 */
export function tokensUsedAttribute(published: number | undefined, current: number): number {
  if (published === undefined || published === 0 || current < published) return current;
  return current >= published * (1 + TOKENS_USED_STEP) ? current : published;
}
