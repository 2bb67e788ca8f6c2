/**
 * A last line of defence: a tiny detached process that stops the dev server and removes the run's
 * temp folder if the benchmark process dies without cleaning up. That happens when the benchmark is
 * SIGKILLed, including by `tsx` itself: on Ctrl-C, tsx SIGKILLs a child that does not acknowledge
 * the signal within 30 ms, which a benchmark busy counting the tokens of a 1,000-turn conversation
 * can fail to do. (The worker child process needs no guard: it stops when its IPC channel to the
 * benchmark closes.)
 *
 * Run as `node --import tsx bench/orphan-guard.ts <benchmark pid> <server pid> <temp folder>`; it
 * exits by itself as soon as the server is gone.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';

const POLL_MS = 250;
const KILL_AFTER_MS = 10_000;

/** Starts the guard for the dev server `serverPid` and the temp folder `workDir` of this process. */
export function startOrphanGuard(serverPid: number, workDir: string): void {
  const args = [String(process.pid), String(serverPid), workDir];
  const guard = spawn(
    process.execPath,
    ['--import', pathToFileURL(require.resolve('tsx')).href, __filename, ...args],
    {
      // Detached, in its own process group, so the Ctrl-C that reaches the benchmark does not reach it.
      detached: true,
      stdio: 'ignore',
    },
  );
  guard.unref();
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function guard(benchPid: number, serverPid: number, workDir: string): void {
  let orphanedAt: number | undefined;
  setInterval(() => {
    if (orphanedAt === undefined) {
      if (!alive(serverPid)) process.exit(0); // the benchmark stopped it: nothing to do
      if (alive(benchPid)) return;
      orphanedAt = Date.now();
      process.kill(serverPid, 'SIGTERM');
      return;
    }
    if (alive(serverPid)) {
      if (Date.now() - orphanedAt > KILL_AFTER_MS) process.kill(serverPid, 'SIGKILL');
      return;
    }
    fs.rmSync(workDir, { recursive: true, force: true });
    process.exit(0);
  }, POLL_MS);
}

if (require.main === module) {
  const [benchPid, serverPid] = process.argv.slice(2, 4).map(Number);
  const workDir = process.argv[4];
  if (!benchPid || !serverPid || !workDir) {
    console.error('usage: orphan-guard.ts <benchmark pid> <server pid> <temp folder>');
    process.exit(2);
  }
  guard(benchPid, serverPid, workDir);
}
