/** Finds the Temporal CLI or builds it once (with progress), so the first test run is not silent. */
import { findOrBuildTemporalCli } from '../src/temporal/temporal-cli';

findOrBuildTemporalCli({ onProgress: (line) => console.log(`[baton] ${line}`) }).then(
  (cli) => {
    if (process.env.BATON_VERBOSE) console.log(`[baton] Temporal CLI: ${cli}`);
  },
  (err: unknown) => {
    console.error(`[baton] ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
