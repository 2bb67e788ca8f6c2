/**
 * The reply a script gives to a request: find the turn (the last user message with text), the
 * step that answers it, and which of the step's replies this model call is.
 */
import { createHash } from 'node:crypto';
import type { MessagesRequest } from './messages-request';
import type { OfflineScript } from './offline-script';
import type { OfflineReply, ReplyBlock } from './reply-for';
import { conversationDigest, newestTextOf, toolResultsOf, toolResultText } from './request-facts';

/** How much of a tool result `{{tool_result}}` quotes. */
export const TOOL_RESULT_EXCERPT_CHARS = 300;

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= TOOL_RESULT_EXCERPT_CHARS ? flat : `${flat.slice(0, TOOL_RESULT_EXCERPT_CHARS)}…`;
}

/**
 * The scripted reply to `request`, or undefined when no step answers its turn (the caller then
 * gives the ordinary offline reply).
 */
export function scriptedReply(request: MessagesRequest, script: OfflineScript): OfflineReply | undefined {
  const messages = request.messages;
  let start = -1;
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m?.role === 'user' && newestTextOf(m.content) !== '') {
      start = i;
      break;
    }
  }
  if (start === -1) return undefined;
  const userText = newestTextOf(messages[start]?.content ?? '');
  const step = script.steps.find((s) => s.matches(userText));
  if (step === undefined) return undefined;
  const index = messages.slice(start + 1).filter((m) => m.role === 'assistant').length;
  const reply = step.replies[index];
  if (reply === undefined) {
    return {
      content: [
        {
          type: 'text',
          text: `[offline script: step '${step.name}' has ${step.replies.length} replies; this turn is over.]`,
        },
      ],
      stop_reason: 'end_turn',
    };
  }
  const last = messages.at(-1);
  const result = last?.role === 'user' ? toolResultsOf(last.content)[0] : undefined;
  const digest = conversationDigest(request);
  const content: ReplyBlock[] = [];
  const notes: string[] = [];
  const offered = (request.tools ?? []).map((t) => t.name);
  for (const [i, call] of reply.tool_calls.entries()) {
    if (request.tool_choice === 'none') notes.push(`(not calling ${call.name}: tool_choice is none)`);
    else if (!offered.includes(call.name)) {
      notes.push(
        `(cannot call ${call.name}: the request offers ${offered.length > 0 ? offered.join(', ') : 'no tools'})`,
      );
    } else {
      const id = `toolu_offline_${createHash('sha256').update(`${digest}:${i}:${call.name}`).digest('hex').slice(0, 20)}`;
      content.push({ type: 'tool_use', id, name: call.name, input: call.input });
    }
  }
  const text = [
    reply.text?.replaceAll('{{tool_result}}', result ? excerpt(toolResultText(result)) : '(no tool result)'),
    ...notes,
  ]
    .filter((t): t is string => t !== undefined && t !== '')
    .join(' ');
  if (text !== '') content.unshift({ type: 'text', text });
  const calls = content.some((b) => b.type === 'tool_use');
  return {
    content,
    stop_reason: reply.stop_reason === 'max_tokens' ? 'max_tokens' : calls ? 'tool_use' : 'end_turn',
  };
}
