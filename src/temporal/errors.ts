import { BatonError } from '../domain/errors';

/** The Temporal CLI could not be found or built; the message says what to install. */
export class TemporalCliBuildError extends BatonError {}

/** The Temporal dev server exited or did not answer in time; the message carries its log tail. */
export class DevServerStartError extends BatonError {}
