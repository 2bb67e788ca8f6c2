import { execFile } from 'node:child_process';
import path from 'node:path';
import { main } from '../../src/cli';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process, as a user would type it, with captured output and its own env. */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main({
    argv,
    io: { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env },
  });
  return { code, stdout, stderr };
}

/** Runs the real `bin/baton.js` in a child process (slower; for exit codes and the bin itself). */
export function spawnCli(argv: string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  const bin = path.join(__dirname, '..', '..', 'bin', 'baton.js');
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...argv],
      { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, timeout: 60_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
