import { randomUUID } from 'node:crypto';
import { WorkflowFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import {
  MODEL_LOOKUP_WORKFLOW_TYPE,
  ModelFailureType,
  type ModelLookupRequest,
  type ModelLookupResult,
} from '../domain/models';
import type { modelLookupWorkflow } from '../workflows';
import type { ConnectionSettings } from './connection-settings';
import { InvalidInputError } from './errors';
import type { WorkerProbe } from './worker-probe';

const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;

/**
 * Resolves model names (ids or lines) for sessions about to start, by asking a worker: only
 * workers hold the API key and the Models API's answers (cached there), so a short lookup workflow
 * runs before the session is created, and a refused model creates no session. Answers are reused
 * for the life of this client.
 */
export class ModelResolver {
  readonly #answers = new Map<string, ModelLookupResult>();

  constructor(
    private readonly client: Client,
    private readonly settings: ConnectionSettings,
    private readonly workers: WorkerProbe,
  ) {}

  /**
   * The model and summarizer a session will run on, with lifecycle warnings.
   * @throws InvalidInputError for a malformed, unknown or retired model (the message names what to
   * use instead); NoWorkerError when no worker polls the task queue.
   */
  async resolve(request: ModelLookupRequest): Promise<ModelLookupResult> {
    for (const [field, name] of [
      ['model', request.model],
      ['summarizer model', request.summarizer_model],
    ] as const) {
      if (name !== undefined && !MODEL_NAME.test(name)) {
        throw new InvalidInputError(
          `The ${field} ${JSON.stringify(name)} is not a model name: use an id such as claude-sonnet-4-6 or a line such as sonnet.`,
        );
      }
    }
    const key = JSON.stringify([request.model, request.summarizer_model ?? null]);
    const known = this.#answers.get(key);
    if (known) return known;
    await this.workers.assertPolling();
    try {
      const answer = await this.client.workflow.execute<typeof modelLookupWorkflow>(
        MODEL_LOOKUP_WORKFLOW_TYPE,
        {
          workflowId: `model-lookup-${randomUUID()}`,
          taskQueue: this.settings.taskQueue,
          args: [request],
          workflowExecutionTimeout: '1 minute',
          staticSummary: `model lookup: ${request.model}`,
        },
      );
      this.#answers.set(key, answer);
      return answer;
    } catch (err) {
      // The activity's failure arrives wrapped: workflow failed ← activity failed ← the reason.
      let cause: unknown = err instanceof WorkflowFailedError ? err.cause : undefined;
      while (cause instanceof Error) {
        if (
          cause instanceof ApplicationFailure &&
          Object.values<string>(ModelFailureType).includes(cause.type ?? '')
        ) {
          throw new InvalidInputError(cause.message);
        }
        cause = cause.cause;
      }
      throw err;
    }
  }
}
