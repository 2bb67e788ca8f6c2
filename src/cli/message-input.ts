import { readFile } from 'node:fs/promises';
import { InvalidInputError } from '../client/errors';
import type { CliIO } from './cli-io';

/** Help text for a message argument: how to pipe it, read it from a file, or start it with `-`. */
export const MESSAGE_HELP =
  'the message; "-" reads it from standard input. A message that starts with "-" goes after "--", ' +
  'e.g. baton session send ID -- "- first point"';

/**
 * The message a command was given: the argument itself, standard input when the argument is `-`,
 * or the file named by `--file`.
 * @throws InvalidInputError when none or both are given, or the file cannot be read.
 */
export async function readMessage(
  io: CliIO,
  argument: string | undefined,
  file: string | undefined,
): Promise<string> {
  if (argument !== undefined && file !== undefined) {
    throw new InvalidInputError(
      `Give the message either as an argument or with --file, not both (got both "${argument.slice(0, 40)}" and --file ${file}).`,
    );
  }
  if (file !== undefined) {
    try {
      return await readFile(file, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new InvalidInputError(
        code === 'ENOENT'
          ? `No file ${file} to read the message from.`
          : `Cannot read the message from ${file}: ${(err as Error).message}`,
      );
    }
  }
  if (argument === '-') return readStdin(io);
  if (argument === undefined) {
    throw new InvalidInputError(
      'Give a message: as an argument, "-" to read it from standard input, or --file <path>.',
    );
  }
  return argument;
}

async function readStdin(io: CliIO): Promise<string> {
  const stdin = io.stdin;
  if (!stdin) throw new InvalidInputError('There is no standard input to read the message from.');
  if (stdin.isTTY) io.stderr('Type the message, then Ctrl-D on a line of its own:\n');
  const chunks: string[] = [];
  stdin.setEncoding('utf8');
  for await (const chunk of stdin) chunks.push(String(chunk));
  return chunks.join('');
}
