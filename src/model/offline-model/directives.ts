/**
 * Directives: instructions that tests write into the last user message to steer the offline model.
 *
 * - `[[reply_tokens=N]]`: make the reply about N tokens long (deterministic filler words), to fill
 *   a context window in a few turns.
 * - `[[use_tool=NAME {json}]]`: if the request offers a tool called NAME, call it with the JSON
 *   object as input (the object may be omitted: `{}`).
 * - `[[say=TEXT]]`: end the reply with TEXT on a line of its own (`\n` in TEXT starts another
 *   line), so a test can make the model state something, such as a decision in markdown.
 * - `[[repeat_tool]]`: keep calling that tool after each result.
 * - `[[pace_ms=N]]`: stream the reply slowly, N ms before each delta (streaming and cancel tests).
 *
 * To add a behaviour, add a field here and read it in `reply-for.ts`.
 */

/** A `use_tool` directive, or the reason it could not be read. */
export type ToolDirective =
  { name: string; input: Record<string, unknown> } | { name: string; problem: string };

/** The directives found in a piece of text. */
export interface Directives {
  replyTokens?: number;
  useTool?: ToolDirective;
  /** `[[repeat_tool]]`: after each tool result, call the `use_tool` tool again (to test round limits). */
  repeatTool?: boolean;
  /** `[[say=TEXT]]`: lines the reply ends with. */
  say?: string;
  /** `[[pace_ms=N]]`: when streaming, wait N ms before each text or JSON delta, as a real model writes. */
  paceMs?: number;
}

/** Enough for any context window today; a bigger number is a typo, not a test. */
export const MAX_REPLY_TOKENS = 2_000_000;
/** A minute between deltas is already slower than any model; more is a typo. */
export const MAX_PACE_MS = 60_000;

const REPLY_TOKENS = /\[\[reply_tokens=(\d+)\]\]/;
// The JSON is matched lazily up to the first `}]]`, so nested arrays and objects inside it still work.
const USE_TOOL = /\[\[use_tool=([A-Za-z0-9_-]+)(?:\s+(\{.*?\}))?\s*\]\]/s;
const REPEAT_TOOL = /\[\[repeat_tool\]\]/;
const SAY = /\[\[say=(.*?)\]\]/s;
const PACE_MS = /\[\[pace_ms=(\d+)\]\]/;
const ANY_DIRECTIVE = /\[\[(?:(?:reply_tokens|use_tool|say|pace_ms)=.*?|repeat_tool)\]\]/gs;

function parseToolInput(name: string, json: string | undefined): ToolDirective {
  if (json === undefined) return { name, input: {} };
  try {
    const input: unknown = JSON.parse(json);
    if (typeof input === 'object' && input !== null && !Array.isArray(input)) {
      return { name, input: input as Record<string, unknown> };
    }
    return { name, problem: 'its input is not a JSON object' };
  } catch (e) {
    return { name, problem: `its input is not valid JSON (${(e as Error).message})` };
  }
}

/**
 * Finds the directives in a message's text. The first occurrence of each wins.
 * @example parseDirectives('go [[reply_tokens=500]]') // { replyTokens: 500 }
 */
export function parseDirectives(text: string): Directives {
  const directives: Directives = {};
  const tokens = REPLY_TOKENS.exec(text)?.[1];
  if (tokens !== undefined) directives.replyTokens = Math.min(Number(tokens), MAX_REPLY_TOKENS);
  const tool = USE_TOOL.exec(text);
  if (tool?.[1] !== undefined) directives.useTool = parseToolInput(tool[1], tool[2]);
  if (REPEAT_TOOL.test(text)) directives.repeatTool = true;
  const say = SAY.exec(text)?.[1];
  if (say !== undefined) directives.say = say.replace(/\\n/g, '\n');
  const pace = PACE_MS.exec(text)?.[1];
  if (pace !== undefined) directives.paceMs = Math.min(Number(pace), MAX_PACE_MS);
  return directives;
}

/** The text with its directives removed, so that replies quote what the user actually said. */
export function withoutDirectives(text: string): string {
  return text.replace(ANY_DIRECTIVE, ' ');
}
