import type { ModelSpec } from '../../domain/models';
import type { FaultQueue } from './fault-queue';
import type { OfflineScript } from './offline-script';
import type { RequestLog } from './request-log';

/** What the request handlers share with the `OfflineModel` that runs them. */
export interface HandlerContext {
  readonly faults: FaultQueue;
  readonly log: RequestLog;
  /** The registry whose context windows and output limits are enforced; built-in models when undefined. */
  readonly models: readonly ModelSpec[] | undefined;
  /** The next `req_offline_<n>` id. */
  nextRequestId(): string;
  /** The script whose steps answer matching turns, if one is loaded. */
  script(): OfflineScript | undefined;
  setScript(script: OfflineScript | undefined): void;
}
