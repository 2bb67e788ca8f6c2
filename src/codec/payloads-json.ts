/**
 * The JSON form of Temporal's `Payloads` message that codec servers speak (protobuf's JSON
 * mapping: `{ "payloads": [{ "metadata": { "encoding": "<base64>" }, "data": "<base64>" }] }`).
 * The Temporal UI and CLI send and expect exactly this.
 */
import type { Payload } from '@temporalio/common';
import { CodecRequestError } from './errors';

/** One payload in protobuf JSON: every bytes field is base64. */
export interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

/** `Payloads` in protobuf JSON. */
export interface JsonPayloads {
  payloads: JsonPayload[];
}

/** Standard or URL-safe base64, padded or not: protobuf's JSON parsers accept both. */
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

function bytesFromBase64(value: unknown, where: string): Uint8Array {
  if (typeof value !== 'string' || !BASE64.test(value)) {
    throw new CodecRequestError(`${where} must be a base64 string.`);
  }
  return Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Parses a request body into payloads.
 *
 * @throws CodecRequestError naming the first field that is not as the protocol says.
 */
export function payloadsFromJson(body: unknown): Payload[] {
  // Protobuf JSON leaves an empty repeated field out: the Temporal CLI sends `{}` for no payloads.
  if (
    !isRecord(body) ||
    !(body.payloads === undefined || body.payloads === null || Array.isArray(body.payloads))
  ) {
    throw new CodecRequestError('The body must be a JSON object with a "payloads" array.');
  }
  const items: unknown[] = Array.isArray(body.payloads) ? body.payloads : [];
  return items.map((item: unknown, i): Payload => {
    const where = `payloads[${i}]`;
    if (!isRecord(item)) throw new CodecRequestError(`${where} must be an object.`);
    const payload: Payload = {};
    if (item.metadata !== undefined && item.metadata !== null) {
      if (!isRecord(item.metadata)) throw new CodecRequestError(`${where}.metadata must be an object.`);
      payload.metadata = Object.fromEntries(
        Object.entries(item.metadata).map(([k, v]) => [k, bytesFromBase64(v, `${where}.metadata.${k}`)]),
      );
    }
    if (item.data !== undefined && item.data !== null)
      payload.data = bytesFromBase64(item.data, `${where}.data`);
    return payload;
  });
}

/** Serializes payloads for a response; empty fields are left out, as protobuf JSON does. */
export function payloadsToJson(payloads: readonly Payload[]): JsonPayloads {
  return {
    payloads: payloads.map((p) => {
      const json: JsonPayload = {};
      const metadata = Object.entries(p.metadata ?? {}).filter(
        (entry): entry is [string, Uint8Array] => entry[1] !== null && entry[1] !== undefined,
      );
      if (metadata.length > 0) {
        json.metadata = Object.fromEntries(metadata.map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
      }
      if (p.data !== null && p.data !== undefined && p.data.length > 0) {
        json.data = Buffer.from(p.data).toString('base64');
      }
      return json;
    }),
  };
}
