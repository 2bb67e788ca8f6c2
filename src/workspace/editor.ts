/**
 * The text editor tool (`str_replace_based_edit_tool`, version text_editor_20250728): view,
 * create, str_replace and insert, on files inside the workspace. It runs in the worker, not in
 * the sandbox: path resolution keeps it inside the workspace. Answers are worded like the tool's
 * reference implementation, which is what Claude expects to read.
 */
import { constants } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { formatCount } from '../domain/format';
import { displayPath, parseEditorInput, type EditorInput } from '../domain/workspace';
import { errorCode } from './errors';
import { resolveWorkspacePath } from './resolve-path';

/** The editor's answer: the text of the `tool_result`, and whether it is an error. */
export interface EditorOutcome {
  content: string;
  is_error: boolean;
}

/** Largest file the editor reads (views, edits): larger ones are data, not source. */
export const MAX_EDIT_FILE_BYTES = 10 * 1024 * 1024;
/** How many entries a directory view lists at most. */
export const MAX_DIRECTORY_ENTRIES = 1_000;
/** Lines shown around an edit. */
const SNIPPET_CONTEXT_LINES = 4;

const fail = (content: string): EditorOutcome => ({ content, is_error: true });
const done = (content: string): EditorOutcome => ({ content, is_error: false });

/** `cat -n` numbering, as the reference implementation shows files. */
function numbered(lines: readonly string[], firstLine: number): string {
  return lines.map((line, i) => `${String(i + firstLine).padStart(6)}\t${line}`).join('\n');
}

function snippet(text: string, aroundLine: number, insertedLines: number): string {
  const lines = text.split('\n');
  const start = Math.max(1, aroundLine - SNIPPET_CONTEXT_LINES);
  const end = Math.min(lines.length, aroundLine + insertedLines + SNIPPET_CONTEXT_LINES);
  return numbered(lines.slice(start - 1, end), start);
}

async function readText(absolute: string, shown: string): Promise<string | EditorOutcome> {
  const stat = await fs.stat(absolute);
  if (stat.isDirectory()) return fail(`${shown} is a directory; only files can be edited.`);
  if (!stat.isFile()) return fail(`${shown} is not a regular file.`);
  if (stat.size > MAX_EDIT_FILE_BYTES) {
    return fail(
      `${shown} is ${formatCount(stat.size)} bytes, more than the editor reads (10 MiB). Use bash (head, grep, sed) on it.`,
    );
  }
  const bytes = await fs.readFile(absolute);
  if (bytes.subarray(0, 8192).includes(0)) {
    return fail(
      `${shown} is a binary file (${formatCount(bytes.length)} bytes); the editor shows text files only.`,
    );
  }
  return bytes.toString('utf8');
}

/** Writes a file without following a symlink at its name (O_NOFOLLOW), keeping an existing file's mode. */
async function writeText(absolute: string, text: string): Promise<void> {
  const handle = await fs.open(
    absolute,
    constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW,
    0o644,
  );
  try {
    await handle.writeFile(text, 'utf8');
  } finally {
    await handle.close();
  }
}

async function listDirectory(absolute: string, shown: string, maxChars: number): Promise<string> {
  const entries: string[] = [];
  const walk = async (dir: string, prefix: string, depth: number): Promise<void> => {
    const children = (await fs.readdir(dir, { withFileTypes: true }))
      .filter((d) => !d.name.startsWith('.') && d.name !== 'node_modules')
      .sort((a, b) => a.name.localeCompare(b.name));
    for (const child of children) {
      if (entries.length >= MAX_DIRECTORY_ENTRIES) return;
      const rel = prefix === '' ? child.name : `${prefix}/${child.name}`;
      entries.push(child.isDirectory() ? `${rel}/` : rel);
      if (child.isDirectory() && depth < 2) await walk(path.join(dir, child.name), rel, depth + 1);
    }
  };
  await walk(absolute, '', 1);
  const header = `Here are the files and directories up to 2 levels deep in ${shown}, excluding hidden items and node_modules:`;
  const more =
    entries.length >= MAX_DIRECTORY_ENTRIES
      ? `\n[baton: listing stopped at ${MAX_DIRECTORY_ENTRIES} entries; view a subdirectory to see more.]`
      : '';
  const body = entries.length === 0 ? '(empty)' : entries.join('\n');
  const text = `${header}\n${body}${more}`;
  return text.length <= maxChars
    ? text
    : `${text.slice(0, maxChars - 120)}\n[baton: listing truncated; view a subdirectory to see more.]`;
}

/** A file view cut at a line boundary, saying which `view_range` shows the rest. */
function fitView(lines: readonly string[], firstLine: number, totalLines: number, maxChars: number): string {
  let out = '';
  for (let i = 0; i < lines.length; i++) {
    const line = `${String(i + firstLine).padStart(6)}\t${lines[i] ?? ''}`;
    if (out.length + line.length + 1 > maxChars - 160) {
      const next = i + firstLine;
      return `${out}\n[baton: view truncated at line ${next - 1} of ${totalLines}; view with view_range [${next}, -1] to see the rest.]`;
    }
    out += (i === 0 ? '' : '\n') + line;
  }
  return out;
}

