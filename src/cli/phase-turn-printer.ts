import { droppedEventsNote, type DroppedEvents, type TurnEventReader } from '../client/turn-event-reader';
import type { CliIO } from './cli-io';
import { TurnPrinter } from './turn-printer';

/** How long `spec run` waits, once the SPEC has stopped, for the stream's last events. */
const DRAIN_MS = 5_000;

/**
 * Prints a SPEC's phase turns as the model writes them (the phase lines go to stderr). A stream
 * that fails only stops the printing: the phases and the result still come from the status.
 */
export class PhaseTurnPrinter {
  private openTurns = 0;
  private readonly done: Promise<void>;
  private settle: () => void = () => undefined;

  constructor(
    private readonly io: CliIO,
    private readonly reader: TurnEventReader,
    private readonly json: boolean | undefined,
  ) {
    this.done = this.print();
  }

  /**
   * Waits until every turn that started has ended (its last events printed), then stops reading;
   * gives up after a few seconds.
   */
  async finish(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const settled = new Promise<void>((resolve) => {
      this.settle = resolve;
      if (this.openTurns === 0) resolve();
    });
    await Promise.race([settled, this.done, new Promise((r) => (timer = setTimeout(r, DRAIN_MS)))]);
    clearTimeout(timer);
    this.reader.close();
    await this.done;
  }

  private async print(): Promise<void> {
    let printer = new TurnPrinter(this.io, { json: this.json });
    try {
      const onDropped = (dropped: DroppedEvents) => {
        printer.endLine();
        this.io.stderr(`baton: ${droppedEventsNote(dropped)}\n`);
      };
      for await (const event of this.reader.events({ onDropped })) {
        if (event.type === 'turn_started') {
          printer = new TurnPrinter(this.io, { json: this.json });
          this.openTurns++;
        }
        const { offset: _offset, ...plain } = event;
        printer.event(plain);
        if (event.type === 'turn_ended') {
          if (!this.json) {
            printer.endLine();
            this.io.stdout('\n');
          }
          if (--this.openTurns <= 0) this.settle();
        }
      }
    } catch {
      // Only the live text is lost; the status carries the phases and their output.
    }
  }
}
