import { BatonError } from '../domain/errors';

/** The Temporal CLI could not be found or built; the message says what to install. */
export class TemporalCliBuildError extends BatonError {}

/** The Temporal dev server exited or did not answer in time; the message carries its log tail. */
export class DevServerStartError extends BatonError {}

/** The Temporal server or UI server could not be built; the message says what to install or check. */
export class TemporalServerBuildError extends BatonError {}

/** The Temporal server exited or did not answer in time; the message carries its log tail. */
export class TemporalServerStartError extends BatonError {}
