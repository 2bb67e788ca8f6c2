export { InvalidInputError, isInvalidInputError } from './invalid-input-error';
export { NoWorkerError, isNoWorkerError } from './no-worker-error';
export { SessionExistsError, isSessionExistsError } from './session-exists-error';
export { SessionNotFoundError, isSessionNotFoundError } from './session-not-found-error';
export { SessionRequestError, isSessionRequestError } from './session-request-error';
export { TemporalUnavailableError, isTemporalUnavailableError } from './temporal-unavailable-error';
