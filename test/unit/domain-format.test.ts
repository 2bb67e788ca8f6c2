import { expect, it } from 'vitest';
import { formatCount } from '../../src/domain/format';

it('formats counts exactly as en-US does, whole or not', () => {
  const values = [
    0,
    -0,
    1,
    12,
    999,
    1_000,
    12_345,
    200_000,
    1_234_567,
    -1,
    -4_321,
    2 ** 53 - 1,
    1234.5,
    0.125,
    -98765.4321,
  ];
  for (let x = 1; x < 1e15; x *= 7) values.push(x, -x, x + 0.5);
  for (const x of values) expect(formatCount(x), String(x)).toBe(x.toLocaleString('en-US'));
  expect(formatCount(200_000)).toBe('200,000');
});
