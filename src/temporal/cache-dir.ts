import os from 'node:os';
import path from 'node:path';

/**
 * Where baton keeps things that are built once per machine (the Temporal CLI), outside any
 * checkout so that every clone reuses them. `BATON_CACHE_DIR` overrides, then `XDG_CACHE_HOME`.
 */
export function batonCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.BATON_CACHE_DIR) return path.resolve(env.BATON_CACHE_DIR);
  const base = env.XDG_CACHE_HOME ? path.resolve(env.XDG_CACHE_HOME) : path.join(os.homedir(), '.cache');
  return path.join(base, 'baton');
}

/**
 * The project's state folder (`.baton/` in the working directory unless `BATON_HOME` says
 * otherwise): the dev server's SQLite file, the conversation store, logs.
 */
export function batonHome(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string {
  return env.BATON_HOME ? path.resolve(env.BATON_HOME) : path.join(cwd, '.baton');
}
