/**
 * What a benchmark run measures and how much: three presets (`--size`), each value of which a flag
 * can override.
 */

export const SIZE_NAMES = ['tiny', 'small', 'full'] as const;

/** `tiny` proves the script works (the smoke test), `small` is a quick look, `full` gives the README figures. */
export type SizeName = (typeof SIZE_NAMES)[number];

export interface BenchConfig {
  size: SizeName;
  overhead: {
    /** Sessions measured one after another; each starts from an empty conversation. */
    sessions: number;
    /** Turns per session; every turn is one baton sample and one direct sample. */
    turnsPerSession: number;
    /** Turns of a throwaway session first, so connection set-up and JIT warm-up are not measured. */
    warmupTurns: number;
  };
  throughput: {
    /** The concurrency levels: N sessions at once, one level after another. */
    sessionCounts: number[];
    /** Turns each session sends, one after another (a session runs its turns in order). */
    turnsPerSession: number;
  };
  history: {
    /** Turns at which the history added by one turn is measured; the session runs to the largest. */
    sampleTurns: number[];
  };
  memory: {
    /** Sessions cached in the separate worker process at the last measurement. */
    sessions: number;
  };
  fork: {
    /** Sessions forked, each after {@link BenchConfig.fork.parentTurns} turns. */
    parents: number;
    /** Forks per parent, each measured with an ordinary turn of the parent and its own first turn. */
    forksPerParent: number;
    parentTurns: number;
  };
  cost: {
    /** Turns of the session whose billable actions per turn are counted. */
    turns: number;
    /** How long an idle session is watched for actions (the count per hour also reads its timers). */
    idleSeconds: number;
  };
  compaction: {
    /**
     * Small-window sessions measured one after another; each gives one on-demand compaction, one
     * summarization before a turn and one rollover.
     */
    sessions: number;
    /** Ordinary turns measured per session, on a fork as full as the session about to be compacted. */
    ordinaryTurns: number;
  };
  caching: {
    /** Turns of the session run with and without prompt caching. */
    turns: number;
  };
  cli: {
    /** Runs of `baton session status`, each paired with a run of Node loading @temporalio/client. */
    startRuns: number;
    /** Streamed sends timed from the model's first token to the CLI's stdout. */
    streamTurns: number;
  };
}

const PRESETS: Record<SizeName, Omit<BenchConfig, 'size'>> = {
  tiny: {
    overhead: { sessions: 2, turnsPerSession: 6, warmupTurns: 2 },
    throughput: { sessionCounts: [2, 4], turnsPerSession: 2 },
    history: { sampleTurns: [2, 6] },
    memory: { sessions: 4 },
    fork: { parents: 2, forksPerParent: 2, parentTurns: 3 },
    cost: { turns: 6, idleSeconds: 2 },
    compaction: { sessions: 2, ordinaryTurns: 4 },
    caching: { turns: 6 },
    cli: { startRuns: 2, streamTurns: 2 },
  },
  small: {
    overhead: { sessions: 4, turnsPerSession: 25, warmupTurns: 5 },
    throughput: { sessionCounts: [10, 50], turnsPerSession: 5 },
    history: { sampleTurns: [10, 100] },
    memory: { sessions: 50 },
    fork: { parents: 4, forksPerParent: 5, parentTurns: 10 },
    cost: { turns: 50, idleSeconds: 10 },
    compaction: { sessions: 10, ordinaryTurns: 4 },
    caching: { turns: 100 },
    cli: { startRuns: 10, streamTurns: 10 },
  },
  full: {
    overhead: { sessions: 10, turnsPerSession: 50, warmupTurns: 10 },
    throughput: { sessionCounts: [10, 100, 500], turnsPerSession: 5 },
    history: { sampleTurns: [10, 50, 100, 200, 300, 500, 1000] },
    memory: { sessions: 400 },
    fork: { parents: 10, forksPerParent: 10, parentTurns: 20 },
    cost: { turns: 200, idleSeconds: 30 },
    compaction: { sessions: 30, ordinaryTurns: 4 },
    caching: { turns: 100 },
    cli: { startRuns: 20, streamTurns: 30 },
  },
};

/** The preset of `size` (a fresh copy, safe to modify). */
export function presetConfig(size: SizeName): BenchConfig {
  return { size, ...structuredClone(PRESETS[size]) };
}

/** Type guard for `--size`. */
export function isSizeName(value: string): value is SizeName {
  return (SIZE_NAMES as readonly string[]).includes(value);
}
