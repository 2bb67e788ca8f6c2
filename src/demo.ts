/**
 * `npm run demo`: the embedded defaults end to end. Starts (or reuses) the Temporal dev server with
 * its history under `.baton/`, the offline model (or the real API with ANTHROPIC_API_KEY) and a
 * worker; creates a session, sends three messages, prints the status and the Temporal UI link.
 * `npm run demo -- --keep` leaves everything running so the UI can be explored.
 */
import { BatonClient } from './client/baton-client';
import { formatSend, formatStatus } from './cli/format';
import { formatSpecStatus } from './cli/spec-commands';
import { startDevEnvironment } from './dev/dev-environment';

const MESSAGES = [
  'We need a token-bucket rate limiter for a public HTTP API. What are the key design decisions?',
  'Decision: buckets live in Redis, keyed per API key. What failure modes should we test?',
  'Write the one-paragraph summary for the design doc.',
];

async function main(): Promise<void> {
  const keep = process.argv.includes('--keep');
  const log = (line: string) => console.log(`[demo] ${line}`);
  const dev = await startDevEnvironment({ log });
  const running = dev.runtime?.run();
  const baton = await BatonClient.connect({ env: dev.env });
  try {
    await baton.waitForWorker();
    const started = await baton.sessions.start({
      task: 'Design the rate limiter for our public API and write its design summary.',
      system: 'You are a senior backend engineer. Be concise.',
    });
    log(
      `Session ${started.session_id} started on ${started.model}; context ${started.token_budget.used} tokens.`,
    );
    for (const [i, message] of MESSAGES.entries()) {
      console.log(`\n> ${message}`);
      const result = await baton.sessions.send(started.session_id, message);
      console.log(formatSend(result));
      if (i === MESSAGES.length - 1) console.log('');
    }
    console.log(formatStatus(await baton.sessions.status(started.session_id)));
    console.log(`\nOpen it in the Temporal UI: ${started.ui_url}`);

    // A short SPEC: analysis → RED → GREEN → refactor, a checkpoint at the start and end of each.
    const specId = `DEMO-${started.session_id.slice(5, 13)}`;
    log(`Running SPEC ${specId} (four phases)…`);
    const spec = await baton.specs.start({
      spec_id: specId,
      title: 'Rate limiter',
      requirements: ['token bucket per API key', 'HTTP 429 with Retry-After when empty'],
      acceptance_criteria: ['a burst of 100 requests from one key gets 429 after the bucket size'],
    });
    const result = await baton.specs.result(specId);
    console.log(formatSpecStatus({ ...result, ui_url: spec.ui_url }));
    if (dev.runtime?.mode === 'offline') {
      log(
        'Replies came from the offline model, a local stand-in for the Anthropic API. Set ANTHROPIC_API_KEY for real ones.',
      );
    }
    if (keep) {
      log(
        `Server and worker keep running (--keep). Temporal UI: ${dev.uiUrl}. Press Ctrl-C to stop the worker.`,
      );
      await new Promise<void>((resolve) => process.once('SIGINT', resolve));
    }
  } finally {
    await baton.close();
    await dev.shutdown({ keepServer: keep });
    await running;
  }
}

main().catch((err: unknown) => {
  console.error(`demo: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
