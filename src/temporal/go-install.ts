import { spawn } from 'node:child_process';
import { constants as fsConstants } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import readline from 'node:readline';

/** One `main` package of a Go module, and the name its binary gets in the cache. */
export interface GoPackage {
  /** Package path inside the module, e.g. `cmd/server`. */
  path: string;
  /** File name in the cache's `bin/`, e.g. `temporal-server` (go names it after the last path element). */
  binary: string;
}

/** What {@link goInstall} builds, and how it reports. */
export interface GoInstallRequest {
  /** For messages: "the Temporal server". */
  what: string;
  /** Module path, e.g. `go.temporal.io/server`. */
  module: string;
  /** A tag, e.g. `v1.32.2`. */
  version: string;
  packages: readonly GoPackage[];
  /**
   * Files to copy out of the module's source after the build, relative to the module root (e.g.
   * `schema/postgresql/v12`): the module cache can be cleaned, the baton cache keeps what it needs.
   */
  files?: readonly string[];
  /** The finished folder: `bin/<binary>` and the copied files. Written all at once, never half. */
  target: string;
  /** `GOTOOLCHAIN` for the build (a module that needs a newer Go than the local one). */
  toolchain?: string;
  env: NodeJS.ProcessEnv;
  progress: (line: string) => void;
  /** What to tell the user when there is no `go` on PATH. */
  noGoMessage: string;
  /** Added to the message of a failed build: what else the user can do. */
  hint: string;
  /** Builds the error thrown for a missing Go or a failed build. */
  fail: (message: string) => Error;
}

/**
 * Builds Go binaries with `go install module/pkg@version` into a private folder, copies the
 * module files asked for, then renames the folder to `target`, so a concurrent or interrupted build
 * never leaves a half-written result where the next run would pick it up. Prints a line per module
 * download and the elapsed time every 15 s.
 *
 * @throws the error built by `request.fail` when Go is missing or the build fails.
 */
export async function goInstall(request: GoInstallRequest): Promise<void> {
  const go = await findOnPath('go', request.env.PATH ?? '');
  if (!go) throw request.fail(request.noGoMessage);
  const parent = path.dirname(request.target);
  await fs.mkdir(parent, { recursive: true });
  const staging = await fs.mkdtemp(path.join(parent, 'build-'));
  request.progress(
    `Building ${request.what} ${request.version} from source with Go (first run only; a few minutes)…`,
  );
  const started = Date.now();
  const ticker = setInterval(
    () => request.progress(`  still building… ${Math.round((Date.now() - started) / 1000)}s`),
    15_000,
  );
  const targets = request.packages.map((p) => `${request.module}/${p.path}@${request.version}`);
  request.progress(`  go install ${targets.join(' ')} → ${request.target}`);
  try {
    const env: NodeJS.ProcessEnv = {
      ...request.env,
      GOBIN: path.join(staging, 'go-bin'),
      GOFLAGS: request.env.GOFLAGS ?? '',
      ...(request.toolchain ? { GOTOOLCHAIN: request.toolchain } : {}),
    };
    const install = await runGo(go, ['install', ...targets], env, request.progress);
    if (install.code !== 0) {
      throw request.fail(
        `Building ${request.what} failed (go install exited ${install.code}). Last output:\n${install.tail}\n` +
          request.hint,
      );
    }
    await fs.mkdir(path.join(staging, 'bin'));
    for (const p of request.packages) {
      await fs.rename(
        path.join(staging, 'go-bin', path.basename(p.path)),
        path.join(staging, 'bin', p.binary),
      );
    }
    await fs.rm(path.join(staging, 'go-bin'), { recursive: true, force: true });
    if (request.files?.length) {
      const moduleDir = await moduleSourceDir(go, request, env);
      for (const file of request.files) {
        const copy = path.join(staging, file);
        await fs.cp(path.join(moduleDir, file), copy, { recursive: true });
        // The module cache is read-only; the copies must be removable like the rest of the cache.
        await makeWritable(copy);
      }
    }
    const done = path.join(request.target, 'bin', request.packages[0]!.binary);
    // A folder left by an older, interrupted layout would block the rename.
    if (!(await isExecutable(done))) await fs.rm(request.target, { recursive: true, force: true });
    try {
      await fs.rename(staging, request.target);
    } catch (err) {
      // Another build finished first: its result is as good as ours.
      if (!(await isExecutable(done))) throw err;
    }
    request.progress(
      `Built ${request.what} in ${Math.round((Date.now() - started) / 1000)}s; cached at ${request.target}.`,
    );
  } finally {
    clearInterval(ticker);
    await fs.rm(staging, { recursive: true, force: true });
  }
}

/** Where `go mod download` put the module's source (it is already there after `go install`). */
async function moduleSourceDir(go: string, request: GoInstallRequest, env: NodeJS.ProcessEnv) {
  const result = await runGo(
    go,
    ['mod', 'download', '-json', `${request.module}@${request.version}`],
    // Outside any module, so the repository's own go.mod (if any) plays no part.
    { ...env, GO111MODULE: 'on' },
    () => undefined,
    path.dirname(request.target),
  );
  const dir = result.code === 0 ? (JSON.parse(result.output) as { Dir?: string }).Dir : undefined;
  if (!dir) {
    throw request.fail(
      `Could not locate the source of ${request.module}@${request.version} (go mod download exited ${result.code}):\n${result.tail}`,
    );
  }
  return dir;
}

async function runGo(
  go: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  progress: (line: string) => void,
  cwd?: string,
): Promise<{ code: number; output: string; tail: string }> {
  const tail: string[] = [];
  let output = '';
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(go, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
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
  return { code, output, tail: tail.join('\n') };
}

/** Owner-writable copies of read-only module files (a file, or a folder and all below it). */
async function makeWritable(file: string): Promise<void> {
  const stat = await fs.stat(file);
  await fs.chmod(file, stat.isDirectory() ? 0o755 : 0o644);
  if (!stat.isDirectory()) return;
  for (const entry of await fs.readdir(file)) await makeWritable(path.join(file, entry));
}

/** The first executable called `name` on `searchPath`. */
export async function findOnPath(name: string, searchPath: string): Promise<string | undefined> {
  for (const dir of searchPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (await isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** True when `file` is a regular file this process may execute. */
export async function isExecutable(file: string): Promise<boolean> {
  try {
    const stat = await fs.stat(file);
    if (!stat.isFile()) return false;
    await fs.access(file, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}
