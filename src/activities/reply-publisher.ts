import { Context } from '@temporalio/activity';
import { WorkflowStreamClient, type TopicHandle } from '@temporalio/workflow-streams/client';
import { TURN_EVENTS_TOPIC, type TurnEvent, type TurnStreamTarget } from '../domain/session';

/** Longest wait between two batches of text, by default. */
export const DEFAULT_STREAM_BATCH_MS = 1_000;
/** The wait after the first batch; it doubles with each batch up to the longest. */
const FIRST_WAIT_MS = 250;
/** How long closing waits for the last batch to reach the workflow before giving up on it. */
const CLOSE_TIMEOUT_MS = 10_000;

/**
 * Publishes a model call's reply text to its session's workflow stream while the model writes it
 * (`@temporalio/workflow-streams`: each batch is one signal to the workflow, which clients
 * long-poll). The first piece of text goes at once, so the reply starts showing as soon as the
 * model starts; after that text is gathered for 250 ms, then 500 ms, and so on up to
 * `maxBatchMs`, because every batch costs a few history events: a reply of a minute is about 60
 * batches, not one per token. Streaming is best effort: a batch that cannot be delivered is
 * dropped without failing the turn (the reply itself comes back with the turn's result).
 */
export class ReplyPublisher {
  private pending = '';
  private timer: NodeJS.Timeout | undefined;
  private batches = 0;
  private closed = false;

  private constructor(
    private readonly client: WorkflowStreamClient,
    private readonly topic: TopicHandle<TurnEvent>,
    private readonly target: TurnStreamTarget,
    private readonly maxBatchMs: number,
  ) {}

  /**
   * Opens a publisher to the workflow that scheduled the current activity. On a retried attempt it
   * first says so, so clients drop the text the failed attempt had shown.
   */
  static open(target: TurnStreamTarget, options: { maxBatchMs?: number | undefined } = {}): ReplyPublisher {
    // Our own timer decides when to flush; the client's interval only backs it up.
    const client = WorkflowStreamClient.fromWithinActivity({ batchInterval: '1 minute' });
    const topic = client.topic<TurnEvent>(TURN_EVENTS_TOPIC);
    const publisher = new ReplyPublisher(
      client,
      topic,
      target,
      options.maxBatchMs ?? DEFAULT_STREAM_BATCH_MS,
    );
    const attempt = Context.current().info.attempt;
    if (attempt > 1) topic.publish({ type: 'attempt', attempt, ...target }, { forceFlush: true });
    return publisher;
  }

  /** Adds the next piece of reply text. */
  text(delta: string): void {
    if (delta === '' || this.closed) return;
    this.pending += delta;
    if (this.timer !== undefined) return;
    if (this.batches === 0) {
      this.flushText();
      return;
    }
    const wait = Math.min(FIRST_WAIT_MS * 2 ** (this.batches - 1), this.maxBatchMs);
    this.timer = setTimeout(() => this.flushText(), wait);
  }

  /** How many batches of text were published. */
  get batchCount(): number {
    return this.batches;
  }

  /**
   * Publishes what is left (unless `flush` is false, as for a cancelled call) and waits until the
   * workflow has it, so the turn's text is in the stream before its result. Never throws.
   */
  async close(flush = true): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    if (flush) this.flushText();
    else this.pending = '';
    let timeout: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.client[Symbol.asyncDispose](),
        new Promise((resolve) => (timeout = setTimeout(resolve, CLOSE_TIMEOUT_MS))),
      ]);
    } catch (err) {
      Context.current().log.warn('Could not publish the end of the reply to the stream', {
        error: (err as Error).message,
      });
    } finally {
      clearTimeout(timeout);
    }
  }

  private flushText(): void {
    this.timer = undefined;
    if (this.pending === '') return;
    this.topic.publish({ type: 'text', text: this.pending, ...this.target }, { forceFlush: true });
    this.pending = '';
    this.batches++;
  }
}
