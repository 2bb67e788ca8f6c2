import { spawn } from 'node:child_process';
import { constants as fsConstants } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import readline from 'node:readline';
import { batonCacheDir } from './cache-dir';
import { TemporalCliBuildError } from './errors';

/** The CLI version baton builds when none is on PATH (the newest tag `go install` accepts). */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
const MODULE = 'github.com/temporalio/cli/cmd/temporal';

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
  const go = await findOnPath('go', env.PATH ?? '');
  if (!go) {
    throw new TemporalCliBuildError(
      'No `temporal` CLI on PATH and no Go toolchain to build one. Install Go 1.23 or newer ' +
        '(https://go.dev/dl/ or `apt-get install golang`), or put a `temporal` binary on PATH, then run again.',
    );
  }
  // Build into a private folder and rename into place, so a concurrent or interrupted build never
  // leaves a half-written binary where the next run would pick it up.
  const binDir = path.dirname(target);
  await fs.mkdir(binDir, { recursive: true });
  const staging = await fs.mkdtemp(path.join(path.dirname(binDir), 'build-'));
  progress(
    `Building the Temporal CLI ${TEMPORAL_CLI_VERSION} from source with Go (first run only; a few minutes)…`,
  );
  progress(`  go install ${MODULE}@${TEMPORAL_CLI_VERSION} → ${target}`);
  const started = Date.now();
  const ticker = setInterval(
    () => progress(`  still building… ${Math.round((Date.now() - started) / 1000)}s`),
    15_000,
  );
  try {
    const tail: string[] = [];
    const code = await new Promise<number>((resolve, reject) => {
      const child = spawn(go, ['install', `${MODULE}@${TEMPORAL_CLI_VERSION}`], {
        env: { ...env, GOBIN: staging, GOFLAGS: env.GOFLAGS ?? '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      for (const stream of [child.stdout, child.stderr]) {
        readline.createInterface({ input: stream }).on('line', (line) => {
          tail.push(line);
          if (tail.length > 20) tail.shift();
          // `go: downloading x` lines are the only sign of life during the long part.
          if (line.startsWith('go: downloading')) progress(`  ${line}`);
        });
      }
      child.on('error', reject);
      child.on('close', (c) => resolve(c ?? 1));
    });
    if (code !== 0) {
      throw new TemporalCliBuildError(
        `Building the Temporal CLI failed (go install exited ${code}). Last output:\n${tail.join('\n')}\n` +
          'Check that Go can reach its module proxy, or install `temporal` yourself and put it on PATH.',
      );
    }
    await fs.rename(path.join(staging, 'temporal'), target);
    progress(`Built the Temporal CLI in ${Math.round((Date.now() - started) / 1000)}s; cached at ${target}.`);
  } finally {
    clearInterval(ticker);
    await fs.rm(staging, { recursive: true, force: true });
  }
}

async function findOnPath(name: string, searchPath: string): Promise<string | undefined> {
  for (const dir of searchPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (await isExecutable(candidate)) return candidate;
  }
  return undefined;
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    const stat = await fs.stat(file);
    if (!stat.isFile()) return false;
    await fs.access(file, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}
