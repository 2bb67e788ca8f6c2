/**
 * The CLI as a person meets it: how long `baton session status` takes as a whole process (the bin
 * run directly, compiled JavaScript) next to Node loading `@temporalio/client` and nothing else,
 * the two alternating run by run; and how long the first token of a streamed reply takes from the
 * moment the model writes it (the offline model's request log) to the moment `baton session send`
 * prints it on its standard output.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { BENCH_TASK } from '../messages';
import { formatMs, formatRatio, table } from '../markdown';
import { defineScenario } from '../scenario';
import { distribution, type Distribution } from '../stats';
import type { RequestLogEntry } from '../../src/model';

const ROOT = path.join(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'baton.js');

export interface CliLiveResult {
  /** Wall time of `node bin/baton.js session status <id>`, ms. */
  status_ms: Distribution;
  /** Wall time of `node -e "require('@temporalio/client')"`, ms. */
  client_load_ms: Distribution;
  /** status ÷ client load, p50 of the pairwise ratios. */
  ratio_p50: number;
  /** From the model writing the first delta to `session send` printing the first reply text, ms. */
  first_token_ms: Distribution;
  /** Text batches the stream delivered per turn (replies of about 300 tokens over about a second). */
  batches_per_turn: Distribution;
}

/** Runs a process to its end; resolves with its wall time in ms. */
function runProcess(args: string[], env: NodeJS.ProcessEnv): Promise<{ ms: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`${args.join(' ')} exited with ${code}: ${stderr.trim()}`));
      else resolve({ ms: performance.now() - started });
    });
  });
}

export const cliLive = defineScenario<CliLiveResult>({
  name: 'cli',
  title: 'CLI start and stream latency',

  async run({ stack, config, progress, signal }) {
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TEMPORAL_ADDRESS: stack.address,
      BATON_TASK_QUEUE: stack.taskQueue,
    };
    const { session_id } = await stack.baton.sessions.start({ task: BENCH_TASK });
    // The first run compiles the CLI if sources changed; it is not measured.
    await runProcess([BIN, 'session', 'status', session_id], env);

    const statusMs: number[] = [];
    const loadMs: number[] = [];
    const ratios: number[] = [];
    for (let i = 0; i < config.cli.startRuns; i++) {
      signal.throwIfAborted();
      const load = await runProcess(['-e', "require('@temporalio/client')"], env);
      const status = await runProcess([BIN, 'session', 'status', session_id], env);
      loadMs.push(load.ms);
      statusMs.push(status.ms);
      ratios.push(status.ms / load.ms);
      progress(`cli: start ${i + 1}/${config.cli.startRuns}`);
    }

    const firstTokenMs: number[] = [];
    const batches: number[] = [];
    for (let i = 0; i < config.cli.streamTurns; i++) {
      signal.throwIfAborted();
      const marker = `stream-bench-${i}-${Date.now()}`;
      const run = await streamedSend(
        [BIN, 'session', 'send', session_id, `${marker} [[reply_tokens=300]] [[pace_ms=20]]`, '--json'],
        env,
      );
      const request = (await offlineRequests(stack.model.baseURL)).find((r) =>
        r.last_user_text.includes(marker),
      );
      if (!request?.first_delta_at_ms) throw new Error(`the model never wrote a reply to ${marker}`);
      firstTokenMs.push(run.firstTextAt - request.first_delta_at_ms);
      batches.push(run.textLines);
      progress(`cli: stream latency ${i + 1}/${config.cli.streamTurns}`);
    }
    await stack.baton.sessions.close(session_id);
    const sorted = [...ratios].sort((a, b) => a - b);
    return {
      status_ms: distribution(statusMs),
      client_load_ms: distribution(loadMs),
      ratio_p50: sorted[Math.ceil(sorted.length / 2) - 1] ?? NaN,
      first_token_ms: distribution(firstTokenMs),
      batches_per_turn: distribution(batches),
    };
  },

  markdown(r) {
    return [
      table(
        ['', 'p50', 'p95', 'max'],
        [
          [
            '`baton session status` (ms, whole process)',
            formatMs(r.status_ms.p50),
            formatMs(r.status_ms.p95),
            formatMs(r.status_ms.max),
          ],
          [
            '`node -e "require(\'@temporalio/client\')"` (ms)',
            formatMs(r.client_load_ms.p50),
            formatMs(r.client_load_ms.p95),
            formatMs(r.client_load_ms.max),
          ],
          [
            'first token: model → terminal (ms)',
            formatMs(r.first_token_ms.p50),
            formatMs(r.first_token_ms.p95),
            formatMs(r.first_token_ms.max),
          ],
        ],
      ),
      '',
      `\`baton session status\` ÷ loading \`@temporalio/client\`: ${formatRatio(r.ratio_p50)} (p50 of ${r.status_ms.count} pairs, run alternately). ` +
        'The status command connects, asks the worker probe, queries the session and lists its forks; the yardstick only loads the module.',
      `First token: from the offline model writing a reply's first delta to \`baton session send\` printing it (${r.first_token_ms.count} turns of about 300 tokens written over about a second; ` +
        `${formatMs(r.batches_per_turn.p50)} text batches per turn at p50).`,
    ];
  },
});

/**
 * Runs `baton session send … --json` and notes when its first text event reached its stdout
 * (epoch ms, the clock the offline model's request log uses) and how many text events it printed.
 */
function streamedSend(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ firstTextAt: number; textLines: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let firstTextAt: number | undefined;
    let textLines = 0;
    let pending = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const now = Date.now();
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.startsWith('{"type":"text"')) continue;
        textLines++;
        firstTextAt ??= now;
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0 || firstTextAt === undefined) {
        reject(
          new Error(`${args.join(' ')} exited with ${code} and ${textLines} text events: ${stderr.trim()}`),
        );
      } else resolve({ firstTextAt, textLines });
    });
  });
}

/** The offline model's request log; it runs in a process of its own, so it is read over HTTP. */
async function offlineRequests(baseURL: string): Promise<RequestLogEntry[]> {
  const response = await fetch(new URL('/_offline/requests', baseURL));
  if (!response.ok) throw new Error(`the offline model's request log answered ${response.status}`);
  return ((await response.json()) as { requests: RequestLogEntry[] }).requests;
}
