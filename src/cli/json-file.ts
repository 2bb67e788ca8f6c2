import { readFile } from 'node:fs/promises';
import { InvalidInputError } from '../client/errors';

/**
 * Reads and parses a JSON file given on the command line.
 * @throws InvalidInputError saying whether the file is missing or not JSON (e.g. cut short).
 */
export async function readJsonFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InvalidInputError(
      code === 'ENOENT' ? `No file ${file}.` : `Cannot read ${file}: ${(err as Error).message}`,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new InvalidInputError(`${file} is not valid JSON (${(err as Error).message}); was it cut short?`);
  }
}
