/** The workspace domain's own error. Its activities' failure types are in `domain/failures`. */
import { BatonError } from '../errors';

/** A command policy that is not well formed. */
export class InvalidCommandPolicyError extends BatonError {}
