/**
 * Timing probes around the dependencies the benchmark injects into baton's worker: the
 * conversation store and the token counter. They change nothing but record how long each call
 * took, so the per-turn scenario can say how much of the model-turn activity went to the store and
 * to token counting (a worker's activities get their dependencies from `createActivities(deps)`,
 * so no production code knows about this).
 */
import type { TokenCounter } from '../src/activities';
import type { ConversationStore } from '../src/store';

/** Milliseconds and calls recorded so far. */
export interface ProbeTotals {
  store_ms: number;
  store_calls: number;
  count_tokens_ms: number;
  count_tokens_calls: number;
}

/** The store's I/O methods (the others, and `close`, pass through untimed). */
const TIMED = new Set<string | symbol>(['put', 'get', 'has', 'append', 'path', 'reachable']);

export class Probes {
  #totals: ProbeTotals = { store_ms: 0, store_calls: 0, count_tokens_ms: 0, count_tokens_calls: 0 };

  /** The totals so far (a copy). Subtract two readings to get what happened in between. */
  read(): ProbeTotals {
    return { ...this.#totals };
  }

  /** `store` with every method timed. */
  store(store: ConversationStore): ConversationStore {
    const totals = this.#totals;
    return new Proxy(store, {
      get(target, key, receiver) {
        const value: unknown = Reflect.get(target, key, receiver);
        if (typeof value !== 'function' || !TIMED.has(key)) return value;
        const method = value as (...a: unknown[]) => Promise<unknown>;
        return async (...args: unknown[]): Promise<unknown> => {
          const began = performance.now();
          try {
            return await method.apply(target, args);
          } finally {
            totals.store_ms += performance.now() - began;
            totals.store_calls++;
          }
        };
      },
    });
  }

  /** `count` timed. */
  counter(count: TokenCounter): TokenCounter {
    const totals = this.#totals;
    return async (request) => {
      const began = performance.now();
      try {
        return await count(request);
      } finally {
        totals.count_tokens_ms += performance.now() - began;
        totals.count_tokens_calls++;
      }
    };
  }
}

/** `after − before`, field by field. */
export function probeDelta(before: ProbeTotals, after: ProbeTotals): ProbeTotals {
  return {
    store_ms: after.store_ms - before.store_ms,
    store_calls: after.store_calls - before.store_calls,
    count_tokens_ms: after.count_tokens_ms - before.count_tokens_ms,
    count_tokens_calls: after.count_tokens_calls - before.count_tokens_calls,
  };
}
