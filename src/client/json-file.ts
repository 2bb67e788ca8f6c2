import { readFile } from 'node:fs/promises';
import { InvalidInputError } from './errors';

/**
 * Reads and parses a JSON file a user named (a bundle, a SPEC, an agents file).
 * @param label how the file is called in messages, e.g. `agents file`.
 * @throws InvalidInputError saying whether the file is missing or not JSON (e.g. cut short).
 */
export async function readJsonFile(file: string, label = 'file'): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InvalidInputError(
      code === 'ENOENT' ? `No ${label} ${file}.` : `Cannot read ${label} ${file}: ${(err as Error).message}`,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new InvalidInputError(`${file} is not valid JSON (${(err as Error).message}); was it cut short?`);
  }
}
