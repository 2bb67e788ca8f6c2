/**
 * How much of the machine other processes used while the benchmark ran. The machine this runs on
 * may be shared (other test runs, builds); when others took a large share, wall-clock figures
 * (latency, turns/s) are pessimistic, and CPU ms per turn is the figure to trust.
 */
import os from 'node:os';
import { machineBusyMs, processCpuMs, selfAndChildrenCpuMs } from './cpu-time';

export interface Contention {
  /**
   * CPU time used by processes other than the benchmark, its worker and model processes and its dev server,
   * as a share of the machine's capacity over the run (0 to 1); null without procfs.
   */
  other_processes_cpu_share: number | null;
  /** 1, 5 and 15 minute load averages before the run started (the run's own work is not in them yet). */
  load_average_before: number[];
}

/**
 * Starts watching; the returned function computes the contention so far. `ownPids` (the dev server,
 * the model process) are read at that moment: they start after this is called, so all their CPU
 * time belongs to the run.
 */
export function watchContention(): (ownPids: readonly (number | undefined)[]) => Contention {
  const load = os.loadavg().map((x) => Math.round(x * 100) / 100);
  const started = performance.now();
  const busyStart = machineBusyMs();
  const oursStart = selfAndChildrenCpuMs();
  return (ownPids) => {
    const busyNow = machineBusyMs();
    const server = ownPids.reduce<number>((sum, pid) => sum + (processCpuMs(pid) ?? 0), 0);
    const capacity = (performance.now() - started) * os.cpus().length;
    const share =
      busyStart === undefined || busyNow === undefined || capacity <= 0
        ? null
        : Math.max(0, busyNow - busyStart - (selfAndChildrenCpuMs() - oursStart) - server) / capacity;
    return {
      other_processes_cpu_share: share === null ? null : Math.round(share * 1000) / 1000,
      load_average_before: load,
    };
  };
}
