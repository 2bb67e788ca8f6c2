/**
 * Builds the Temporal server, its SQL schema tool and the Temporal UI server once (with
 * progress) into baton's per-machine cache, for the production-topology tests
 * (test/topology/). `npm test` runs it before the suite; run it by hand to build ahead of time.
 */
import {
  findOrBuildTemporalServer,
  findOrBuildTemporalUiServer,
} from '../src/temporal/temporal-server-build';

async function main(): Promise<void> {
  const onProgress = (line: string) => console.log(`[baton] ${line}`);
  const server = await findOrBuildTemporalServer({ onProgress });
  const ui = await findOrBuildTemporalUiServer({ onProgress });
  if (process.env.BATON_VERBOSE) {
    console.log(`[baton] Temporal server ${server.version}: ${server.serverPath}`);
    console.log(`[baton] Temporal UI server ${ui.version}: ${ui.uiServerPath}`);
  }
}

main().catch((err: unknown) => {
  console.error(`[baton] ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
