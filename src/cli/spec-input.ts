import path from 'node:path';
import type { Command } from 'commander';
import { InvalidInputError } from '../client/errors';
import { InvalidCommandPolicyError, parseCommandPolicy } from '../domain/workspace';
import { maxAttempts } from '../client/workspace-options';
import type { WorkspaceFlags } from './workspace-flags';
import { specDefinitionProblem, type SpecDefinition } from '../domain/spec';
import { readJsonFile } from '../client/json-file';

export interface SpecFlags extends WorkspaceFlags {
  title?: string;
  req?: string[];
  accept?: string[];
  file?: string;
  /** `--summarizer-model`, or the SPEC file's `summarizer_model` when the flag is not given. */
  summarizerModel?: string;
  /** `--max-attempts`, or the SPEC file's `max_attempts`. */
  maxAttempts?: number;
}

/** The fields of a SPEC file that say how to run it rather than what it is. */
const RUN_FIELDS = ['workspace', 'test_command', 'allow_dirty', 'policy', 'max_attempts'] as const;

/**
 * The run fields of a SPEC file (`workspace`, `test_command`, `allow_dirty`, `policy`,
 * `max_attempts`) fill in the flags that were not given: flags win over the file. A relative
 * `workspace` is relative to the file's folder, so a spec.json can name the repository it sits in.
 * @throws InvalidInputError naming the file and the field.
 */
function runFieldsFromFile(file: string, fields: Record<string, unknown>, flags: SpecFlags): void {
  const { workspace, test_command: testCommand, allow_dirty: allowDirty, policy, max_attempts } = fields;
  const bad = (field: string, what: string) => new InvalidInputError(`${file}: ${field} must be ${what}.`);
  if (workspace !== undefined) {
    if (typeof workspace !== 'string' || workspace.trim() === '')
      throw bad('workspace', 'the folder the model works in, as a non-empty string');
    flags.workspace ??= path.resolve(path.dirname(path.resolve(file)), workspace);
  }
  if (testCommand !== undefined) {
    if (typeof testCommand !== 'string' || testCommand.trim() === '')
      throw bad('test_command', 'the command that runs the tests, such as "npm test"');
    flags.testCommand ??= testCommand;
  }
  if (allowDirty !== undefined) {
    if (typeof allowDirty !== 'boolean') throw bad('allow_dirty', 'true or false');
    flags.allowDirty ??= allowDirty;
  }
  if (policy !== undefined) {
    if (typeof policy !== 'string')
      throw bad('policy', 'a command policy such as "allow", "ask" or "allow:npm test,git diff"');
    try {
      flags.policy ??= parseCommandPolicy(policy);
    } catch (err) {
      if (err instanceof InvalidCommandPolicyError) throw new InvalidInputError(`${file}: ${err.message}`);
      throw err;
    }
  }
  if (max_attempts !== undefined) {
    try {
      flags.maxAttempts ??= maxAttempts(max_attempts);
    } catch (err) {
      if (err instanceof InvalidInputError) throw new InvalidInputError(`${file}: ${err.message}`);
      throw err;
    }
  }
}

/**
 * The SPEC given on the command line: `--file spec.json` (`{title, requirements,
 * acceptance_criteria}`, spec_id and summarizer_model optional, and the run fields
 * `workspace`, `test_command`, `allow_dirty`, `policy`, `max_attempts`) or `--title` with `--req`
 * (repeatable) and `--accept`. A file's `summarizer_model` and run fields fill in the flags that
 * were not given.
 * @throws InvalidInputError naming the field that is wrong.
 */
export async function specFromFlags(specId: string, flags: SpecFlags): Promise<SpecDefinition> {
  let candidate: Record<string, unknown>;
  if (flags.file) {
    const raw = await readJsonFile(flags.file);
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      throw new InvalidInputError(`${flags.file} must hold a JSON object with title and requirements.`);
    }
    const { summarizer_model: summarizer, ...described } = raw as Record<string, unknown>;
    runFieldsFromFile(flags.file, described, flags);
    const rest = Object.fromEntries(
      Object.entries(described).filter(([key]) => !(RUN_FIELDS as readonly string[]).includes(key)),
    );
    if (summarizer !== undefined) {
      if (typeof summarizer !== 'string' || summarizer.trim() === '') {
        throw new InvalidInputError(
          `${flags.file}: summarizer_model must be a model id or line, such as claude-haiku-4-5 or haiku.`,
        );
      }
      // The flag wins over the file.
      flags.summarizerModel ??= summarizer;
    }
    candidate = { acceptance_criteria: [], ...rest, spec_id: specId };
  } else {
    candidate = {
      spec_id: specId,
      title: flags.title,
      requirements: flags.req ?? [],
      acceptance_criteria: flags.accept ?? [],
    };
  }
  const problem = specDefinitionProblem(candidate);
  if (problem) throw new InvalidInputError(`Invalid SPEC: ${problem}.`);
  return candidate as unknown as SpecDefinition;
}

/** Commander collector for repeatable flags (`--req a --req b`). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Adds the flags that describe a SPEC (see {@link specFromFlags}) to a command. */
export function addSpecOptions(command: Command): Command {
  return command
    .option('--title <title>', 'SPEC title')
    .option('--req <requirement>', 'a requirement (repeat for more)', collect)
    .option('--accept <criterion>', 'an acceptance criterion (repeat for more)', collect)
    .option(
      '--file <spec.json>',
      'the SPEC as JSON: {title, requirements, acceptance_criteria, summarizer_model?, workspace?, ' +
        'test_command?, allow_dirty?, policy?, max_attempts?} (flags win; workspace is relative to the file)',
    )
    .option(
      '--summarizer-model <id|line>',
      'model that writes compaction summaries (default: a cheaper model of the same family)',
    );
}
