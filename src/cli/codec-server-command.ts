/**
 * `baton codec-server`: serves the encryption codec over HTTP so the Temporal UI (and
 * `temporal workflow show --codec-endpoint`) can show encrypted payloads to someone who runs it
 * with the key.
 */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { CODEC_AUTH_TOKEN_VARIABLE } from '../codec/codec-auth';
import { DEFAULT_CODEC_PORT, DEFAULT_UI_ORIGIN } from '../codec/codec-server';
import type { CliIO } from './cli-io';
import { wholeNumber } from './option-parsers';

interface CodecServerCommandOptions {
  port: number;
  host: string;
  origin?: string[];
}

/** Commander parser for a repeatable `--origin`: an `http(s)://host[:port]` origin or `*`. */
function collectOrigin(value: string, previous: string[] | undefined): string[] {
  const trimmed = value.trim();
  if (trimmed !== '*') {
    let url: URL;
    try {
      url = new URL(trimmed);
    } catch {
      throw new InvalidArgumentError(`expected an origin such as http://localhost:8080, got '${value}'.`);
    }
    if (!/^https?:$/.test(url.protocol) || url.origin !== trimmed.replace(/\/+$/, '')) {
      throw new InvalidArgumentError(
        `expected an origin (scheme, host and port only) such as http://localhost:8080, got '${value}'.`,
      );
    }
  }
  return [...(previous ?? []), trimmed.replace(/\/+$/, '')];
}

/** Resolves when `signal` aborts or, without one, when the process is asked to stop. */
function untilStopped(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal) {
      if (signal.aborted) resolve();
      signal.addEventListener('abort', () => resolve(), { once: true });
      return;
    }
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

/**
 * Adds `baton codec-server [--port 8888] [--host 127.0.0.1] [--origin URL]…` to `program`. The
 * command reads the keys from `io.env` (`BATON_ENCRYPTION_KEY`, `BATON_ENCRYPTION_KEY_ID`,
 * `BATON_ENCRYPTION_KEYS_OLD`), serves until `signal` aborts (or SIGINT/SIGTERM without one), and
 * fails at once with a clear message when no key is set.
 *
 * CORS origins come from `--origin` (repeatable), else `BATON_CODEC_CORS_ORIGINS`
 * (comma-separated), else the dev server UI's `http://localhost:8233`. `BATON_CODEC_AUTH_TOKEN`
 * makes every request need `Authorization: Bearer <token>`; it is required with a `--host` beyond
 * loopback (the command refuses to start without it). The token is read from the environment
 * only, so it never shows in a process listing.
 *
 * @example
 * registerCodecServerCommand(program, io, signal);
 * // $ BATON_ENCRYPTION_KEY=… baton codec-server --origin http://localhost:8080
 */
export function registerCodecServerCommand(program: Command, io: CliIO, signal?: AbortSignal): Command {
  return program
    .command('codec-server')
    .description('serve /encode and /decode so the Temporal UI can show encrypted payloads (needs the key)')
    .option(
      '--port <port>',
      `port to listen on (default ${DEFAULT_CODEC_PORT})`,
      wholeNumber(0, 65_535),
      DEFAULT_CODEC_PORT,
    )
    .option(
      '--host <address>',
      `address to listen on (default 127.0.0.1; beyond loopback, e.g. 0.0.0.0, needs ${CODEC_AUTH_TOKEN_VARIABLE})`,
      '127.0.0.1',
    )
    .option(
      '--origin <url>',
      `browser origin allowed to call it, e.g. the Temporal UI's address; repeatable (default ${DEFAULT_UI_ORIGIN})`,
      collectOrigin,
    )
    .action(async (options: CodecServerCommandOptions) => {
      const { EncryptionCodec, startCodecServer } = await import('../codec/index.js');
      const codec = EncryptionCodec.fromEnv(io.env);
      if (codec === undefined) {
        throw new Error(
          'The codec server needs the encryption key: set BATON_ENCRYPTION_KEY (and BATON_ENCRYPTION_KEYS_OLD for rotated keys) as for the worker.',
        );
      }
      const fromEnv = (io.env.BATON_CODEC_CORS_ORIGINS ?? '')
        .split(',')
        .map((o) => o.trim())
        .filter((o) => o !== '')
        .reduce<string[] | undefined>((all, o) => collectOrigin(o, all), undefined);
      const origins = options.origin ?? fromEnv ?? [DEFAULT_UI_ORIGIN];
      const authToken = io.env[CODEC_AUTH_TOKEN_VARIABLE] || undefined;
      const server = await startCodecServer({
        codec,
        port: options.port,
        host: options.host,
        origins,
        ...(authToken !== undefined ? { authToken } : {}),
        log: (line) => io.stderr(`${line}\n`),
      });
      io.stdout(
        `Codec server at ${server.url} (key ${codec.current.id}; decrypts ${codec.keyIds.join(', ')}), CORS for ${origins.join(', ')}` +
          `${authToken !== undefined ? `, bearer token required (${CODEC_AUTH_TOKEN_VARIABLE})` : ''}.\n` +
          `Temporal UI: set TEMPORAL_CODEC_ENDPOINT=${server.url} (or Settings → Codec Server). ` +
          `CLI: temporal workflow show -w <id> --codec-endpoint ${server.url}` +
          `${authToken !== undefined ? ` --codec-auth "Bearer $${CODEC_AUTH_TOKEN_VARIABLE}"` : ''}\n`,
      );
      try {
        await untilStopped(signal);
      } finally {
        await server.close();
      }
    });
}
