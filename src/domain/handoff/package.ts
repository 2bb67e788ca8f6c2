/**
 * The handoff package: what one agent hands the next. It names both agents, describes the session
 * the work was done in (so the receiver knows how much room is left), the task (the SPEC and the
 * phase it is entering), the last checkpoint (where the work can be picked up again) and, with a
 * workspace, the commit the sender's files are in (the receiving agent starts from it). The
 * handoff workflow validates every package before the next agent starts. Workflow-safe.
 */
import { checkpointNameProblem, isNodeId } from '../session';
import { agentNameProblem } from './agents';
import { isNonEmptyString, isRecord, shown, type FieldProblem } from './problems';
import { sessionIdProblem } from '../session';
import { specDefinitionProblem, type SpecDefinition } from '../spec';
import { formatCount } from '../format';
import { packageWorkspaceProblems, renderPackageWorkspace, type PackageWorkspace } from './package-workspace';

/** The session the sending agent worked in, as it was when it finished. */
export interface HandoffSessionContext {
  session_id: string;
  model: string;
  tokens_available: number;
  /** Context fill in percent, 0–100. */
  context_position: number;
}

/** The work being handed on. */
export interface HandoffTaskContext {
  spec_id: string;
  spec: SpecDefinition;
  /** The step the task enters: `<n>-<receiving agent>`, the suffix of the receiver's session id. */
  current_phase: string;
}

/**
 * A checkpoint of the sender's final conversation head. Heads are content-addressed and never
 * change, so this stays valid forever; the receiving agent's session starts exactly there.
 */
export interface HandoffCheckpoint {
  checkpoint_id: string;
  name: string;
  /** Conversation head (a 64-character node id). */
  head: string;
}

/** What one agent hands the next; see the module comment. */
export interface HandoffPackage {
  package_id: string;
  from_agent: string;
  to_agent: string;
  session_context: HandoffSessionContext;
  task_context: HandoffTaskContext;
  /** Null only when the sender left no conversation to pick up (it never ran a turn). */
  last_checkpoint: HandoffCheckpoint | null;
  /** Present when the handoff has a workspace: the commit the sender left and the files it changed. */
  workspace?: PackageWorkspace;
  /** ISO 8601 time in UTC (workflow time). */
  created_at: string;
}

const PACKAGE_FIELDS = [
  'package_id',
  'from_agent',
  'to_agent',
  'session_context',
  'task_context',
  'last_checkpoint',
  'workspace',
  'created_at',
];
const ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;
const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z$/;
const SPEC_ID = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
const PHASE = /^([1-9]\d{0,2})-(.+)$/;

/**
 * Everything wrong with a handoff package, each problem naming its field (for example
 * `session_context.context_position`); empty when the package is valid.
 * @example
 * handoffPackageProblems({ ...pkg, to_agent: pkg.from_agent })
 * // [{ field: 'to_agent', message: "must differ from from_agent ('spec-builder'): …" }]
 */
export function handoffPackageProblems(value: unknown): FieldProblem[] {
  if (!isRecord(value)) return [{ field: 'package', message: `must be an object, got ${shown(value)}` }];
  const problems: FieldProblem[] = [];
  const add = (field: string, message: string) => problems.push({ field, message });

  if (typeof value.package_id !== 'string' || !ID.test(value.package_id)) {
    add(
      'package_id',
      `must be an id of letters, digits, '_', '.', ':' or '-', got ${shown(value.package_id)}`,
    );
  }
  for (const field of ['from_agent', 'to_agent'] as const) {
    const problem = agentNameProblem(value[field]);
    if (problem) add(field, problem);
  }
  if (typeof value.to_agent === 'string' && value.to_agent === value.from_agent) {
    add(
      'to_agent',
      `must differ from from_agent ('${value.from_agent}'): a handoff passes the work to another agent`,
    );
  }
  problems.push(...sessionContextProblems(value.session_context));
  problems.push(...taskContextProblems(value.task_context, value.to_agent));
  problems.push(...checkpointProblems(value.last_checkpoint));
  problems.push(...packageWorkspaceProblems(value.workspace));
  if (
    typeof value.created_at !== 'string' ||
    !ISO_UTC.test(value.created_at) ||
    !Number.isFinite(Date.parse(value.created_at))
  ) {
    add(
      'created_at',
      `must be an ISO 8601 time in UTC such as 2026-01-31T12:00:00.000Z, got ${shown(value.created_at)}`,
    );
  }
  for (const key of Object.keys(value)) {
    if (!PACKAGE_FIELDS.includes(key))
      add(key, `is not a package field; the fields are ${PACKAGE_FIELDS.join(', ')}`);
  }
  return problems;
}