async function view(
  absolute: string,
  shown: string,
  input: Extract<EditorInput, { command: 'view' }>,
  maxChars: number,
): Promise<EditorOutcome> {
  if ((await fs.stat(absolute)).isDirectory()) {
    if (input.view_range) return fail(`${shown} is a directory; view_range applies to files only.`);
    return done(await listDirectory(absolute, shown, maxChars));
  }
  const text = await readText(absolute, shown);
  if (typeof text !== 'string') return text;
  const lines = text.split('\n');
  if (text.endsWith('\n')) lines.pop();
  const [start, end] = input.view_range ?? [1, -1];
  if (start > Math.max(1, lines.length)) {
    return fail(`view_range starts at line ${start}, but ${shown} has ${lines.length} lines.`);
  }
  const last = end === -1 ? lines.length : Math.min(end, lines.length);
  return done(fitView(lines.slice(start - 1, last), start, lines.length, maxChars));
}

/** File system errors that are the model's to read (a file where a folder is expected…), not the worker's. */
const MODEL_ERRORS: Record<string, string> = {
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'it is a folder, not a file',
  EEXIST: 'something already exists there',
  ELOOP: 'it is a symlink, which the editor does not write through',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENAMETOOLONG: 'a name in the path is too long',
};

/**
 * Runs one editor command in the workspace at `root`. Every refusal (bad input, a path outside the
 * workspace, no match, a folder where a file is expected) is an error outcome for the model to
 * read, never an exception; exceptions are failures of the worker itself.
 */
export async function runEditorCommand(
  root: string,
  rawInput: unknown,
  maxChars: number,
): Promise<EditorOutcome> {
  try {
    return await editorCommand(root, rawInput, maxChars);
  } catch (err) {
    const code = errorCode(err) ?? '';
    const reason = MODEL_ERRORS[code];
    if (reason === undefined) throw err;
    const target =
      typeof rawInput === 'object' && rawInput !== null && 'path' in rawInput
        ? String(rawInput.path)
        : 'the path';
    return fail(`The editor could not use ${target}: ${reason}.`);
  }
}

async function editorCommand(root: string, rawInput: unknown, maxChars: number): Promise<EditorOutcome> {
  const parsed = parseEditorInput(rawInput);
  if (!parsed.ok) return fail(parsed.problem);
  const input = parsed.input;
  const resolved = await resolveWorkspacePath(root, input.path);
  if (!resolved.ok) return fail(resolved.problem);
  const { absolute } = resolved;
  const shown = displayPath(resolved.relative);

  if (input.command === 'create') {
    if (resolved.relative === '') return fail('create needs a file path, not the workspace root.');
    if (resolved.exists && (await fs.stat(absolute)).isDirectory()) return fail(`${shown} is a directory.`);
    // Missing parents are plain new names under a resolved, checked prefix.
    await fs.mkdir(path.dirname(absolute), { recursive: true });
    await writeText(absolute, input.file_text);
    const lines =
      input.file_text === ''
        ? 0
        : input.file_text.split('\n').length - (input.file_text.endsWith('\n') ? 1 : 0);
    return done(
      `File ${resolved.exists ? 'overwritten' : 'created'} successfully at: ${shown} (${lines} lines)`,
    );
  }
  if (!resolved.exists) {
    return fail(
      `The path ${shown} does not exist.${input.command === 'view' ? '' : ' Create it first with the create command.'}`,
    );
  }
  if (input.command === 'view') return view(absolute, shown, input, maxChars);

  const text = await readText(absolute, shown);
  if (typeof text !== 'string') return text;
  if (input.command === 'str_replace') {
    const at: number[] = [];
    for (let i = text.indexOf(input.old_str); i !== -1; i = text.indexOf(input.old_str, i + 1)) {
      at.push(text.slice(0, i).split('\n').length);
      if (at.length > 20) break;
    }
    if (at.length === 0) {
      return fail(
        `No replacement was performed, old_str did not appear verbatim in ${shown}. View the file to copy the text exactly.`,
      );
    }
    if (at.length > 1) {
      return fail(
        `No replacement was performed. Multiple occurrences of old_str in lines ${at.join(', ')} of ${shown}. Include more surrounding text so that it is unique.`,
      );
    }
    const index = text.indexOf(input.old_str);
    const next = text.slice(0, index) + input.new_str + text.slice(index + input.old_str.length);
    await writeText(absolute, next);
    const line = at[0] ?? 1;
    return done(
      `The file ${shown} has been edited. Here's the result of running \`cat -n\` on a snippet of ${shown}:\n` +
        `${snippet(next, line, input.new_str.split('\n').length - 1)}\nReview the changes and make sure they are as expected.`,
    );
  }
  // insert
  const lines = text.split('\n');
  const trailingNewline = text.endsWith('\n');
  if (trailingNewline) lines.pop();
  if (input.insert_line > lines.length) {
    return fail(
      `insert_line ${input.insert_line} is past the end of ${shown}, which has ${lines.length} lines (use 0 to ${lines.length}).`,
    );
  }
  const inserted = input.insert_text.endsWith('\n')
    ? input.insert_text.slice(0, -1).split('\n')
    : input.insert_text.split('\n');
  lines.splice(input.insert_line, 0, ...inserted);
  const next = lines.join('\n') + (trailingNewline || text === '' ? '\n' : '');
  await writeText(absolute, next);
  return done(
    `The file ${shown} has been edited. Here's the result of running \`cat -n\` on a snippet of the edited file:\n` +
      `${snippet(next, input.insert_line + 1, inserted.length - 1)}\nReview the changes and make sure they are as expected.`,
  );
}
