import type { OfflineFault } from './offline-fault';
import { validateFault } from './offline-fault';

/**
 * The faults waiting for the next `POST /v1/messages` requests. Each request takes the first fault
 * whose `match` fits it; a fault with `times: n` stays queued until n requests have taken it.
 */
export class FaultQueue {
  #pending: { fault: OfflineFault; remaining: number }[] = [];

  /**
   * Appends faults to the queue, after checking all of them (so a bad one queues none).
   * @throws InvalidFaultError when a fault is not well formed.
   */
  add(faults: readonly unknown[]): void {
    const checked = faults.map((f, i) => validateFault(f, `faults[${i}]`));
    for (const fault of checked) this.#pending.push({ fault, remaining: fault.times ?? 1 });
  }

  /** Forgets every pending fault. */
  clear(): void {
    this.#pending = [];
  }

  /** The faults still pending, each with `times` set to the uses it has left. */
  get pending(): OfflineFault[] {
    return this.#pending.map(({ fault, remaining }) => ({ ...fault, times: remaining }));
  }

  /** Takes the fault for a request whose last user text is `lastUserText`, if any applies. */
  take(lastUserText: string): OfflineFault | undefined {
    const index = this.#pending.findIndex(
      ({ fault }) => fault.match === undefined || lastUserText.includes(fault.match),
    );
    const entry = this.#pending[index];
    if (!entry) return undefined;
    entry.remaining -= 1;
    if (entry.remaining === 0) this.#pending.splice(index, 1);
    return entry.fault;
  }
}
