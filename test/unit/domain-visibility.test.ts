import { describe, expect, it } from 'vitest';
import { contextPercentAttribute, tokensUsedNeedsUpsert } from '../../src/domain/visibility';

describe('when search attributes are written', () => {
  it('publishes context fill in whole percent, rounded down', () => {
    expect(contextPercentAttribute(0)).toBe(0);
    expect(contextPercentAttribute(0.4)).toBe(0);
    expect(contextPercentAttribute(70.9)).toBe(70);
    expect(contextPercentAttribute(85)).toBe(85);
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
