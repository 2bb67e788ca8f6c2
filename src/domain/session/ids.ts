/**
 * Session ids are workflow ids and also file and URL path segments, so they are restricted to
 * characters that are safe in all three: no path separators, no shell metacharacters.
 */

const SESSION_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/** The reason `id` is not a valid session id, or undefined when it is valid. */
export function sessionIdProblem(id: string): string | undefined {
  if (id.length === 0) return 'a session id cannot be empty';
  if (id.length > 128) return `a session id is at most 128 characters (got ${id.length})`;
  if (!SESSION_ID.test(id) || id.includes('..')) {
    return (
      `'${printable(id)}' is not a valid session id: use letters, digits, '_', '.' and '-', ` +
      'starting with a letter or digit (no spaces, slashes or shell characters)'
    );
  }
  return undefined;
}

/** A new session id: `sess_` + 16 hex characters from the given random source. */
export function newSessionId(random: () => number): string {
  let hex = '';
  for (let i = 0; i < 16; i++) hex += Math.floor(random() * 16).toString(16);
  return `sess_${hex}`;
}

function printable(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, '?').slice(0, 60);
}

/**
 * A short random id for a record inside a workflow: `<prefix>_` + the first 16 hex characters of
 * `uuid` (a workflow passes `uuid4()`, which replays the same).
 * @example shortId('cp', '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0') // 'cp_0f1e2d3c4b5a6978'
 */
export function shortId(prefix: string, uuid: string): string {
  return `${prefix}_${uuid.replace(/-/g, '').slice(0, 16)}`;
}
