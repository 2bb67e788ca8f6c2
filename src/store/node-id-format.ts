/**
 * The format of a node id. It lives apart from the hashing in `node-id.ts` because the node shape
 * check needs it and the hashing needs the shape check (no import cycle).
 */

const NODE_ID = /^[0-9a-f]{64}$/;

/**
 * True when `value` is a well-formed node id: 64 lowercase hex characters (a SHA-256). Uppercase
 * is rejected so that one node never has two spellings (and two file names).
 */
export function isNodeId(value: unknown): value is string {
  return typeof value === 'string' && NODE_ID.test(value);
}
