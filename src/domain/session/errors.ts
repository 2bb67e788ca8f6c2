import { BatonError } from '../errors';

/** Session settings that break a rule (thrown by `resolveSessionSettings`); the message names the setting. */
export class InvalidSessionSettingsError extends BatonError {}
