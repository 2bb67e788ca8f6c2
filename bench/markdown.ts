/** Markdown formatting shared by the scenarios' sections of the results table. */

/**
 * A GitHub-flavoured markdown table; numbers are right-aligned by the caller's formatting only.
 * @example table(['a', 'b'], [['1', '2']]) // '| a | b |\n| --- | --- |\n| 1 | 2 |'
 */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Milliseconds: two decimals below 10 ms, one below 100, none above. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  const digits = Math.abs(ms) < 10 ? 2 : Math.abs(ms) < 100 ? 1 : 0;
  return ms.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A ratio as `3.21×`. */
export function formatRatio(x: number): string {
  return Number.isFinite(x) ? `${x.toFixed(2)}×` : '–';
}

/** A whole number with thousands separators. */
export function formatInt(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–';
}

/** Bytes in B, KiB or MiB. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '–';
  const abs = Math.abs(bytes);
  if (abs < 1024) return `${Math.round(bytes)} B`;
  if (abs < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
}
