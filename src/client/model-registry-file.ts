import fs from 'node:fs';
import { createModelRegistry, InvalidModelSpecError, type ModelRegistry } from '../domain/models';
import { InvalidInputError } from './errors';

/**
 * The model registry with the models of `BATON_MODELS_FILE` (a JSON array of model definitions:
 * `{id, context_window, max_output_tokens, pricing: {input_per_mtok, output_per_mtok,
 * cache_write_per_mtok, cache_read_per_mtok}}`) added to the built-in ones.
 * @throws InvalidInputError when the file is missing, not JSON, or a definition is wrong.
 */
export function loadModelRegistry(env: NodeJS.ProcessEnv = process.env): ModelRegistry {
  const file = env.BATON_MODELS_FILE;
  if (!file) return createModelRegistry();
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
    return createModelRegistry(raw);
  } catch (err) {
    if (err instanceof InvalidModelSpecError)
      throw new InvalidInputError(`BATON_MODELS_FILE=${file}: ${err.message}`);
    throw err;
  }
}
