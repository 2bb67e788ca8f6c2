/**
 * Showing a PostgreSQL URL to people without showing its password. Database URLs carry
 * credentials, and error messages end up in logs, terminals and bug reports.
 */

const SCHEME = /^postgres(?:ql)?:\/\//i;

/** True when `url` names the PostgreSQL store (`postgres://` or `postgresql://`). */
export function isPostgresUrl(url: string): boolean {
  return SCHEME.test(url.trim());
}

/**
 * The URL with its password (and any `password=` query parameter) replaced by `***`, for error
 * messages. A URL that cannot be parsed is reduced to its scheme: anything more might be secret.
 *
 * @example
 * redactPostgresUrl('postgres://baton:s3cret@db:5432/baton'); // 'postgres://baton:***@db:5432/baton'
 */
export function redactPostgresUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return `${/^[a-z][a-z0-9+.-]*:/i.exec(url.trim())?.[0] ?? ''}//… (unparseable URL)`;
  }
  if (parsed.password !== '') parsed.password = '***';
  for (const key of [...parsed.searchParams.keys()]) {
    if (/^(password|sslpassword|sslkey)$/i.test(key)) parsed.searchParams.set(key, '***');
  }
  // `URL` percent-encodes the asterisks in the userinfo part; show them as written.
  return parsed.href.replace(/%2A%2A%2A/gi, '***');
}

/**
 * The secrets in `url` (password and password-like query parameters, raw and percent-decoded),
 * so that text from elsewhere (a driver's error message) can be scrubbed of them.
 */
export function postgresUrlSecrets(url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return [];
  }
  const secrets = new Set<string>();
  const add = (value: string) => {
    if (value === '') return;
    secrets.add(value);
    try {
      secrets.add(decodeURIComponent(value));
    } catch {
      // A malformed escape: the raw form is still covered.
    }
  };
  add(parsed.password);
  for (const [key, value] of parsed.searchParams) {
    if (/^(password|sslpassword|sslkey)$/i.test(key)) add(value);
  }
  return [...secrets];
}

/** `text` with every occurrence of each secret replaced by `***`. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) result = result.split(secret).join('***');
  return result;
}
