import { WithStartWorkflowOperation, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import {
  MODEL_CATALOG_WORKFLOW_TYPE,
  ModelFailureType,
  lookupModelsUpdate,
  modelCatalogWorkflowId,
  type ModelLookupRequest,
  type ModelLookupResult,
  type ModelSpec,
} from '../domain/models';
import type { modelCatalogWorkflow } from '../workflows';
import type { ConnectionSettings } from './connection-settings';
import { InvalidInputError } from './errors';
import type { WorkerProbe } from './worker-probe';

const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;

/**
 * Resolves model names (ids or lines) for sessions about to start, by asking a worker: only
 * workers hold the API key and the Models API's answers (cached there). Each lookup is an update
 * on the task queue's model catalog workflow (started on first use), so a refused model creates
 * nothing. Answers are reused for the life of this client.
 */
export class ModelResolver {
  readonly #answers = new Map<string, ModelLookupResult>();

  /**
   * @param extraModels definitions from the client's `BATON_MODELS_FILE`: the worker adds them to
   * its own table for these lookups, so a models file works wherever the CLI runs.
   */
  constructor(
    private readonly client: Client,
    private readonly settings: ConnectionSettings,
    private readonly workers: WorkerProbe,
    private readonly extraModels: readonly ModelSpec[] = [],
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
    const lookup = this.extraModels.length > 0 ? { ...request, models: [...this.extraModels] } : request;
    try {
      const answer = await this.client.workflow.executeUpdateWithStart(lookupModelsUpdate, {
        args: [lookup],
        startWorkflowOperation: new WithStartWorkflowOperation<typeof modelCatalogWorkflow>(
          MODEL_CATALOG_WORKFLOW_TYPE,
          {
            workflowId: modelCatalogWorkflowId(this.settings.taskQueue),
            taskQueue: this.settings.taskQueue,
            workflowIdConflictPolicy: 'USE_EXISTING',
            staticSummary: 'model catalog: resolves the models of sessions about to start',
          },
        ),
      });
      this.#answers.set(key, answer);
      return answer;
    } catch (err) {
      const cause = err instanceof WorkflowUpdateFailedError ? err.cause : undefined;
      if (
        cause instanceof ApplicationFailure &&
        Object.values<string>(ModelFailureType).includes(cause.type ?? '')
      ) {
        throw new InvalidInputError(cause.message);
      }
      throw err;
    }
  }
}
