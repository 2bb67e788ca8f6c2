import type Anthropic from '@anthropic-ai/sdk';
import { chunkByTokens } from '../domain/session';
import type { StoredNode } from '../domain/session';
import { textOf } from '../domain/session';
import { normalizeUsage, sumUsage, type Usage } from '../domain/session';
import { countTextTokens, truncateToTokens } from '../model';

/** The summarizer's own instructions: what a compacted context must preserve. */
export const SUMMARIZER_SYSTEM_PROMPT = [
  'You are compacting a long conversation so that it can continue in a smaller context window.',
  'Write a concise summary of the conversation you are given, focused on:',
  '- decisions made, with their reasons;',
  '- milestones reached and work completed;',
  '- open questions and agreed next steps.',
  'Keep names, numbers, identifiers and file paths exact. Never invent anything.',
  'If a summary so far is given, fold it in: the result replaces it, so keep everything it says that still matters.',
  'Answer with the summary only, no preamble.',
].join('\n');

export interface SummarizeOptions {
  anthropic: Anthropic;
  model: { id: string; context_window: number; max_output_tokens: number };
  /** Earlier summaries' text, folded in first. */
  previous: string[];
  nodes: readonly StoredNode[];
  signal: AbortSignal;
  onProgress: (done: number, total: number) => void;
}

/** One line per message, as the summarizer reads the history. */
export function transcriptLine(node: StoredNode): string {
  const who = node.role === 'user' ? 'User' : 'Assistant';
  const parts = [textOf(node.content)];
  for (const b of node.content) {
    if (b.type === 'tool_use') parts.push(`[called ${b.name} with ${JSON.stringify(b.input)}]`);
    if (b.type === 'tool_result') parts.push(`[tool result: ${b.content.slice(0, 200)}]`);
  }
  return `${who}: ${parts.filter(Boolean).join(' ')}`;
}

/**
 * Summarizes history with the model, chunk by chunk when it does not fit one request: each call
 * gets the summary so far plus the next chunk, so earlier summaries are always an input of the
 * next one. Returns the final summary and how many calls it took.
 */
export async function summarizeHistory(
  options: SummarizeOptions,
): Promise<{ summary: string; calls: number; usage: Usage }> {
  const maxTokens = summaryMaxTokens(options.model);
  // What one request may carry besides the summary so far: the window minus the reply, the
  // instructions, the running summary and a margin for the tokenizer's estimate of the real one.
  const budget = Math.floor(
    (options.model.context_window - maxTokens - countTextTokens(SUMMARIZER_SYSTEM_PROMPT) - maxTokens) * 0.7,
  );
  const lines = options.nodes.map((n) => truncateToTokens(transcriptLine(n), Math.max(64, budget)));
  const chunks = chunkByTokens(lines, countTextTokens, Math.max(64, budget));
  let summary = options.previous.join('\n\n');
  let calls = 0;
  const usages: Usage[] = [];
  for (const [i, chunk] of chunks.entries()) {
    const prompt = [
      summary ? `Summary so far:\n${summary}` : '',
      `Conversation to fold in (part ${i + 1} of ${chunks.length}):\n${chunk.join('\n')}`,
    ]
      .filter(Boolean)
      .join('\n\n');
    const message = await options.anthropic.messages
      .stream(
        {
          model: options.model.id,
          max_tokens: maxTokens,
          system: SUMMARIZER_SYSTEM_PROMPT,
          messages: [{ role: 'user', content: prompt }],
        },
        { signal: options.signal },
      )
      .finalMessage();
    summary = message.content
      .flatMap((b) => (b.type === 'text' ? [b.text] : []))
      .join('\n')
      .trim();
    calls++;
    usages.push(normalizeUsage(message.usage));
    options.onProgress(i + 1, chunks.length);
  }
  return { summary, calls, usage: sumUsage(usages) };
}

/** A summary is at most a tenth of the window (and never beyond the model's output limit). */
export function summaryMaxTokens(model: { context_window: number; max_output_tokens: number }): number {
  return Math.max(128, Math.min(model.max_output_tokens, 4_096, Math.floor(model.context_window / 10)));
}
