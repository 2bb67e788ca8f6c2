/**
 * Deterministic filler prose for replies that must be a given number of tokens long.
 */

/**
 * Each word, preceded by a space, is a single token of the Claude tokenizer and does not merge with
 * its neighbours, so N words make N tokens and a reply's length can be set precisely.
 */
const WORDS: readonly string[] = [
  'the', 'model', 'state', 'turn', 'token', 'budget', 'context', 'window', 'session', 'reply',
  'message', 'summary', 'check', 'point', 'fork', 'merge', 'worker', 'task', 'queue', 'signal',
  'update', 'query', 'history', 'event', 'time', 'retry', 'limit', 'count', 'value', 'result',
  'input', 'output', 'cache', 'read', 'write', 'store', 'node', 'head', 'root', 'path',
  'file', 'line', 'word', 'text', 'block', 'tool', 'call', 'user', 'and', 'of',
  'to', 'in', 'for', 'on', 'with', 'as', 'is', 'it', 'this', 'that',
  'from', 'by', 'new', 'old',
]; // prettier-ignore

/**
 * Returns `count` filler words, each with a leading space, chosen by a xorshift generator seeded
 * from `seed` (a hex digest): the same seed always gives the same words.
 * @example fillerWords(3, 'a1b2c3d4') // ' state reply the' (for example)
 */
export function fillerWords(count: number, seed: string): string {
  let x = Number.parseInt(seed.slice(0, 8), 16) >>> 0 || 0x9e3779b9;
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out.push(WORDS[x % WORDS.length] ?? 'the');
  }
  return out.length === 0 ? '' : ' ' + out.join(' ');
}
