/**
 * The offline model in a process of its own (`src/model/offline-model/main.ts`), so that its CPU
 * time is counted apart from baton's: the model stands in for Anthropic's servers, and what the
 * benchmark measures is the worker, the client and the Temporal server around it.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CleanupStack } from './cleanup';
import { withTimeout } from './timeout';

export interface ModelProcess {
  baseURL: string;
  pid: number | undefined;
}

/** Loading TypeScript through tsx on a busy machine takes a while. */
const START_TIMEOUT_MS = 60_000;

/**
 * Starts the offline model on a free port and resolves once it listens. Its stop is registered
 * with `cleanup` as soon as it is spawned.
 * @throws Error when it exits or does not print its address in time.
 */
export async function startModelProcess(cleanup: CleanupStack): Promise<ModelProcess> {
  const main = path.join(__dirname, '..', 'src', 'model', 'offline-model', 'main.ts');
  const child = spawn(
    process.execPath,
    ['--import', pathToFileURL(require.resolve('tsx')).href, main, '--port', '0'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  cleanup.defer('offline model process', async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  });
  const listening = new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const url = /listening at (\S+)/.exec(out)?.[1];
      if (url) resolve(url);
    });
    child.once('exit', (code, signal) =>
      reject(new Error(`the offline model process exited (${signal ?? `code ${code}`}) before listening`)),
    );
  });
  const baseURL = await withTimeout(listening, START_TIMEOUT_MS, 'offline model start');
  return { baseURL, pid: child.pid };
}
