/**
 * What a user checks in a workspace folder, and on the machine that runs its commands: whether the
 * tests pass, the commits, and whether a command's process is still there.
 */
import { execFileSync } from 'node:child_process';

/** What the user would run in the folder: do its tests (`node --test`) pass? */
export function testsPass(dir: string): boolean {
  try {
    execFileSync('node', ['--test'], { cwd: dir, stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

/** The subjects of the folder's git log, newest first. */
export function gitLog(dir: string): string[] {
  return execFileSync('git', ['log', '--format=%s'], { cwd: dir, encoding: 'utf8' }).trim().split('\n');
}

/** Lines of `ps` whose command line contains `marker` (seen from outside any sandbox). */
export function processesWith(marker: string): string[] {
  return execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes(marker) && !line.includes('ps -eo'));
}
