import { BatonError } from '../domain/errors';

/**
 * Thrown by `resolveModelEndpoint` when there is neither an API key, nor `ANTHROPIC_BASE_URL`, nor
 * a running offline model to talk to.
 */
export class MissingModelEndpointError extends BatonError {
  constructor() {
    super(
      'No model endpoint: ANTHROPIC_API_KEY and ANTHROPIC_BASE_URL are unset and no offline model URL was given. ' +
        'Set ANTHROPIC_API_KEY to use the Anthropic API, or start the offline model and pass its baseURL.',
    );
  }
}
