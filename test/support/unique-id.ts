/**
 * Ids for what tests create on the shared Temporal server (sessions, SPECs, handoffs): workflow
 * ids outlive a test, so a fixed one would collide with an earlier run, or with the same test
 * retried. Call it inside the test, so that a retry gets a new id too.
 */
import { randomBytes } from 'node:crypto';

/**
 * `prefix` plus a random suffix, valid as a session id and as a SPEC id (letters, digits, '-').
 * @example uniqueId('SPEC-RETRY') // 'SPEC-RETRY-3f9c0a1b'
 */
export function uniqueId(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}
