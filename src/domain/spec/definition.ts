/** A SPEC: what the SPEC and handoff workflows implement. Validated before any workflow starts. */

export interface SpecDefinition {
  spec_id: string;
  title: string;
  requirements: string[];
  acceptance_criteria: string[];
}

const SPEC_ID = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

/** Why `value` is not a usable SPEC (naming the field), or undefined when it is. */
export function specDefinitionProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'a SPEC must be an object';
  const v = value as Record<string, unknown>;
  if (typeof v.spec_id !== 'string' || !SPEC_ID.test(v.spec_id)) {
    return `spec_id must be letters, digits, '_' or '-', starting with a letter (like SPEC-001), got ${JSON.stringify(v.spec_id)}`;
  }
  if (typeof v.title !== 'string' || v.title.trim() === '') return 'title must be a non-empty string';
  if (v.title.length > 200) return 'title must be at most 200 characters';
  if (!Array.isArray(v.requirements) || v.requirements.length === 0) {
    return 'requirements must be a non-empty list (give --req at least once)';
  }
  for (const [i, r] of v.requirements.entries()) {
    if (typeof r !== 'string' || r.trim() === '') return `requirements[${i}] must be a non-empty string`;
  }
  if (v.acceptance_criteria !== undefined && !Array.isArray(v.acceptance_criteria)) {
    return 'acceptance_criteria must be a list of strings';
  }
  for (const [i, c] of ((v.acceptance_criteria as unknown[] | undefined) ?? []).entries()) {
    if (typeof c !== 'string' || c.trim() === '')
      return `acceptance_criteria[${i}] must be a non-empty string`;
  }
  return undefined;
}

/** The SPEC as the model reads it. */
export function renderSpec(spec: SpecDefinition): string {
  const lines = [
    `SPEC ${spec.spec_id}: ${spec.title}`,
    'Requirements:',
    ...spec.requirements.map((r) => `- ${r}`),
  ];
  if (spec.acceptance_criteria.length > 0) {
    lines.push('Acceptance criteria:', ...spec.acceptance_criteria.map((c) => `- ${c}`));
  }
  return lines.join('\n');
}
