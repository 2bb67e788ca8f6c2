/**
 * `bench/run.ts` flags. Parsing is separate from running so that a wrong flag is reported before
 * anything starts.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { isSizeName, presetConfig, SIZE_NAMES, type BenchConfig } from './config';

export interface BenchOptions {
  config: BenchConfig;
  /** Scenario names to run (all when empty). */
  only: string[];
  /** Results folder. */
  outDir: string;
  help: boolean;
}

/** A flag that cannot be used; the message says which and what is expected. */
export class BenchUsageError extends Error {
  override readonly name = 'BenchUsageError';
}

/** Type guard for {@link BenchUsageError}. */
export function isBenchUsageError(err: unknown): err is BenchUsageError {
  return err instanceof BenchUsageError;
}

/** The help text; `scenarioNames` are the registered scenarios `--only` accepts. */
export function usage(scenarioNames: readonly string[]): string {
  return `Usage: npm run bench -- [options]

  --size tiny|small|full    how much to measure (default: small; full gives the README figures)
  --only NAME[,NAME…]       run only these scenarios (${scenarioNames.join(', ')})
  --out DIR                 results folder (default: bench/results)
  --overhead-sessions N     per-turn overhead: sessions measured
  --overhead-turns N        per-turn overhead: turns per session
  --sessions N[,N…]         throughput: concurrency levels (sessions at once)
  --turns N                 throughput: turns per session
  --history-turns N[,N…]    history growth: turns at which one turn's history is measured
  --memory-sessions N       worker memory: cached sessions at the last measurement
  --compaction-sessions N   compaction cost: sessions (each one compaction, summarization, rollover)
  --caching-turns N         prompt caching: turns of the session run with and without caching
  --help                    this text
`;
}

/**
 * Reads the flags, starting from the `--size` preset and applying overrides.
 * @param scenarioNames the registered scenarios, which `--only` must name.
 * @throws BenchUsageError for an unknown flag, size, scenario or a malformed number.
 * @example parseBenchOptions(['--size', 'tiny', '--only', 'overhead'], ['overhead', 'history'])
 */
export function parseBenchOptions(
  argv: readonly string[],
  scenarioNames: readonly string[],
  cwd: string = process.cwd(),
): BenchOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        size: { type: 'string', default: 'small' },
        only: { type: 'string' },
        out: { type: 'string' },
        'overhead-sessions': { type: 'string' },
        'overhead-turns': { type: 'string' },
        sessions: { type: 'string' },
        turns: { type: 'string' },
        'history-turns': { type: 'string' },
        'memory-sessions': { type: 'string' },
        'compaction-sessions': { type: 'string' },
        'caching-turns': { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (err) {
    throw new BenchUsageError(`${(err as Error).message}\n\n${usage(scenarioNames)}`);
  }
  const size = values.size ?? 'small';
  if (!isSizeName(size)) {
    throw new BenchUsageError(`--size must be one of ${SIZE_NAMES.join(', ')}, got '${size}'.`);
  }
  const config = presetConfig(size);
  const overheadSessions = values['overhead-sessions'];
  if (overheadSessions !== undefined)
    config.overhead.sessions = count('--overhead-sessions', overheadSessions);
  const overheadTurns = values['overhead-turns'];
  if (overheadTurns !== undefined) config.overhead.turnsPerSession = count('--overhead-turns', overheadTurns);
  if (values.sessions !== undefined) config.throughput.sessionCounts = counts('--sessions', values.sessions);
  if (values.turns !== undefined) config.throughput.turnsPerSession = count('--turns', values.turns);
  const historyTurns = values['history-turns'];
  if (historyTurns !== undefined) {
    config.history.sampleTurns = [...new Set(counts('--history-turns', historyTurns))].sort((a, b) => a - b);
  }
  const memorySessions = values['memory-sessions'];
  if (memorySessions !== undefined) config.memory.sessions = count('--memory-sessions', memorySessions);
  const compactionSessions = values['compaction-sessions'];
  if (compactionSessions !== undefined)
    config.compaction.sessions = count('--compaction-sessions', compactionSessions);
  const cachingTurns = values['caching-turns'];
  if (cachingTurns !== undefined) config.caching.turns = count('--caching-turns', cachingTurns);
  const only = values.only
    ? values.only
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : [];
  const unknown = only.filter((name) => !scenarioNames.includes(name));
  if (unknown.length > 0) {
    throw new BenchUsageError(
      `Unknown scenario ${unknown.map((n) => `'${n}'`).join(', ')}: --only takes ${scenarioNames.join(', ')}.`,
    );
  }
  return {
    config,
    only,
    outDir: path.resolve(cwd, values.out ?? path.join('bench', 'results')),
    help: values.help ?? false,
  };
}

function count(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new BenchUsageError(`${flag} needs a whole number, 1 or more, got '${text}'.`);
  return n;
}

function counts(flag: string, text: string): number[] {
  return text.split(',').map((part) => count(flag, part.trim()));
}
