/**
 * Every benchmark scenario, in the order they run. To add one, write a module that exports a
 * `defineScenario({...})` and list it here.
 */
import type { Scenario } from '../scenario';
import { cliLive } from './cli-live';
import { cloudCost } from './cloud-cost';
import { compactionCost } from './compaction-cost';
import { forkCost } from './fork-cost';
import { historyGrowth } from './history-growth';
import { perTurnOverhead } from './per-turn-overhead';
import { promptCaching } from './prompt-caching';
import { throughput } from './throughput';
import { workerMemory } from './worker-memory';

export const SCENARIOS: readonly Scenario[] = [
  perTurnOverhead,
  forkCost,
  cloudCost,
  throughput,
  historyGrowth,
  workerMemory,
  compactionCost,
  promptCaching,
  cliLive,
];
