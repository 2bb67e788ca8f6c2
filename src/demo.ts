/**
 * `npm run demo`: the embedded defaults end to end. Starts (or reuses) the Temporal dev server with
 * its history under `.baton/`, the model (offline, following docs/examples/sum.offline-script.json;
 * with ANTHROPIC_API_KEY, Claude and no script) and a worker with its workspace worker beside it.
 * A short session shows replies, budget and status; then a SPEC implements a `sum` function for
 * real in a fresh temporary folder: RED writes tests that fail, GREEN the code that makes them
 * pass, each gate verified by running `node --test` under bubblewrap. It prints each phase, the
 * folder's git log, the Temporal UI links and the time per tool call and per verified phase, and
 * exits 1 when the SPEC did not complete or a gate did not hold, so it checks itself.
 * `npm run demo -- --keep` leaves everything running so the UI can be explored.
 */
import crypto from 'node:crypto';
import path from 'node:path';
import { BatonClient } from './client/baton-client';
import { formatSend, formatStatus } from './cli/format';
import { runSpecDemo } from './demo/spec-demo';
import { runWorkerUntilPolling, startDevEnvironment } from './dev/dev-environment';
import { needsOfflineModel } from './model';

/** The script the offline model follows for the demo's SPEC. */
const OFFLINE_SCRIPT = path.join(__dirname, '..', 'docs', 'examples', 'sum.offline-script.json');

async function main(): Promise<void> {
  const keep = process.argv.includes('--keep');
  const log = (line: string) => console.log(`[demo] ${line}`);
  const offline = needsOfflineModel(process.env);
  // Claude needs no script; the offline model cannot write code without one. A script named in
  // BATON_OFFLINE_SCRIPT replaces the demo's (its steps must implement the same SPEC).
  const script = process.env.BATON_OFFLINE_SCRIPT?.trim() || OFFLINE_SCRIPT;
  const env = offline ? { ...process.env, BATON_OFFLINE_SCRIPT: script } : process.env;
  const dev = await startDevEnvironment({ env, log });
  let running: Promise<void> | undefined;
  let baton: BatonClient | undefined;
  try {
    if (dev.runtime) running = (await runWorkerUntilPolling(dev.runtime, dev.env)).running;
    baton = await BatonClient.connect({ env: dev.env });

    const started = await baton.sessions.start({
      task: 'Design the rate limiter for our public API.',
      system: 'You are a senior backend engineer. Be concise.',
    });
    log(`Session ${started.session_id} on ${started.model}; context ${started.token_budget.used} tokens.`);
    const message = 'What are the key design decisions for a token-bucket rate limiter?';
    console.log(`\n> ${message}`);
    console.log(`${formatSend(await baton.sessions.send(started.session_id, message))}\n`);
    console.log(`${formatStatus(await baton.sessions.status(started.session_id))}\n`);

    const specId = `DEMO-SUM-${crypto.randomBytes(4).toString('hex')}`;
    log(
      offline
        ? `SPEC: the offline model follows ${path.relative(process.cwd(), script) || script}; the files, git and the test runs are real.`
        : 'SPEC: Claude does the work (ANTHROPIC_API_KEY is set, no script).',
    );
    const outcome = await runSpecDemo(baton, { specId, print: (text) => console.log(text) });
    if (offline) {
      log(
        'Replies came from the offline model, a local stand-in for the Anthropic API. Set ANTHROPIC_API_KEY for Claude.',
      );
    }
    if (outcome.ok) {
      log(`PASSED: RED left failing tests, GREEN and refactor passing ones, in ${outcome.folder}.`);
    } else {
      log(`FAILED: ${outcome.problems.join('; ')}.`);
      process.exitCode = 1;
    }
    if (keep) {
      log(
        `Server and worker keep running (--keep). Temporal UI: ${dev.uiUrl}. Press Ctrl-C to stop the worker.`,
      );
      await new Promise<void>((resolve) => process.once('SIGINT', resolve));
    }
  } finally {
    await baton?.close();
    await dev.shutdown({ keepServer: keep });
    await running;
  }
}

main().catch((err: unknown) => {
  console.error(`demo: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
