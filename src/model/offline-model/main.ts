/**
 * Runs the offline model on its own, for out-of-process use (another worker, curl, a demo):
 *
 *   tsx src/model/offline-model/main.ts --port 8787 [--host 127.0.0.1] [--script replies.json]
 *
 * It prints its base URL and serves until SIGINT or SIGTERM. Faults and the request log are under
 * `/_offline/` (see `handle-control.ts`).
 */
import { parseArgs } from 'node:util';
import { OfflineModel } from './offline-model';
import { loadOfflineScript } from './offline-script';

/** What `main` needs from its surroundings, so tests can call it without touching the process. */
export interface MainOptions {
  argv: readonly string[];
  /** Where the base URL line goes; `console.log` by default. */
  print?: (line: string) => void;
}

/**
 * Parses `--port`, `--host` and `--script` and starts the offline model. Returns the running model;
 * the caller stops it.
 * @throws Error when an option is unknown or the port is not a number from 0 to 65535;
 * InvalidOfflineScriptError when `--script` names a missing or malformed script.
 */
export async function main({ argv, print = console.log }: MainOptions): Promise<OfflineModel> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      port: { type: 'string', default: '8787' },
      host: { type: 'string', default: '127.0.0.1' },
      script: { type: 'string' },
    },
    strict: true,
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(
      `--port must be a whole number from 0 to 65535 (0 picks a free port); got '${values.port}'.`,
    );
  }
  const script = values.script !== undefined ? await loadOfflineScript(values.script) : undefined;
  const model = await OfflineModel.start({ port, host: values.host, ...(script ? { script } : {}) });
  print(`offline model listening at ${model.baseURL} (set ANTHROPIC_BASE_URL=${model.baseURL} to use it)`);
  return model;
}

if (require.main === module) {
  main({ argv: process.argv.slice(2) })
    .then((model) => {
      const shutdown = (): void => {
        model.stop().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
    })
    .catch((err: unknown) => {
      console.error(`offline model: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = 1;
    });
}