function sessionContextProblems(value: unknown): FieldProblem[] {
  const at = 'session_context';
  if (!isRecord(value)) return [{ field: at, message: `must be an object, got ${shown(value)}` }];
  const problems: FieldProblem[] = [];
  const idProblem =
    typeof value.session_id === 'string' ? sessionIdProblem(value.session_id) : 'must be a string';
  if (idProblem) problems.push({ field: `${at}.session_id`, message: idProblem });
  if (typeof value.model !== 'string' || !MODEL_ID.test(value.model)) {
    problems.push({ field: `${at}.model`, message: `must be a model id, got ${shown(value.model)}` });
  }
  const tokens = value.tokens_available;
  if (typeof tokens !== 'number' || !Number.isSafeInteger(tokens) || tokens < 0) {
    problems.push({
      field: `${at}.tokens_available`,
      message: `must be a whole number of tokens, 0 or more, got ${shown(tokens)}`,
    });
  }
  const position = value.context_position;
  if (typeof position !== 'number' || !Number.isFinite(position) || position < 0 || position > 100) {
    problems.push({
      field: `${at}.context_position`,
      message: `must be a percentage from 0 to 100, got ${shown(position)}`,
    });
  }
  return problems;
}

function taskContextProblems(value: unknown, toAgent: unknown): FieldProblem[] {
  const at = 'task_context';
  if (!isRecord(value)) return [{ field: at, message: `must be an object, got ${shown(value)}` }];
  const problems: FieldProblem[] = [];
  if (typeof value.spec_id !== 'string' || !SPEC_ID.test(value.spec_id)) {
    problems.push({
      field: `${at}.spec_id`,
      message: `must be a SPEC id such as SPEC-001, got ${shown(value.spec_id)}`,
    });
  }
  const specProblem =
    specDefinitionProblem(value.spec) ??
    (Array.isArray((value.spec as Record<string, unknown>).acceptance_criteria)
      ? undefined
      : 'acceptance_criteria must be a list of strings (empty when there are none)');
  if (specProblem) {
    problems.push(specFieldProblem(`${at}.spec`, specProblem));
  } else if (typeof value.spec_id === 'string' && value.spec_id !== (value.spec as SpecDefinition).spec_id) {
    problems.push({
      field: `${at}.spec_id`,
      message: `must be the SPEC's own id '${(value.spec as SpecDefinition).spec_id}', got ${shown(value.spec_id)}`,
    });
  }
  const phase = value.current_phase;
  const match = isNonEmptyString(phase) ? PHASE.exec(phase) : null;
  if (!match) {
    problems.push({
      field: `${at}.current_phase`,
      message: `must be '<n>-<receiving agent>' such as 2-tdd-implementer, got ${shown(phase)}`,
    });
  } else if (typeof toAgent === 'string' && match[2] !== toAgent) {
    problems.push({
      field: `${at}.current_phase`,
      message: `must be the receiving agent's phase ('${match[1]}-${toAgent}'), got ${shown(phase)}`,
    });
  }
  return problems;
}

function checkpointProblems(value: unknown): FieldProblem[] {
  const at = 'last_checkpoint';
  if (value === null) return [];
  if (!isRecord(value))
    return [{ field: at, message: `must be a checkpoint object or null, got ${shown(value)}` }];
  const problems: FieldProblem[] = [];
  if (typeof value.checkpoint_id !== 'string' || !ID.test(value.checkpoint_id)) {
    problems.push({
      field: `${at}.checkpoint_id`,
      message: `must be a checkpoint id, got ${shown(value.checkpoint_id)}`,
    });
  }
  const nameProblem = typeof value.name === 'string' ? checkpointNameProblem(value.name) : 'must be a string';
  if (nameProblem) problems.push({ field: `${at}.name`, message: nameProblem });
  if (!isNodeId(value.head)) {
    problems.push({
      field: `${at}.head`,
      message: `must be a conversation head (64 lowercase hex characters), got ${shown(value.head)}`,
    });
  }
  return problems;
}

// specDefinitionProblem starts its messages with the field ("title must be …"): name it in the path.
function specFieldProblem(at: string, problem: string): FieldProblem {
  const match = /^([a-z_]+(?:\[\d+\])?) (must .*)$/.exec(problem);
  return match ? { field: `${at}.${match[1]}`, message: match[2]! } : { field: at, message: problem };
}

/**
 * The package as the receiving agent reads it, at the start of its first message. The SPEC and
 * the previous agents' work are already in its conversation, so they are referred to, not
 * repeated.
 */
export function renderHandoffPackage(pkg: HandoffPackage): string {
  const s = pkg.session_context;
  const lines = [
    `Handoff package ${pkg.package_id}: ${pkg.from_agent} → ${pkg.to_agent} (${pkg.created_at})`,
    `- Task: SPEC ${pkg.task_context.spec_id} "${pkg.task_context.spec.title}", entering phase ${pkg.task_context.current_phase}`,
    `- From session ${s.session_id} (${s.model}): context ${s.context_position}% full, ` +
      `${formatCount(s.tokens_available)} tokens available`,
    pkg.last_checkpoint
      ? `- Last checkpoint: ${pkg.last_checkpoint.name} (${pkg.last_checkpoint.checkpoint_id}) at head ${pkg.last_checkpoint.head.slice(0, 12)}`
      : '- Last checkpoint: none',
    ...(pkg.workspace ? [renderPackageWorkspace(pkg.workspace, pkg.from_agent)] : []),
    `The SPEC and ${pkg.from_agent}'s work are above in this conversation.`,
  ];
  return lines.join('\n');
}
