/**
 * Lines of a plain-text table: columns padded to their widest cell, two spaces apart, trailing
 * blanks trimmed. The first row is usually the header.
 * @param rightAlignFrom columns from this index on are right-aligned (numbers).
 */
export function tableLines(
  rows: readonly (readonly string[])[],
  options: { rightAlignFrom?: number } = {},
): string[] {
  const columns = Math.max(0, ...rows.map((r) => r.length));
  const widths = Array.from({ length: columns }, (_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const from = options.rightAlignFrom ?? Number.POSITIVE_INFINITY;
  return rows.map((row) =>
    row
      .map((cell, i) => (i >= from ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}
