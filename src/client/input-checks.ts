import { msToNumber } from '@temporalio/common/lib/time';
import type { Duration } from '@temporalio/common';
import { UnknownModelError, type ModelRegistry, type ModelSpec } from '../domain/models';
import { sessionIdProblem } from '../domain/session';
import { InvalidSessionSettingsError, resolveSessionSettings, type SessionSettings } from '../domain/session';
import { InvalidInputError } from './errors';

/** @throws InvalidInputError for an id with path or shell characters, or an empty one. */
export function assertSessionId(id: string): void {
  const problem = sessionIdProblem(id);
  if (problem) throw new InvalidInputError(problem);
}

/** @throws InvalidInputError naming the known models. */
export function resolveModel(models: ModelRegistry, id: string): ModelSpec {
  try {
    return models.get(id);
  } catch (err) {
    if (err instanceof UnknownModelError) throw new InvalidInputError(err.message);
    throw err;
  }
}

/** @throws InvalidInputError naming the setting and the rule. */
export function resolveSettings(partial: Partial<SessionSettings> | undefined): SessionSettings {
  try {
    return resolveSessionSettings(partial);
  } catch (err) {
    if (err instanceof InvalidSessionSettingsError) throw new InvalidInputError(err.message);
    throw err;
  }
}

/**
 * How long a failed phase or agent waits for a person's decision, in ms.
 * @throws InvalidInputError for something that is not a positive duration (`30m`, `2h`, ms).
 */
export function decisionTimeoutMs(fallbackMs: number, value?: Duration): number {
  if (value === undefined) return fallbackMs;
  let ms: number;
  try {
    ms = msToNumber(value);
  } catch {
    throw new InvalidInputError(`decision timeout '${String(value)}' is not a duration (try 30m, 2h).`);
  }
  if (!(ms > 0)) throw new InvalidInputError('The decision timeout must be longer than zero.');
  return ms;
}
