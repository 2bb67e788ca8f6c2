import { describe, expect, it } from 'vitest';
import {
  contextPercentAttribute,
  tokensUsedAttribute,
  tokensUsedNeedsUpsert,
} from '../../src/domain/visibility';

describe('search-attribute steps', () => {
  it('publishes context fill in whole percent, rounded down', () => {
    expect(contextPercentAttribute(0)).toBe(0);
    expect(contextPercentAttribute(0.4)).toBe(0);
    expect(contextPercentAttribute(70.9)).toBe(70);
    expect(contextPercentAttribute(85)).toBe(85);
  });

  it('publishes cumulative tokens on the R10 scale, never above the true count', () => {
    expect(tokensUsedAttribute(0)).toBe(0);
    expect(tokensUsedAttribute(999)).toBe(800);
    expect(tokensUsedAttribute(1_000)).toBe(1_000);
    expect(tokensUsedAttribute(1_249)).toBe(1_000);
    expect(tokensUsedAttribute(1_250)).toBe(1_250);
    expect(tokensUsedAttribute(123_456)).toBe(100_000);
    expect(tokensUsedAttribute(130_000)).toBe(125_000);
    expect(tokensUsedAttribute(7_999_999)).toBe(6_300_000);
    for (let tokens = 1; tokens < 3_000_000; tokens = Math.ceil(tokens * 1.07)) {
      const published = tokensUsedAttribute(tokens);
      expect(published).toBeLessThanOrEqual(tokens);
      // One R10 step is at most 1.6/1.25 = 1.28 (from 8 to 10 it is 1.25) above the last.
      expect(tokens / published).toBeLessThan(1.29);
    }
  });

  it('changes ten times per power of ten, whatever the number of turns', () => {
    const published = new Set<number>();
    for (let tokens = 1_000; tokens < 10_000; tokens += 7) published.add(tokensUsedAttribute(tokens));
    expect([...published]).toEqual([1_000, 1_250, 1_600, 2_000, 2_500, 3_150, 4_000, 5_000, 6_300, 8_000]);
  });

  it('upserts tokens on their own only for the first count and for a new power of ten', () => {
    expect(tokensUsedNeedsUpsert(undefined, 0)).toBe(true);
    expect(tokensUsedNeedsUpsert(0, 0)).toBe(false);
    expect(tokensUsedNeedsUpsert(0, 160)).toBe(true);
    expect(tokensUsedNeedsUpsert(160, 800)).toBe(false);
    expect(tokensUsedNeedsUpsert(800, 1_000)).toBe(true);
    expect(tokensUsedNeedsUpsert(1_000, 8_000)).toBe(false);
    expect(tokensUsedNeedsUpsert(8_000, 10_000)).toBe(true);
    expect(tokensUsedNeedsUpsert(100_000, 100_000)).toBe(false);
    // A resumed session's lower count is a change of decade too.
    expect(tokensUsedNeedsUpsert(10_000, 8_000)).toBe(true);
  });
});
