/**
 * Node ids: the SHA-256 of a node's RFC 8785 canonical JSON. Equal content gives an equal id in
 * every store and on every machine, which is what lets workflows carry heads instead of messages.
 */
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { MessageNode } from '../domain/session';
import { InvalidNodeError } from './errors';
import { messageNodeProblem } from './node-shape';

/**
 * The RFC 8785 canonical JSON of a node's `{parent, role, content, meta}`: the exact text that is
 * hashed for its id and that a store persists. Other top-level fields (such as a `StoredNode`'s
 * `id`) are not part of the node and are left out.
 *
 * @throws InvalidNodeError when the node does not have the `MessageNode` shape or holds values
 *   that are not JSON (functions, `NaN`, class instances…), which would otherwise hash to an id
 *   that no stored bytes could match.
 */
export function canonicalNodeJson(node: MessageNode): string {
  const picked = { parent: node.parent, role: node.role, content: node.content, meta: node.meta };
  const problem = messageNodeProblem(picked);
  if (problem !== undefined) throw new InvalidNodeError(problem);
  const json = canonicalize(picked);
  // Unreachable after the shape check; kept so a future shape change cannot yield a bogus id.
  if (json === undefined) throw new InvalidNodeError('the node has no JSON form');
  return json;
}

/** Lowercase hex SHA-256 of a UTF-8 string or bytes. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * The id of a node: lowercase hex SHA-256 of its canonical JSON (see {@link canonicalNodeJson}).
 * Key order does not matter; any change of content, role, meta or parent gives a new id.
 *
 * @throws InvalidNodeError when the node is not a valid `MessageNode`.
 * @example
 * const id = nodeId({ parent: null, role: 'user', content: [{ type: 'text', text: 'hi' }],
 *   meta: { kind: 'message', class: 'supporting' } });
 */
export function nodeId(node: MessageNode): string {
  return sha256Hex(canonicalNodeJson(node));
}
