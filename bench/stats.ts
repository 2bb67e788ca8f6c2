/**
 * Summaries of latency samples. Percentiles use the nearest-rank method: every reported value is
 * a latency that was actually observed, and p50 ≤ p95 ≤ p99 holds by construction.
 */

/** A latency distribution in milliseconds. */
export interface Distribution {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** The same percentiles of two distributions divided (`a / b`), or subtracted (`a - b`). */
export interface PercentileComparison {
  p50: number;
  p95: number;
  p99: number;
}

/**
 * The `q`-quantile (0 < q ≤ 1) of ascending `sorted` samples by nearest rank.
 * @throws RangeError when there are no samples.
 */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new RangeError('percentile of no samples');
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1]!;
}

/**
 * Summarizes latency samples (ms), rounded to microseconds so the JSON stays readable.
 * @throws RangeError when there are no samples.
 * @example distribution([3, 1, 2]).p50 // 2
 */
export function distribution(samples: readonly number[]): Distribution {
  const sorted = [...samples].sort((a, b) => a - b);
  const sum = sorted.reduce((total, x) => total + x, 0);
  return {
    count: sorted.length,
    min: round(sorted[0] ?? 0),
    mean: round(sum / Math.max(1, sorted.length)),
    p50: round(percentile(sorted, 0.5)),
    p95: round(percentile(sorted, 0.95)),
    p99: round(percentile(sorted, 0.99)),
    max: round(sorted.at(-1) ?? 0),
  };
}

/** `a / b` percentile by percentile: how many times slower `a` is. */
export function percentileRatios(a: Distribution, b: Distribution): PercentileComparison {
  return { p50: ratio(a.p50, b.p50), p95: ratio(a.p95, b.p95), p99: ratio(a.p99, b.p99) };
}

/** `a - b` percentile by percentile: the absolute time `a` adds. */
export function percentileDifferences(a: Distribution, b: Distribution): PercentileComparison {
  return { p50: round(a.p50 - b.p50), p95: round(a.p95 - b.p95), p99: round(a.p99 - b.p99) };
}

/** `a / b` rounded to 3 decimals; NaN when `b` is 0 (a ratio that cannot be measured is not 0 or ∞). */
export function ratio(a: number, b: number): number {
  return b === 0 ? Number.NaN : round(a / b);
}

/** Rounds to 3 decimals. */
export function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/**
 * The least-squares slope of `y` over `x` (how much `y` grows per unit of `x`); NaN for fewer than
 * two distinct `x`.
 * @example slope([0, 1, 2], [1, 3, 5]) // 2
 */
export function slope(x: readonly number[], y: readonly number[]): number {
  const n = Math.min(x.length, y.length);
  const mean = (v: readonly number[]) => v.slice(0, n).reduce((s, a) => s + a, 0) / n;
  const mx = mean(x);
  const my = mean(y);
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (x[i]! - mx) * (y[i]! - my);
    den += (x[i]! - mx) ** 2;
  }
  return den === 0 ? Number.NaN : num / den;
}
