/**
 * A count as people read it, with thousands separators (`12,345`). Always en-US, so output is the
 * same on every machine and in workflow code (where it must be deterministic).
 *
 * @example formatCount(200000) // '200,000'
 */
export function formatCount(x: number): string {
  return x.toLocaleString('en-US');
}
