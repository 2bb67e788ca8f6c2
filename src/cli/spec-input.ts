import type { Command } from 'commander';
import { InvalidInputError } from '../client/errors';
import { specDefinitionProblem, type SpecDefinition } from '../domain/spec';
import { readJsonFile } from '../client/json-file';

export interface SpecFlags {
  title?: string;
  req?: string[];
  accept?: string[];
  file?: string;
  /** `--summarizer-model`, or the SPEC file's `summarizer_model` when the flag is not given. */
  summarizerModel?: string;
}

/**
 * The SPEC given on the command line: `--file spec.json` (`{title, requirements,
 * acceptance_criteria}`, spec_id and summarizer_model optional) or `--title` with `--req`
 * (repeatable) and `--accept`. A file's `summarizer_model` fills in `flags.summarizerModel`
 * unless `--summarizer-model` was given.
 * @throws InvalidInputError naming the field that is wrong.
 */
export async function specFromFlags(specId: string, flags: SpecFlags): Promise<SpecDefinition> {
  let candidate: Record<string, unknown>;
  if (flags.file) {
    const raw = await readJsonFile(flags.file);
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      throw new InvalidInputError(`${flags.file} must hold a JSON object with title and requirements.`);
    }
    const { summarizer_model: summarizer, ...rest } = raw as Record<string, unknown>;
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
      'the SPEC as JSON: {title, requirements, acceptance_criteria, summarizer_model?}',
    )
    .option(
      '--summarizer-model <id|line>',
      'model that writes compaction summaries (default: a cheaper model of the same family)',
    );
}
