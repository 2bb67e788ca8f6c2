import { execFile } from 'node:child_process';
import path from 'node:path';
import { Readable } from 'node:stream';
import { main } from '../../src/cli';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI in-process, as a user would type it, with captured output and its own env;
 * `stdin` is what standard input holds, `signal` stands for Ctrl-C, `onOutput` and `onError` see
 * stdout and stderr as they are written.
 */
export async function runCli(
  argv: string[],
  env: NodeJS.ProcessEnv,
  options: {
    stdin?: string;
    signal?: AbortSignal;
    onOutput?: (stdout: string) => void;
    onError?: (stderr: string) => void;
  } = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main({
    argv,
    io: {
      stdout: (t) => {
        stdout += t;
        options.onOutput?.(stdout);
      },
      stderr: (t) => {
        stderr += t;
        options.onError?.(stderr);
      },
      env,
      ...(options.stdin !== undefined ? { stdin: Readable.from([options.stdin]) } : {}),
    },
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return { code, stdout, stderr };
}

/**
 * Runs the real `bin/baton.js` in a child process (slower; for exit codes, the bin itself, or a
 * working directory of its own: `cwd`, default this one).
 */
export function spawnCli(
  argv: string[],
  env: NodeJS.ProcessEnv,
  options: { cwd?: string } = {},
): Promise<CliRun> {
  const bin = path.join(__dirname, '..', '..', 'bin', 'baton.js');
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...argv],
      {
        env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
        timeout: 60_000,
        ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/**
 * What a `--json` command printed: its one JSON document, or, for a command that streams
 * (`session send`, `spec run`: one JSON event per line, then `{"type":"result","result":…}`), the
 * result on its last line. Throws when a streamed output does not end with its result.
 */
export function cliJson<T>(stdout: string): T {
  const lines = stdout.trim().split('\n');
  if (lines.length > 1 && lines.every((line) => line.startsWith('{"type":'))) {
    const last = JSON.parse(lines[lines.length - 1]!) as { type: string; result?: T };
    if (last.type !== 'result' || last.result === undefined) {
      throw new Error(`streamed --json output does not end with its result:\n${stdout}`);
    }
    return last.result;
  }
  return JSON.parse(stdout) as T;
}
