/** Where the CLI writes and what it reads, so tests can call `main` without touching the process. */
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** Standard input, for a message given as `-` and for `baton chat` (default: none). */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
}

/** The process's own streams and environment. */
export function processIO(): CliIO {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    stdin: process.stdin,
  };
}
