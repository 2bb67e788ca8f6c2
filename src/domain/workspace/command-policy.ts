/**
 * The permission policy for commands the model asks to run. Every command runs inside the sandbox
 * whatever the policy; the policy says whether it runs at all:
 *
 * - `allow`: every command runs;
 * - `ask`: every command waits for a person's decision;
 * - `allow_list`: a command runs when each of its simple commands starts with one of the allowed
 *   prefixes (word by word: `npm test` allows `npm test -- --watch=false`, not `npm testx` nor
 *   `npm test; rm -rf src`); anything else is refused, or asked about with `otherwise: 'ask'`.
 *
 * Pure and workflow-safe: the session decides before it schedules the command, and the activity
 * checks again before it runs it.
 */
import type parseShellType from 'shell-quote/parse';

/**
 * shell-quote's parser draws a random token when its module loads, and workflow code may use
 * randomness only inside a run; the worker evaluates (preloads) the workflow modules before any
 * run. So the parser is loaded on first use, inside a run (or an activity), not at import time.
 */
function parseShell(...args: Parameters<typeof parseShellType>): ReturnType<typeof parseShellType> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const parse = require('shell-quote/parse') as typeof parseShellType;
  return parse(...args);
}
import { InvalidCommandPolicyError } from './errors';

/** A session's command policy. */
export type CommandPolicy =
  | { mode: 'allow' }
  | { mode: 'ask' }
  | { mode: 'allow_list'; prefixes: string[]; otherwise?: 'deny' | 'ask' };

/** The policy's answer for one command. */
export type CommandDecision =
  | { decision: 'allow'; reason: string }
  | { decision: 'ask'; reason: string }
  | { decision: 'deny'; reason: string };

/** The default policy: commands run, inside the sandbox. */
export const DEFAULT_COMMAND_POLICY: CommandPolicy = { mode: 'allow' };

/** Control operators that separate simple commands. */
const SEPARATORS: ReadonlySet<string> = new Set(['||', '&&', ';', ';;', ';&', ';;&', '|', '|&', '&']);
/** Operators after which the next word is a file name, not a command. */
const REDIRECTIONS: ReadonlySet<string> = new Set([
  '<',
  '>',
  '>>',
  '>|',
  '<>',
  '>&',
  '<&',
  '&>',
  '&>>',
  '<<',
  '<<-',
  '<<<',
]);

/**
 * Why a command cannot be checked against an allow-list: constructs whose inner commands a prefix
 * cannot see (substitutions, subshells, several lines), or undefined when there is none.
 */
