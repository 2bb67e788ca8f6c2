import { ApplicationFailure } from '@temporalio/common';
import {
  ModelFailureType,
  RetiredModelError,
  UnknownModelError,
  type ModelLookupRequest,
  type ModelLookupResult,
} from '../domain/models';
import { ModelCatalog } from '../model';
import type { ActivityDeps } from './activity-deps';

/**
 * Resolves the model (and summarizer) a session is about to start on, from the worker's catalog:
 * the Models API's answers, cached in the worker, with baton's prices. An unknown or retired
 * model is a non-retryable failure whose message says what to use instead.
 */
export function createLookupModels(deps: ActivityDeps) {
  const catalog = deps.models ?? new ModelCatalog({ anthropic: deps.anthropic });
  return async function lookupModels(input: ModelLookupRequest): Promise<ModelLookupResult> {
    try {
      return await catalog.lookup(input);
    } catch (err) {
      if (err instanceof UnknownModelError) {
        throw ApplicationFailure.create({
          type: ModelFailureType.UnknownModel,
          message: err.message,
          nonRetryable: true,
        });
      }
      if (err instanceof RetiredModelError) {
        throw ApplicationFailure.create({
          type: ModelFailureType.RetiredModel,
          message: err.message,
          nonRetryable: true,
        });
      }
      throw err;
    }
  };
}
