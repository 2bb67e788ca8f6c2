import { BatonError } from '../errors';

/** A model id that is not in the registry; the message lists the known ones. */
export class UnknownModelError extends BatonError {
  constructor(
    readonly modelId: string,
    known: readonly string[],
  ) {
    super(
      `Unknown model '${modelId}'. Known models: ${known.join(', ')}. ` +
        'Add others with a models file (BATON_MODELS_FILE).',
    );
  }
}

/** A model definition from configuration that is not usable; the message names the field. */
export class InvalidModelSpecError extends BatonError {}
