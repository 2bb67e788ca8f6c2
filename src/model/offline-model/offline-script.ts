/**
 * The offline model's script: replies and tool calls written in advance, so that without an API
 * key the model can still do real work in a workspace (write a test, run it, write the code) and
 * answer the tool results it gets back. Format (`baton.offline-script`, version 1):
 *
 * ```json
 * {
 *   "format": "baton.offline-script",
 *   "version": 1,
 *   "steps": [
 *     {
 *       "name": "red",
 *       "when": { "phase": "red" },
 *       "replies": [
 *         { "text": "First the test.", "tool_calls": [
 *           { "name": "str_replace_based_edit_tool",
 *             "input": { "command": "create", "path": "test/sum.test.js", "file_text": "…" } } ] },
 *         { "text": "Now I run it.", "tool_calls": [ { "name": "bash", "input": { "command": "npm test" } } ] },
 *         { "text": "It fails as it should: {{tool_result}}" }
 *       ]
 *     }
 *   ]
 * }
 * ```
 *
 * A turn starts with a user message that has text; the first step whose `when` matches that text
 * answers the turn. `when.phase` matches a SPEC phase heading (`phase 2/4 RED …`), `when.match`
 * a substring (case-insensitive) or a `/regex/flags`; both given means both must match. The n-th
 * model call of the turn gets the step's n-th reply (so the reply after a tool result is the next
 * one); a turn that runs past the last reply ends with a note. `{{tool_result}}` in a reply's text
 * is replaced by the start of the tool result it answers. `stop_reason: "max_tokens"` makes a reply
 * look cut off. A turn no step matches gets the ordinary deterministic offline reply. Everything
 * is a function of the request, as with every offline reply: a retried call gets the same answer.
 */
import fs from 'node:fs/promises';
import { z } from 'zod';
import { InvalidOfflineScriptError } from './errors';

/** The `format` field of a script. */
export const OFFLINE_SCRIPT_FORMAT = 'baton.offline-script';

const toolCallSchema = z.strictObject({
  name: z.string().min(1, 'must be a tool name'),
  input: z.record(z.string(), z.unknown()).default({}),
});

const replySchema = z
  .strictObject({
    text: z.string().optional(),
    tool_calls: z.array(toolCallSchema).default([]),
    stop_reason: z.enum(['end_turn', 'max_tokens']).optional(),
  })
  .refine((r) => r.text !== undefined || r.tool_calls.length > 0, 'a reply needs text, tool_calls or both');

const whenSchema = z
  .strictObject({ phase: z.string().min(1).optional(), match: z.string().min(1).optional() })
  .refine((w) => w.phase !== undefined || w.match !== undefined, 'when needs phase, match or both');

const scriptSchema = z.strictObject({
  format: z.literal(OFFLINE_SCRIPT_FORMAT),
  version: z.literal(1),
  steps: z
    .array(
      z.strictObject({ name: z.string().optional(), when: whenSchema, replies: z.array(replySchema).min(1) }),
    )
    .min(1),
});

/** A scripted tool call. */
export type ScriptedToolCall = z.infer<typeof toolCallSchema>;
/** One scripted model reply. */
export type ScriptedReply = z.infer<typeof replySchema>;

/** A step of a loaded script, its `when` compiled. */
export interface ScriptStep {
  name: string;
  /** True when the step answers a turn that starts with this user text. */
  matches(userText: string): boolean;
  replies: ScriptedReply[];
}

/** A loaded, checked script. */
export interface OfflineScript {
  steps: ScriptStep[];
}

/** `/regex/flags`, or a case-insensitive substring. */
function textMatcher(pattern: string, where: string): (text: string) => boolean {
  const regex = /^\/(.*)\/([dgimsuvy]*)$/s.exec(pattern);
  if (regex) {
    try {
      const compiled = new RegExp(regex[1] ?? '', regex[2]);
      return (text) => compiled.test(text);
    } catch (err) {
      throw new InvalidOfflineScriptError(`${where}: ${(err as Error).message}`);
    }
  }
  const needle = pattern.toLowerCase();
  return (text) => text.toLowerCase().includes(needle);
}

/** `phase: red` matches a SPEC phase heading such as `phase 2/4 RED (tests first)`. */
function phaseMatcher(phase: string): (text: string) => boolean {
  const escaped = phase.trim().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const heading = new RegExp(`\\bphase\\s+\\d+\\s*/\\s*\\d+\\s+${escaped}\\b`, 'i');
  return (text) => heading.test(text);
}

/**
 * Checks a parsed script and compiles its matchers.
 * @throws InvalidOfflineScriptError naming the first field that is wrong.
 */
export function parseOfflineScript(value: unknown): OfflineScript {
  const parsed = scriptSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue && issue.path.length > 0 ? issue.path.join('.') : 'the script';
    throw new InvalidOfflineScriptError(
      `Invalid offline script: ${at}: ${issue?.message ?? 'malformed'}. See the README's "Offline scripts" section for the format.`,
    );
  }
  return {
    steps: parsed.data.steps.map((step, i) => {
      const where = `steps.${i}.when`;
      const tests = [
        ...(step.when.phase !== undefined ? [phaseMatcher(step.when.phase)] : []),
        ...(step.when.match !== undefined ? [textMatcher(step.when.match, `${where}.match`)] : []),
      ];
      return {
        name: step.name ?? `step ${i + 1}`,
        matches: (text: string) => tests.every((t) => t(text)),
        replies: step.replies,
      };
    }),
  };
}

/**
 * Reads and checks a script file.
 * @throws InvalidOfflineScriptError when the file is missing, not JSON, or not a valid script.
 */
export async function loadOfflineScript(file: string): Promise<OfflineScript> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    throw new InvalidOfflineScriptError(`Cannot read the offline script ${file}: ${(err as Error).message}.`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new InvalidOfflineScriptError(
      `The offline script ${file} is not valid JSON: ${(err as Error).message}.`,
    );
  }
  try {
    return parseOfflineScript(value);
  } catch (err) {
    if (err instanceof InvalidOfflineScriptError)
      throw new InvalidOfflineScriptError(`${file}: ${err.message}`);
    throw err;
  }
}
