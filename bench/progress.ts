/** Progress lines while the benchmark runs. */

/** Reports one step; the line should stand on its own. */
export type Progress = (line: string) => void;

/**
 * A progress reporter that prefixes each line with the time since the run started. It writes to
 * stderr so that stdout carries only the markdown table (`npm run bench > table.md` works).
 */
export function createProgress(write: (text: string) => void = (t) => process.stderr.write(t)): Progress {
  const started = performance.now();
  return (line) => {
    const elapsed = ((performance.now() - started) / 1000).toFixed(1).padStart(6);
    write(`[bench ${elapsed}s] ${line}\n`);
  };
}
