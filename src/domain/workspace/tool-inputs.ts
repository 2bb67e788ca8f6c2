/**
 * The inputs the model sends to the workspace tools, checked before anything runs. A malformed
 * input is not a failure: it goes back to the model as an error result that says what was wrong,
 * so it can correct the call.
 */

/** `view`: a file (optionally lines `[start, end]`, 1-based, `end` -1 for the last) or a directory. */
export interface EditorViewInput {
  command: 'view';
  path: string;
  view_range?: [number, number];
}
/** `create`: write a new file (or replace one) with `file_text`. */
export interface EditorCreateInput {
  command: 'create';
  path: string;
  file_text: string;
}
/** `str_replace`: replace the one occurrence of `old_str` with `new_str` (empty deletes). */
export interface EditorStrReplaceInput {
  command: 'str_replace';
  path: string;
  old_str: string;
  new_str: string;
}
/** `insert`: insert `insert_text` after line `insert_line` (0 inserts at the start). */
export interface EditorInsertInput {
  command: 'insert';
  path: string;
  insert_line: number;
  insert_text: string;
}

/** One text editor command. */
export type EditorInput = EditorViewInput | EditorCreateInput | EditorStrReplaceInput | EditorInsertInput;
/** The editor's commands. */
export const EDITOR_COMMANDS = ['view', 'create', 'str_replace', 'insert'] as const;
export type EditorCommand = (typeof EDITOR_COMMANDS)[number];

/** One bash tool call: a command to run, or `restart` (baton keeps no shell between calls). */
export interface BashInput {
  command?: string;
  restart?: boolean;
}

/** A parsed input, or the message to give the model. */
export type Parsed<T> = { ok: true; input: T } | { ok: false; problem: string };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function stringField(input: Record<string, unknown>, field: string, command: string): string {
  const value = input[field];
  if (typeof value !== 'string') {
    throw new TypeError(
      `${command} needs \`${field}\` (a string)${value === undefined ? '' : `, got ${typeof value}`}.`,
    );
  }
  return value;
}

/**
 * Checks a text editor call's input.
 * @example parseEditorInput({ command: 'view', path: 'src' }) // { ok: true, input: { command: 'view', path: 'src' } }
 */
export function parseEditorInput(raw: unknown): Parsed<EditorInput> {
  if (!isObject(raw)) return { ok: false, problem: 'The editor input must be a JSON object.' };
  const command = raw.command;
  if (typeof command !== 'string' || !(EDITOR_COMMANDS as readonly string[]).includes(command)) {
    return {
      ok: false,
      problem: `Unknown editor command ${JSON.stringify(command)}; use one of ${EDITOR_COMMANDS.join(', ')}.`,
    };
  }
  try {
    const path = stringField(raw, 'path', command);
    switch (command as EditorCommand) {
      case 'view': {
        const range = raw.view_range;
        if (range === undefined || range === null) return { ok: true, input: { command: 'view', path } };
        if (
          !Array.isArray(range) ||
          range.length !== 2 ||
          !range.every((n) => Number.isSafeInteger(n)) ||
          (range[0] as number) < 1 ||
          ((range[1] as number) !== -1 && (range[1] as number) < (range[0] as number))
        ) {
          return {
            ok: false,
            problem:
              'view_range must be [start, end]: whole numbers, start ≥ 1, end ≥ start or -1 for the last line.',
          };
        }
        return {
          ok: true,
          input: { command: 'view', path, view_range: [range[0] as number, range[1] as number] },
        };
      }
      case 'create':
        return {
          ok: true,
          input: { command: 'create', path, file_text: stringField(raw, 'file_text', command) },
        };
      case 'str_replace': {
        const old_str = stringField(raw, 'old_str', command);
        if (old_str === '') return { ok: false, problem: 'str_replace needs a non-empty `old_str`.' };
        // An omitted new_str deletes the text, as the tool's reference implementation does.
        const new_str =
          raw.new_str === undefined || raw.new_str === null ? '' : stringField(raw, 'new_str', command);
        return { ok: true, input: { command: 'str_replace', path, old_str, new_str } };
      }
      case 'insert': {
        const line = raw.insert_line;
        if (!Number.isSafeInteger(line) || (line as number) < 0) {
          return {
            ok: false,
            problem: 'insert needs `insert_line`, a whole number ≥ 0 (0 inserts at the start).',
          };
        }
        return {
          ok: true,
          input: {
            command: 'insert',
            path,
            insert_line: line as number,
            insert_text: stringField(raw, 'insert_text', command),
          },
        };
      }
    }
  } catch (err) {
    return { ok: false, problem: (err as Error).message };
  }
}

/**
 * Checks a bash tool call's input: a non-empty `command`, or `restart: true`.
 * @example parseBashInput({ command: 'npm test' }) // { ok: true, input: { command: 'npm test' } }
 */
export function parseBashInput(raw: unknown): Parsed<BashInput & ({ command: string } | { restart: true })> {
  if (!isObject(raw)) return { ok: false, problem: 'The bash input must be a JSON object.' };
  if (raw.restart === true) return { ok: true, input: { restart: true } };
  if (typeof raw.command !== 'string' || raw.command.trim() === '') {
    return { ok: false, problem: 'bash needs `command`, a non-empty string (or `restart: true`).' };
  }
  if (raw.command.includes('\0')) return { ok: false, problem: 'The command contains a NUL character.' };
  return { ok: true, input: { command: raw.command } };
}
