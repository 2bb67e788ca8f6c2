import type { ModelSpec } from '../../domain/models';
import type { FaultQueue } from './fault-queue';
import type { OfflineScript } from './offline-script';
import type { PromptCache } from './prompt-cache';
import type { RequestLog } from './request-log';

/** What the request handlers share with the `OfflineModel` that runs them. */
export interface HandlerContext {
  readonly faults: FaultQueue;
  readonly log: RequestLog;
  /** The simulated prompt cache. */
  readonly cache: PromptCache;
  /** The clock of the cache (ms), which tests can move forward. */
  now(): number;
  /** The registry whose context windows and output limits are enforced; built-in models when undefined. */
  readonly models: readonly ModelSpec[] | undefined;
  /** Moves the cache's clock forward (`POST /_offline/clock`). */
  advanceClock(ms: number): void;
  /** The next `req_offline_<n>` id. */
  nextRequestId(): string;
  /** The script whose steps answer matching turns, if one is loaded. */
  script(): OfflineScript | undefined;
  setScript(script: OfflineScript | undefined): void;
}
