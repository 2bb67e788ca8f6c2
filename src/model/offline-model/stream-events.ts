/**
 * The server-sent events of a streamed reply, in the order and shape the Messages API sends them:
 * `message_start`, then per block `content_block_start`, deltas and `content_block_stop` (with a
 * `ping` after the first block starts), then `message_delta` (stop reason, usage) and `message_stop`.
 */
import type { OfflineMessage } from './offline-message';

/** One server-sent event: its name and its JSON data. */
export interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

/** How much text or JSON goes in one delta: small, so a stream has many events as a real one does. */
export const DELTA_CHARS = 24;

function chunks(text: string, size: number): string[] {
  const out: string[] = [];
  // Split on code points, not UTF-16 units, so no delta ends in half a surrogate pair.
  const chars = Array.from(text);
  for (let i = 0; i < chars.length; i += size) out.push(chars.slice(i, i + size).join(''));
  return out;
}

/** Lists the events that stream `message`. Pure, so tests can compare them with the JSON reply. */
export function streamEvents(message: OfflineMessage): SseEvent[] {
  const { usage } = message;
  const events: SseEvent[] = [
    {
      event: 'message_start',
      data: {
        type: 'message_start',
        // The API reports a provisional output count of 1 here; message_delta carries the total.
        message: {
          ...message,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { ...usage, output_tokens: 1 },
        },
      },
    },
  ];
  message.content.forEach((block, index) => {
    if (block.type === 'text') {
      events.push({
        event: 'content_block_start',
        data: { type: 'content_block_start', index, content_block: { type: 'text', text: '' } },
      });
      if (index === 0) events.push({ event: 'ping', data: { type: 'ping' } });
      for (const text of chunks(block.text, DELTA_CHARS)) {
        events.push({
          event: 'content_block_delta',
          data: { type: 'content_block_delta', index, delta: { type: 'text_delta', text } },
        });
      }
    } else if (block.type === 'thinking') {
      // Thinking streams as thinking deltas, then its signature in one signature delta.
      events.push({
        event: 'content_block_start',
        data: {
          type: 'content_block_start',
          index,
          content_block: { type: 'thinking', thinking: '', signature: '' },
        },
      });
      if (index === 0) events.push({ event: 'ping', data: { type: 'ping' } });
      for (const thinking of chunks(block.thinking, DELTA_CHARS)) {
        events.push({
          event: 'content_block_delta',
          data: { type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking } },
        });
      }
      events.push({
        event: 'content_block_delta',
        data: {
          type: 'content_block_delta',
          index,
          delta: { type: 'signature_delta', signature: block.signature },
        },
      });
    } else {
      const { id, name } = block;
      events.push({
        event: 'content_block_start',
        data: {
          type: 'content_block_start',
          index,
          content_block: { type: 'tool_use', id, name, input: {} },
        },
      });
      if (index === 0) events.push({ event: 'ping', data: { type: 'ping' } });
      // The API opens every tool input with an empty partial_json before the real chunks.
      for (const partial_json of ['', ...chunks(JSON.stringify(block.input), DELTA_CHARS)]) {
        events.push({
          event: 'content_block_delta',
          data: { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json } },
        });
      }
    }
    events.push({ event: 'content_block_stop', data: { type: 'content_block_stop', index } });
  });
  events.push(
    {
      event: 'message_delta',
      data: {
        type: 'message_delta',
        delta: { stop_reason: message.stop_reason, stop_sequence: null },
        usage: { ...usage },
      },
    },
    { event: 'message_stop', data: { type: 'message_stop' } },
  );
  return events;
}

/** Serialises one event in SSE wire format. */
export function formatSse({ event, data }: SseEvent): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}
