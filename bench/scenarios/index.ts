/**
 * Every benchmark scenario, in the order they run. To add one, write a module that exports a
 * `defineScenario({...})` and list it here. (Compaction and rollover cost joins once compaction lands.)
 */
import type { Scenario } from '../scenario';
import { historyGrowth } from './history-growth';
import { perTurnOverhead } from './per-turn-overhead';
import { throughput } from './throughput';
import { workerMemory } from './worker-memory';

export const SCENARIOS: readonly Scenario[] = [perTurnOverhead, throughput, historyGrowth, workerMemory];
