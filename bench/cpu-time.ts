/**
 * CPU time used by this process and by the dev server over a stretch of work. Wall-clock rates
 * depend on what else the machine is doing; CPU milliseconds per turn do much less, so they are
 * what to compare between runs on a busy machine.
 */
import fs from 'node:fs';

/**
 * Linux reports process times in clock ticks of `sysconf(_SC_CLK_TCK)`, which is 100 on every
 * mainstream Linux build (USER_HZ); Node has no binding to read it.
 */
const CLOCK_TICKS_PER_SECOND = 100;

/** CPU ms (user + system) of this process so far. */
export function ownCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * CPU ms (user + system) of process `pid` so far, from `/proc/<pid>/stat`; undefined where there is
 * no procfs (macOS, Windows) or the process is gone.
 */
export function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces; fields are counted after its closing paren.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15)
    return Number.isFinite(ticks) ? (ticks * 1000) / CLOCK_TICKS_PER_SECOND : undefined;
  } catch {
    return undefined;
  }
}

/** Starts measuring; the returned function gives the CPU ms each process used since. */
export function startCpuMeter(
  serverPid: number | undefined,
): () => { bench_ms: number; server_ms: number | null } {
  const ownStart = ownCpuMs();
  const serverStart = processCpuMs(serverPid);
  return () => {
    const serverNow = processCpuMs(serverPid);
    return {
      bench_ms: ownCpuMs() - ownStart,
      server_ms: serverStart !== undefined && serverNow !== undefined ? serverNow - serverStart : null,
    };
  };
}

/**
 * CPU ms the whole machine spent busy so far (all cores: user, nice, system, irq, softirq, steal),
 * from `/proc/stat`; undefined without procfs.
 */
export function machineBusyMs(): number | undefined {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const [user, nice, system, , , irq, softirq, steal] = line.split(/\s+/).slice(1).map(Number);
    const ticks = [user, nice, system, irq, softirq, steal].reduce<number>((sum, x) => sum + (x ?? 0), 0);
    return Number.isFinite(ticks) ? (ticks * 1000) / CLOCK_TICKS_PER_SECOND : undefined;
  } catch {
    return undefined;
  }
}

/**
 * CPU ms of this process plus its children that have exited (the worker process), from
 * `/proc/self/stat`; this process alone where there is no procfs.
 */
export function selfAndChildrenCpuMs(): number {
  try {
    const stat = fs.readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime, stime, cutime, cstime: fields 14 to 17.
    const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
    if (Number.isFinite(ticks)) return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    // fall through
  }
  return ownCpuMs();
}
