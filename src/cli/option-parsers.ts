import { InvalidArgumentError } from 'commander';
import { CONTEXT_CLASSES, type ContextClass } from '../domain/session';
import { InvalidCommandPolicyError, parseCommandPolicy, type CommandPolicy } from '../domain/workspace';

/** A commander parser for a whole number within bounds; the error names the expected range. */
export function wholeNumber(min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}, got '${value}'.`);
    }
    return parsed;
  };
}

/** A commander parser for a percentage strictly between 0 and 100. */
export function percentage(value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed <= 0 || parsed >= 100) {
    throw new InvalidArgumentError(`expected a percentage between 0 and 100, got '${value}'.`);
  }
  return parsed;
}

export function contextClass(value: string): ContextClass {
  if (!(CONTEXT_CLASSES as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`expected one of ${CONTEXT_CLASSES.join(', ')}, got '${value}'.`);
  }
  return value as ContextClass;
}

/** A commander parser for a prompt-cache TTL: `5m` or `1h`, the API's two. */
export function cacheTtl(value: string): '5m' | '1h' {
  if (value !== '5m' && value !== '1h') {
    throw new InvalidArgumentError(`expected 5m or 1h (the prompt cache's two lifetimes), got '${value}'.`);
  }
  return value;
}

/**
 * A commander parser for a command policy: `allow`, `ask`, `allow:<prefix>,<prefix>…` (others
 * refused) or `ask-others:<prefix>,…` (others asked).
 */
export function commandPolicy(value: string): CommandPolicy {
  try {
    return parseCommandPolicy(value);
  } catch (err) {
    if (err instanceof InvalidCommandPolicyError) throw new InvalidArgumentError(err.message);
    throw err;
  }
}

/** `a, b` → `['a', 'b']`: names from a comma-separated flag. */
export function serverList(value: string): string[] {
  return value
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
}
