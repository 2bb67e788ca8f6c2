/**
 * A request to the codec server that is not a valid `{ payloads: [...] }` body (the Payloads
 * protobuf as JSON, bytes in base64). Answered with HTTP 400 and this message.
 */
export class CodecRequestError extends Error {
  override readonly name = 'CodecRequestError';

  constructor(message: string) {
    super(message);
  }
}

/** True when `error` is a {@link CodecRequestError}. */
export function isCodecRequestError(error: unknown): error is CodecRequestError {
  return error instanceof CodecRequestError;
}
