import type { OfflineFaultKind } from './offline-fault';

/** One request to the offline model's API, as the request log records it. */
export interface RequestLogEntry {
  /** `/v1/messages`, `/v1/messages/count_tokens`, `/v1/models` or `/v1/models/{id}`. */
  path: string;
  /** `null` when the body could not be read as a request. */
  model: string | null;
  stream: boolean;
  /** The last user message's text, then its tool results' text (what a fault's `match` sees). */
  last_user_text: string;
  message_count: number;
  /** The HTTP status sent; `null` while no answer has started, 499 if the client left first. */
  status: number | null;
  request_id: string;
  /** The fault injected into this request, if one was. */
  fault: OfflineFaultKind | null;
  /** When the request arrived (ISO 8601). */
  time: string;
  /** The budget note the request ended with (what the model was told of its context), if any. */
  budget_note?: { used: number; total: number; available: number };
  /** The input side of the answer: uncached, written to and read from the prompt cache. */
  usage?: { input_tokens: number; cache_creation_input_tokens: number; cache_read_input_tokens: number };
  /** When the first delta of a streamed reply was written (epoch ms), for stream latency figures. */
  first_delta_at_ms: number | null;
  /** True when the client closed the connection before the answer was complete (an aborted call). */
  aborted_by_client: boolean;
}

/** The offline model's record of requests, oldest first. */
export class RequestLog {
  #entries: RequestLogEntry[] = [];

  /** Records a request as it arrives and returns its entry, which the handler fills in as it goes. */
  begin(path: string, requestId: string): RequestLogEntry {
    const entry: RequestLogEntry = {
      path,
      model: null,
      stream: false,
      last_user_text: '',
      message_count: 0,
      status: null,
      request_id: requestId,
      fault: null,
      time: new Date().toISOString(),
      first_delta_at_ms: null,
      aborted_by_client: false,
    };
    this.#entries.push(entry);
    return entry;
  }

  /** Copies of the entries, so that readers cannot change the log. */
  get entries(): RequestLogEntry[] {
    return this.#entries.map((e) => ({ ...e }));
  }

  /** Forgets every entry. */
  clear(): void {
    this.#entries = [];
  }
}
