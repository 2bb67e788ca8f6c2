/** Errors of the model registry. */
import { BatonError } from '../errors';

/** A model id or line that is not known; the message lists the known ids and lines. */
export class UnknownModelError extends BatonError {
  constructor(
    readonly modelId: string,
    known: readonly string[],
    lines: readonly string[] = [],
  ) {
    super(
      `Unknown model '${modelId}'. Known models: ${known.join(', ')}` +
        (lines.length > 0 ? `; or name a line for its newest active model: ${lines.join(', ')}` : '') +
        '. Add others with a models file (BATON_MODELS_FILE).',
    );
  }
}

/** A model definition from configuration that is not usable; the message names the field. */
export class InvalidModelSpecError extends BatonError {}

/** A retired model: requests naming it fail at the API, so no session may use it. */
export class RetiredModelError extends BatonError {
  constructor(
    readonly modelId: string,
    message: string,
  ) {
    super(message);
  }
}
