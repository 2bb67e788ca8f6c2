/** Writes a run's results: `<time>.json`, `latest.json` and `latest.md` in the results folder. */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { BenchResults } from './results';

/**
 * Writes the files and returns the timestamped JSON's path. The time in the name is ISO 8601 with
 * `-` for `:` (colons are not allowed in Windows file names). Each file is written to a temp name and
 * renamed, so a reader never sees half a file.
 */
export async function writeResults(outDir: string, results: BenchResults, markdown: string): Promise<string> {
  await fs.mkdir(outDir, { recursive: true });
  const stamp = results.started_at.replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
  const json = `${JSON.stringify(results, null, 2)}\n`;
  const file = path.join(outDir, `${stamp}.json`);
  await writeAtomically(file, json);
  await writeAtomically(path.join(outDir, 'latest.json'), json);
  await writeAtomically(path.join(outDir, 'latest.md'), markdown);
  return file;
}

async function writeAtomically(file: string, text: string): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(temp, text);
  await fs.rename(temp, file);
}