function opaqueConstruct(command: string): string | undefined {
  if (/[\r\n]/.test(command)) return 'it has several lines';
  if (command.includes('`')) return 'it uses backtick command substitution';
  if (command.includes('$(')) return 'it uses $( ) command substitution';
  if (/[<>]\(/.test(command)) return 'it uses process substitution';
  return undefined;
}

type Token = ReturnType<typeof parseShellType>[number];

function isOperator(t: Token): t is { op: string } {
  return typeof t === 'object' && 'op' in t && (t as { op: string }).op !== 'glob';
}

function wordOf(t: Token): string | undefined {
  if (typeof t === 'string') return t;
  if (typeof t === 'object' && 'op' in t && t.op === 'glob' && 'pattern' in t) return t.pattern;
  return undefined;
}

/**
 * The simple commands of a shell command line, each as its words (variables kept as `$NAME`),
 * or the reason it cannot be split reliably.
 * @example simpleCommands('npm test && git diff') // { ok: true, commands: [['npm', 'test'], ['git', 'diff']] }
 */
export function simpleCommands(
  command: string,
): { ok: true; commands: string[][] } | { ok: false; problem: string } {
  const opaque = opaqueConstruct(command);
  if (opaque !== undefined) return { ok: false, problem: opaque };
  let tokens: Token[];
  try {
    tokens = parseShell(command, (name) => `$${name}`);
  } catch (err) {
    return { ok: false, problem: `it cannot be parsed (${(err as Error).message})` };
  }
  const commands: string[][] = [];
  let current: string[] = [];
  let skipNext = false;
  for (const token of tokens) {
    if (typeof token === 'object' && 'comment' in token) break;
    if (isOperator(token)) {
      if (token.op === '(' || token.op === ')') return { ok: false, problem: 'it uses a subshell' };
      if (SEPARATORS.has(token.op)) {
        if (current.length > 0) commands.push(current);
        current = [];
      } else if (REDIRECTIONS.has(token.op)) skipNext = true;
      continue;
    }
    const word = wordOf(token);
    if (word === undefined) continue;
    if (skipNext) {
      skipNext = false;
      continue;
    }
    current.push(word);
  }
  if (current.length > 0) commands.push(current);
  return { ok: true, commands };
}

function prefixWords(prefix: string): string[] {
  const split = simpleCommands(prefix);
  return split.ok && split.commands.length === 1 ? (split.commands[0] ?? []) : [];
}

/**
 * Why a policy is malformed, or undefined when it is fine (for input from the CLI, a file or the
 * library: a bad policy is refused before the session starts).
 */
export function commandPolicyProblem(policy: unknown): string | undefined {
  if (typeof policy !== 'object' || policy === null)
    return 'the command policy must be an object with a mode';
  const p = policy as Record<string, unknown>;
  if (p.mode === 'allow' || p.mode === 'ask') return undefined;
  if (p.mode !== 'allow_list')
    return `command policy mode must be allow, ask or allow_list, got ${JSON.stringify(p.mode)}`;
  if (!Array.isArray(p.prefixes) || p.prefixes.length === 0) {
    return 'an allow_list policy needs prefixes: a non-empty list of command prefixes such as "npm test"';
  }
  for (const [i, prefix] of p.prefixes.entries()) {
    if (typeof prefix !== 'string' || prefix.trim() === '')
      return `prefixes[${i}] must be a non-empty string`;
    if (prefixWords(prefix).length === 0) {
      return `prefixes[${i}] (${JSON.stringify(prefix)}) must be one simple command such as "npm test", without operators`;
    }
  }
  if (p.otherwise !== undefined && p.otherwise !== 'deny' && p.otherwise !== 'ask') {
    return `otherwise must be deny or ask, got ${JSON.stringify(p.otherwise)}`;
  }
  return undefined;
}

/**
 * Parses the CLI's `--commands` value: `allow`, `ask`, or `allow:<prefix>,<prefix>…` (optionally
 * `ask-others:<prefix>,…` to ask about the rest instead of refusing them).
 * @throws InvalidCommandPolicyError saying what is accepted.
 * @example parseCommandPolicy('allow:npm test,git status') // { mode: 'allow_list', prefixes: ['npm test', 'git status'] }
 */
export function parseCommandPolicy(text: string): CommandPolicy {
  const value = text.trim();
  if (value === 'allow' || value === 'ask') return { mode: value };
  const match = /^(allow|ask-others):(.*)$/s.exec(value);
  if (match) {
    const prefixes = (match[2] ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p !== '');
    const policy: CommandPolicy = {
      mode: 'allow_list',
      prefixes,
      ...(match[1] === 'ask-others' ? { otherwise: 'ask' as const } : {}),
    };
    const problem = commandPolicyProblem(policy);
    if (problem === undefined) return policy;
    throw new InvalidCommandPolicyError(`Invalid command policy '${text}': ${problem}.`);
  }
  throw new InvalidCommandPolicyError(
    `Invalid command policy '${text}': use allow, ask, allow:<prefix>,<prefix>… (others refused) or ask-others:<prefix>,… (others asked).`,
  );
}

/**
 * Decides whether `command` may run under `policy`.
 * @example decideCommand({ mode: 'allow_list', prefixes: ['npm test'] }, 'npm test && rm -rf /').decision // 'deny'
 */
export function decideCommand(policy: CommandPolicy, command: string): CommandDecision {
  switch (policy.mode) {
    case 'allow':
      return { decision: 'allow', reason: 'the session allows every command (inside the sandbox)' };
    case 'ask':
      return { decision: 'ask', reason: 'the session asks before every command' };
    case 'allow_list': {
      const otherwise = policy.otherwise ?? 'deny';
      const listed = `allowed prefixes: ${policy.prefixes.map((p) => `"${p}"`).join(', ')}`;
      const split = simpleCommands(command);
      if (!split.ok)
        return {
          decision: otherwise,
          reason: `the command cannot be checked against the allow-list: ${split.problem} (${listed})`,
        };
      if (split.commands.length === 0)
        return { decision: otherwise, reason: `the command is empty (${listed})` };
      const prefixes = policy.prefixes.map(prefixWords).filter((p) => p.length > 0);
      for (const words of split.commands) {
        const allowed = prefixes.some((p) => p.length <= words.length && p.every((w, i) => words[i] === w));
        if (!allowed) {
          return {
            decision: otherwise,
            reason: `"${words.join(' ')}" does not start with an allowed prefix (${listed})`,
          };
        }
      }
      return { decision: 'allow', reason: 'every part of the command starts with an allowed prefix' };
    }
  }
}
