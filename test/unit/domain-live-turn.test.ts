import { describe, expect, it } from 'vitest';
import {
  cancelRequestProblem,
  requestIdProblem,
  retainFrom,
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
  it('keeps the last turns and drops what came before them', () => {
    expect(retainFrom([], 2)).toBeUndefined();
    expect(retainFrom([0], 2)).toBeUndefined();
    expect(retainFrom([0, 40], 2)).toBeUndefined();
    expect(retainFrom([0, 40, 90], 2)).toBe(40);
    expect(retainFrom([10, 40, 90, 130], 2)).toBe(90);
    expect(retainFrom([10, 40, 90], 1)).toBe(90);
  });
});
