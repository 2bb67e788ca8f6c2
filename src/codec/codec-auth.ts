import { createHash, timingSafeEqual } from 'node:crypto';
import net from 'node:net';
import { CodecAuthConfigError } from './errors';

/** The environment variable that holds the codec server's bearer token. */
export const CODEC_AUTH_TOKEN_VARIABLE = 'BATON_CODEC_AUTH_TOKEN';
/** Shorter tokens are refused: a codec server hands out plaintext to whoever guesses one. */
export const MIN_CODEC_TOKEN_LENGTH = 16;

/**
 * True when `host` is reachable only from this machine (`localhost`, 127.0.0.0/8, `::1`); a
 * wildcard (`0.0.0.0`, `::`), a LAN address or a host name is beyond loopback.
 */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (bare === 'localhost') return true;
  if (net.isIPv4(bare)) return bare.startsWith('127.');
  if (net.isIPv6(bare)) return bare === '::1' || /^::ffff:127\./.test(bare);
  return false;
}

/**
 * Checks the codec server's access settings before it listens.
 *
 * @throws CodecAuthConfigError when `host` is beyond loopback and there is no token (anyone who
 * reached the port could decrypt), or when the token is shorter than 16 characters.
 */
export function checkCodecAccess(host: string, token: string | undefined): void {
  if (token !== undefined && token.length < MIN_CODEC_TOKEN_LENGTH) {
    throw new CodecAuthConfigError(
      `${CODEC_AUTH_TOKEN_VARIABLE} is too short (${token.length} characters; at least ${MIN_CODEC_TOKEN_LENGTH}). ` +
        'Generate one with `openssl rand -hex 32`.',
    );
  }
  if (token === undefined && !isLoopbackHost(host)) {
    throw new CodecAuthConfigError(
      `The codec server decrypts for anyone who reaches it, so listening on ${host} (beyond this machine) needs a bearer token: ` +
        `set ${CODEC_AUTH_TOKEN_VARIABLE} (for example to the output of \`openssl rand -hex 32\`), and have callers send ` +
        "`Authorization: Bearer <token>` (the Temporal CLI: --codec-auth 'Bearer <token>'). Or listen on 127.0.0.1.",
    );
  }
}

/**
 * A constant-time check of an `Authorization` header against the token: `Bearer <token>`
 * (scheme case-insensitive, as RFC 9110 says). Both sides are hashed first, so neither their
 * contents nor their lengths leak through timing.
 */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const presented = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
  if (presented === undefined) return false;
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(presented), digest(token));
}
