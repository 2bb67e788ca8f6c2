import fs from 'node:fs';
import {
  createModelRegistry,
  InvalidModelSpecError,
  validateModelSpec,
  type ModelRegistry,
  type ModelSpec,
} from '../domain/models';
import { InvalidInputError } from './errors';

/**
 * The model definitions of `BATON_MODELS_FILE`, checked: a JSON array of `{id, context_window,
 * max_output_tokens, pricing?: {input_per_mtok, output_per_mtok, cache_write_per_mtok,
 * cache_read_per_mtok, cache_write_1h_per_mtok?}, line?, lifecycle?, retires_at?,
 * min_cacheable_tokens?, thinking?}`. Empty when the variable is unset.
 * @throws InvalidInputError when the file is missing, not JSON, or a definition is wrong.
 */
export function loadModelsFile(env: NodeJS.ProcessEnv = process.env): ModelSpec[] {
  const file = env.BATON_MODELS_FILE;
  if (!file) return [];
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new InvalidInputError(
      `BATON_MODELS_FILE=${file} could not be read as JSON: ${(err as Error).message}`,
    );
  }
  if (!Array.isArray(raw)) {
    throw new InvalidInputError(`BATON_MODELS_FILE=${file} must hold a JSON array of model definitions.`);
  }
  try {
    return raw.map(validateModelSpec);
  } catch (err) {
    if (err instanceof InvalidModelSpecError)
      throw new InvalidInputError(`BATON_MODELS_FILE=${file}: ${err.message}`);
    throw err;
  }
}

/**
 * The built-in models with those of `BATON_MODELS_FILE` added (a file entry with a built-in id
 * replaces it): the worker's price table.
 * @throws InvalidInputError as {@link loadModelsFile} does.
 */
export function loadModelRegistry(env: NodeJS.ProcessEnv = process.env): ModelRegistry {
  return createModelRegistry(loadModelsFile(env));
}
