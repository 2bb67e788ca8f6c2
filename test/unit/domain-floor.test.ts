import { describe, expect, it } from 'vitest';
import { capFloor, floorCapNote } from '../../src/domain/session';
import { createModelRegistry } from '../../src/domain/models';

const registry = createModelRegistry();
const small = registry.get('baton-small-8k');
const sonnet = registry.get('claude-sonnet-4-6');

describe('capFloor', () => {
  it('caps a floor the window cannot keep free at the room above the summarization threshold', () => {
    expect(
      capFloor({ requested: 50_000, context_window: small.context_window, summarize_at_percent: 75 }),
    ).toEqual({ floor: 2_000, requested: 50_000, cap: 2_000, capped: true });
  });

  it('leaves the default SPEC floor alone on a 200,000-token window', () => {
    expect(
      capFloor({ requested: 50_000, context_window: sonnet.context_window, summarize_at_percent: 75 }),
    ).toEqual({ floor: 50_000, requested: 50_000, cap: 50_000, capped: false });
  });

  it('follows the summarization threshold and rounds the cap down', () => {
    expect(capFloor({ requested: 10_000, context_window: 8_001, summarize_at_percent: 60 })).toMatchObject({
      floor: 3_200,
      capped: true,
    });
    expect(capFloor({ requested: 100_000, context_window: 200_000, summarize_at_percent: 50 })).toMatchObject(
      { floor: 100_000, capped: false },
    );
  });

  it('keeps a zero floor (never compact first) as it is', () => {
    expect(capFloor({ requested: 0, context_window: 8_000, summarize_at_percent: 75 })).toMatchObject({
      floor: 0,
      capped: false,
    });
  });
});

describe('floorCapNote', () => {
  const context = { model: 'baton-small-8k', context_window: 8_000, summarize_at_percent: 75 };

  it('names the requested floor, the window, the model and the floor that applies', () => {
    const note = floorCapNote(
      capFloor({ requested: 50_000, context_window: 8_000, summarize_at_percent: 75 }),
      context,
    );
    expect(note).toBe(
      'floor capped: 50,000 tokens available cannot be kept in the 8,000-token window of baton-small-8k; ' +
        'compacting first only below 2,000 (the room above its 75 % summarization threshold)',
    );
  });

  it('says nothing when the floor was not capped', () => {
    expect(
      floorCapNote(capFloor({ requested: 1_000, context_window: 8_000, summarize_at_percent: 75 }), context),
    ).toBeUndefined();
  });
});
