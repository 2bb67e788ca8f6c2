/**
 * Faults the offline model can inject into `POST /v1/messages`, so that retry and failure paths
 * run against real HTTP instead of mocks.
 */
import { InvalidFaultError } from './errors';

/** Fields every fault may carry. */
export interface FaultTargeting {
  /** Only requests whose last user text contains this substring get the fault. */
  match?: string;
  /** How many matching requests get the fault (default 1). */
  times?: number;
}

/**
 * One fault:
 * - `http`: answer with an Anthropic-shaped error of this status (and a `retry-after` header in
 *   seconds when `retry_after_s` is set);
 * - `delay`: wait `ms`, then answer normally;
 * - `mid_stream_error`: stream a few events, then an `overloaded_error` SSE `error` event
 *   (a non-streaming request gets a 529 instead);
 * - `malformed_body`: answer 200 with a body that is not valid JSON;
 * - `hang`: never answer; the request ends when the client gives up or the model stops.
 * - `stall_stream`: start streaming (headers and a few events), then send nothing more until the
 *   client gives up (a non-streaming request just hangs).
 */
export type OfflineFault = FaultTargeting &
  (
    | { kind: 'http'; status: number; retry_after_s?: number; message?: string }
    | { kind: 'delay'; ms: number }
    | { kind: 'mid_stream_error' }
    | { kind: 'malformed_body' }
    | { kind: 'hang' }
    | { kind: 'stall_stream' }
  );

/** The kinds of {@link OfflineFault}. */
export type OfflineFaultKind = OfflineFault['kind'];

const KINDS: readonly OfflineFaultKind[] = [
  'http',
  'delay',
  'mid_stream_error',
  'malformed_body',
  'hang',
  'stall_stream',
];

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const isNonNegative = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/**
 * Checks a fault (typed by a test, or parsed from JSON sent to `POST /_offline/faults`) and returns
 * a clean copy of it.
 * @throws InvalidFaultError naming the field that is wrong and what it should be.
 */
export function validateFault(value: unknown, where = 'fault'): OfflineFault {
  if (!isObject(value))
    throw new InvalidFaultError(`${where} must be an object like {"kind":"http","status":529}`);
  const { kind, match, times } = value;
  if (typeof kind !== 'string' || !KINDS.includes(kind as OfflineFaultKind)) {
    throw new InvalidFaultError(
      `${where}.kind must be one of ${KINDS.join(', ')}; got ${JSON.stringify(kind)}`,
    );
  }
  const targeting: FaultTargeting = {};
  if (match !== undefined) {
    if (typeof match !== 'string') throw new InvalidFaultError(`${where}.match must be a string`);
    targeting.match = match;
  }
  if (times !== undefined) {
    if (typeof times !== 'number' || !Number.isInteger(times) || times < 1) {
      throw new InvalidFaultError(`${where}.times must be a whole number of at least 1`);
    }
    targeting.times = times;
  }
  switch (kind as OfflineFaultKind) {
    case 'http': {
      const { status, retry_after_s, message } = value;
      if (typeof status !== 'number' || !Number.isInteger(status) || status < 400 || status > 599) {
        throw new InvalidFaultError(`${where}.status must be an HTTP error status from 400 to 599`);
      }
      const fault: OfflineFault = { kind: 'http', status, ...targeting };
      if (retry_after_s !== undefined) {
        if (!isNonNegative(retry_after_s))
          throw new InvalidFaultError(`${where}.retry_after_s must be a number of seconds, 0 or more`);
        fault.retry_after_s = retry_after_s;
      }
      if (message !== undefined) {
        if (typeof message !== 'string') throw new InvalidFaultError(`${where}.message must be a string`);
        fault.message = message;
      }
      return fault;
    }
    case 'delay':
      if (!isNonNegative(value.ms))
        throw new InvalidFaultError(`${where}.ms must be a number of milliseconds, 0 or more`);
      return { kind: 'delay', ms: value.ms, ...targeting };
    case 'mid_stream_error':
      return { kind: 'mid_stream_error', ...targeting };
    case 'malformed_body':
      return { kind: 'malformed_body', ...targeting };
    case 'hang':
      return { kind: 'hang', ...targeting };
    case 'stall_stream':
      return { kind: 'stall_stream', ...targeting };
  }
}
