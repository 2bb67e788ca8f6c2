import path from 'node:path';
import { batonCacheDir } from './cache-dir';
import { TemporalCliBuildError } from './errors';
import { findOnPath, goInstall, isExecutable } from './go-install';

/** The CLI version baton builds when none is on PATH (the newest tag `go install` accepts). */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
const MODULE = 'github.com/temporalio/cli';

export interface FindTemporalCliOptions {
  env?: NodeJS.ProcessEnv;
  /** Receives one line per step of a first-time build ("downloading …", elapsed time). */
  onProgress?: (line: string) => void;
}

/**
 * Finds the `temporal` CLI: `TEMPORAL_CLI_PATH`, then `PATH`, then baton's per-machine cache; if
 * none is there, builds it once with `go install` into the cache (minutes the first time).
 * @throws TemporalCliBuildError when Go is missing or the build fails, saying what to install.
 */
export async function findOrBuildTemporalCli(options: FindTemporalCliOptions = {}): Promise<string> {
  const env = options.env ?? process.env;
  if (env.TEMPORAL_CLI_PATH) {
    if (await isExecutable(env.TEMPORAL_CLI_PATH)) return env.TEMPORAL_CLI_PATH;
    throw new TemporalCliBuildError(`TEMPORAL_CLI_PATH=${env.TEMPORAL_CLI_PATH} is not an executable file.`);
  }
  const onPath = await findOnPath('temporal', env.PATH ?? '');
  if (onPath) return onPath;
  const cached = cachedCliPath(env);
  if (await isExecutable(cached)) return cached;
  await buildTemporalCli(cached, env, options.onProgress ?? (() => undefined));
  return cached;
}

/** Where the built CLI lives: `<cache>/temporal-cli-v1.5.1/bin/temporal`. */
export function cachedCliPath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(batonCacheDir(env), `temporal-cli-${TEMPORAL_CLI_VERSION}`, 'bin', 'temporal');
}

async function buildTemporalCli(target: string, env: NodeJS.ProcessEnv, progress: (line: string) => void) {
  await goInstall({
    what: 'the Temporal CLI',
    module: MODULE,
    version: TEMPORAL_CLI_VERSION,
    packages: [{ path: 'cmd/temporal', binary: 'temporal' }],
    target: path.dirname(path.dirname(target)),
    env,
    progress,
    noGoMessage:
      'No `temporal` CLI on PATH and no Go toolchain to build one. Install Go 1.23 or newer ' +
      '(https://go.dev/dl/ or `apt-get install golang`), or put a `temporal` binary on PATH, then run again.',
    hint: 'Check that Go can reach its module proxy, or install `temporal` yourself and put it on PATH.',
    fail: (message) => new TemporalCliBuildError(message),
  });
}
