/**
 * The `baton` command line. `main` is callable from tests: it takes argv and an IO object, and
 * returns the exit code instead of exiting.
 */
import { isCliExit } from './cli/errors';
import { buildProgram, isCommanderExit } from './cli/program';
import { processIO, type CliIO } from './cli/cli-io';

export interface MainOptions {
  /** Arguments after the program name, e.g. `['session', 'list', '--json']`. */
  argv: string[];
  io?: CliIO;
  /** Aborting it stops long-running commands (`baton dev`). */
  signal?: AbortSignal;
}

/** Runs one CLI invocation; resolves to the exit code (0 success, 1 failure). */
export async function main({
  argv,
  io = processIO(),
  signal = new AbortController().signal,
}: MainOptions): Promise<number> {
  const program = buildProgram(io, signal);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (isCliExit(err)) return err.exitCode;
    if (isCommanderExit(err)) {
      // --help and --version end through here with code 0; usage errors were printed already.
      return err.exitCode === 0 ? 0 : 1;
    }
    const message = err instanceof Error ? err.message : String(err);
    io.stderr(`baton: ${message.split('\n').join('\n  ')}\n`);
    if (io.env.BATON_DEBUG && err instanceof Error && err.stack) io.stderr(`${err.stack}\n`);
    return 1;
  }
}

if (require.main === module) {
  const controller = new AbortController();
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => controller.abort());
  main({ argv: process.argv.slice(2), signal: controller.signal }).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      console.error(`baton: ${String(err)}`);
      process.exitCode = 1;
    },
  );
}
