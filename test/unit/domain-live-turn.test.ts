import { describe, expect, it } from 'vitest';
import {
  cancelRequestProblem,
  requestIdProblem,
  retainFrom,
  TURN_EVENTS_RETAINED_MS,
  sendRequestProblem,
} from '../../src/domain/session';

const session = { session_id: 's', closed: false, context_window: 200_000 };

describe('request ids', () => {
  it('are 1 to 64 letters, digits, _ or -', () => {
    expect(requestIdProblem(undefined)).toBeUndefined();
    expect(requestIdProblem('req_0123abcd')).toBeUndefined();
    expect(requestIdProblem('a'.repeat(64))).toBeUndefined();
    for (const bad of ['', 'a'.repeat(65), 'with space', '../x', 'x;ls', 42, null]) {
      expect(requestIdProblem(bad), String(bad)).toBe('A request id is 1 to 64 letters, digits, `_` or `-`.');
    }
  });

  it('are checked on sends and cancels, with `stream` a boolean', () => {
    expect(sendRequestProblem({ message: 'hi', request_id: 'req_1', stream: true }, session)).toBeUndefined();
    expect(sendRequestProblem({ message: 'hi', request_id: 'no way' }, session)).toMatch(/request id/);
    expect(sendRequestProblem({ message: 'hi', stream: 'yes' as unknown as boolean }, session)).toBe(
      '`stream` must be true or false.',
    );
    expect(cancelRequestProblem(undefined)).toBeUndefined();
    expect(cancelRequestProblem({})).toBeUndefined();
    expect(cancelRequestProblem({ request_id: 'req_1' })).toBeUndefined();
    expect(cancelRequestProblem({ request_id: 'x y' })).toMatch(/request id/);
    expect(cancelRequestProblem('req_1' as never)).toBe(
      'A cancel request is an object, optionally with a `request_id`.',
    );
  });
});

describe('retainFrom', () => {
  const MIN = 60_000;
  /** Turns that started at these offsets, `apart` ms after one another, the last one at 0. */
  const starts = (offsets: number[], apart: number) =>
    offsets.map((offset, i) => ({ offset, at: (i - offsets.length + 1) * apart }));

  it('keeps the last turns and drops what ended long enough ago', () => {
    expect(retainFrom([], 0)).toBeUndefined();
    expect(retainFrom(starts([0], 10 * MIN), 0)).toBeUndefined();
    expect(retainFrom(starts([0, 40], 10 * MIN), 0)).toBeUndefined();
    expect(retainFrom(starts([0, 40, 90], 10 * MIN), 0)).toBe(40);
    expect(retainFrom(starts([10, 40, 90, 130], 10 * MIN), 0)).toBe(90);
    expect(retainFrom(starts([10, 40, 90], 10 * MIN), 10 * MIN, { keep: 1 })).toBe(90);
    // The turn before the current one ended just now: it stays even when only one is kept.
    expect(retainFrom(starts([10, 40, 90], 10 * MIN), 0, { keep: 1 })).toBe(40);
  });

  it('keeps turns that ended recently, however many followed them', () => {
    // A burst of quick turns (a SPEC's phases): a reader that fell behind still finds their ends.
    expect(retainFrom(starts([0, 40, 90, 130, 170], 1000), 0)).toBeUndefined();
    // Only the turns whose successor started long enough ago go.
    const mixed = [
      { offset: 0, at: -20 * MIN },
      { offset: 40, at: -10 * MIN },
      { offset: 90, at: -TURN_EVENTS_RETAINED_MS + 1 },
      { offset: 130, at: -1000 },
      { offset: 170, at: 0 },
    ];
    expect(retainFrom(mixed, 0)).toBe(40);
    expect(retainFrom(mixed, 2)).toBe(90);
  });

  it('keeps no more than the most turns, however recent', () => {
    const burst = starts([0, 10, 20, 30, 40, 50], 1);
    expect(retainFrom(burst, 0, { max: 4 })).toBe(20);
    expect(retainFrom(burst, 0, { max: 4, keep: 5 })).toBe(10);
  });
});
