/**
 * Vitest global setup: one throwaway PostgreSQL server for the whole test run, installed from
 * Debian's packages first when this machine has no PostgreSQL server. Test files read its URL
 * with `inject('postgresUrl')` and work in their own schema or database.
 */
import type { TestProject } from 'vitest/node' with { 'resolution-mode': 'import' };
import { ensurePostgresBinaries, startTestPostgres } from './postgres';

declare module 'vitest' {
  export interface ProvidedContext {
    /** `postgres://baton:<password>@127.0.0.1:<port>/baton_test` of this run's server. */
    postgresUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const log = (line: string) => console.log(`[setup] ${line}`);
  const { binDir } = await ensurePostgresBinaries(log);
  const server = await startTestPostgres(binDir);
  log(
    `PostgreSQL (${binDir}) on 127.0.0.1:${server.port}, ready in ${(server.startupMs / 1000).toFixed(1)}s`,
  );
  // If the run is interrupted before teardown, do not leave a server behind.
  const onExit = () => server.stopSync();
  process.once('exit', onExit);
  project.provide('postgresUrl', server.url);
  return async () => {
    process.off('exit', onExit);
    await server.stop();
  };
}
