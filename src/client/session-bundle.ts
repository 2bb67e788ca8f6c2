import { z } from 'zod';
import { validateModelSpec, InvalidModelSpecError } from '../domain/models';
import type { StoredNode } from '../domain/session';
import type { CarriedState, CheckpointRecord } from '../domain/session';
import { checkpointNameProblem } from '../domain/session';
import { isNodeId, nodeId } from '../store';
import { InvalidInputError, SessionExistsError } from './errors';
import { assertSessionId, resolveSettings } from './input-checks';
import { sessionHandle, type SessionContext } from './session-context';
import { findCheckpoint, readCheckpoints, readDefinition, readSessionState } from './session-state';
import { startSessionRun, type StartSessionResult } from './start-session-run';

/** The only bundle version this baton writes and reads. */
export const BUNDLE_FORMAT = 'baton.session-bundle';
export const BUNDLE_VERSION = 1;

const nodeSchema = z.object({
  id: z.string(),
  parent: z.string().nullable(),
  role: z.enum(['user', 'assistant']),
  content: z.array(z.record(z.string(), z.unknown())),
  meta: z.record(z.string(), z.unknown()),
});

const bundleSchema = z.object({
  format: z.literal(BUNDLE_FORMAT),
  version: z.number().int(),
  exported_at: z.string(),
  session: z.object({
    session_id: z.string(),
    model: z.unknown(),
    system: z.string().optional(),
    settings: z.record(z.string(), z.unknown()),
    lineage: z
      .object({ parent_session_id: z.string(), fork_head: z.string(), checkpoint_id: z.string().optional() })
      .optional(),
    /** The folder the session worked in, as a note: a bundle carries no files. */
    workspace: z.object({ path: z.string() }).optional(),
  }),
  head: z.string(),
  context_tokens: z.number().int().nonnegative(),
  turns: z.number().int().nonnegative(),
  cumulative: z.object({
    input_tokens: z.number(),
    output_tokens: z.number(),
    cache_creation_input_tokens: z.number(),
    cache_read_input_tokens: z.number(),
    cost_usd: z.number(),
  }),
  checkpoints: z.array(z.record(z.string(), z.unknown())),
  nodes: z.array(nodeSchema),
});

/**
 * A portable session: its definition, budget, checkpoints and every node reachable from its head
 * and its checkpoints, parents before children. Content-addressed, so an importer can check each
 * node against its id. Holds no credential (keys live only in the worker's environment).
 */
export type SessionBundle = z.infer<typeof bundleSchema>;

/**
 * Exports a session (at its head, or at a checkpoint) as a bundle.
 * @throws InvalidInputError for an unknown checkpoint or a session with no messages.
 */
export async function exportSession(
  ctx: SessionContext,
  sessionId: string,
  options: { checkpoint?: string } = {},
): Promise<SessionBundle> {
  assertSessionId(sessionId);
  const state = await readSessionState(ctx, sessionId);
  const [definition, checkpoints] = await Promise.all([
    readDefinition(ctx, sessionId),
    readCheckpoints(ctx, sessionId),
  ]);
  const at =
    options.checkpoint === undefined ? undefined : findCheckpoint(checkpoints, options.checkpoint, sessionId);
  const head = at ? at.head : state.status.head;
  if (head === null)
    throw new InvalidInputError(`Session ${sessionId} has no messages yet: nothing to export.`);
  const store = await ctx.store();
  const nodes = new Map<string, StoredNode>();
  for (const h of [head, ...checkpoints.flatMap((c) => (c.head ? [c.head] : []))]) {
    for (const node of await store.path(h)) nodes.set(node.id, node);
  }
  return {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    exported_at: new Date().toISOString(),
    session: {
      session_id: sessionId,
      model: definition.model,
      settings: { ...definition.settings },
      ...(definition.system ? { system: definition.system } : {}),
      ...(definition.lineage ? { lineage: definition.lineage } : {}),
      ...(definition.workspace ? { workspace: { path: definition.workspace.path } } : {}),
    },
    head,
    context_tokens: at ? at.context_tokens : state.status.tokens_used,
    turns: at ? at.turns : state.status.turns,
    cumulative: at ? at.cumulative : state.status.cumulative,
    checkpoints: checkpoints as unknown as Record<string, unknown>[],
    nodes: orderParentsFirst([...nodes.values()]).map((n) => ({
      ...n,
      content: n.content as unknown as Record<string, unknown>[],
      meta: { ...n.meta },
    })),
  };
}

/**
 * Checks a bundle completely (shape, version, every node's hash, that every parent and head is
 * present) before anything is written or started; then stores its nodes and starts a session.
 * @throws InvalidInputError naming what is wrong; nothing is created in that case.
 */
export async function importSession(
  ctx: SessionContext,
  raw: unknown,
  options: { id?: string } = {},
): Promise<StartSessionResult> {
  const bundle = validateBundle(raw);
  const sessionId = options.id ?? bundle.session.session_id;
  assertSessionId(sessionId);
  const model = (() => {
    try {
      return validateModelSpec(bundle.session.model);
    } catch (err) {
      if (err instanceof InvalidModelSpecError)
        throw new InvalidInputError(`The bundle's model is not usable: ${err.message}`);
      throw err;
    }
  })();
  const settings = resolveSettings(bundle.session.settings);
  const exists = await sessionHandle(ctx, sessionId)
    .describe()
    .then(
      () => true,
      () => false,
    );
  if (exists) {
    throw new SessionExistsError(
      `A session '${sessionId}' already exists. Import under another id with --id.`,
    );
  }
  const store = await ctx.store();
  for (const node of bundle.nodes) {
    await store.put({
      parent: node.parent,
      role: node.role,
      content: node.content as never,
      meta: node.meta as never,
    });
  }
  const carried: CarriedState = {
    turns: bundle.turns,
    cumulative: bundle.cumulative,
    context_tokens: bundle.context_tokens,
    created_at: new Date().toISOString(),
    previous_runs: [],
    checkpoints: bundle.checkpoints as unknown as CheckpointRecord[],
    rollovers: [],
    compactions: 0,
    last_compaction: null,
    merges: [],
  };
  const started = await startSessionRun(
    ctx,
    {
      session_id: sessionId,
      model,
      settings,
      head: bundle.head,
      carried,
      ...(bundle.session.system ? { system: bundle.session.system } : {}),
    },
    {
      summary: `session ${sessionId} · ${model.id} (imported)`,
      details: `Imported from a bundle of session ${bundle.session.session_id} exported ${bundle.exported_at}.`,
    },
  );
  const folder = bundle.session.workspace?.path;
  if (folder === undefined) return started;
  return {
    ...started,
    warnings: [
      ...(started.warnings ?? []),
      `Session ${bundle.session.session_id} worked in the folder ${folder}, but a bundle carries the ` +
        `conversation and not the files, so ${sessionId} has no workspace: the model gets no editor or ` +
        'bash tool. To go on working on files, start a session with --workspace on a folder that has them.',
    ],
  };
}

/** @throws InvalidInputError naming the first problem found. */
export function validateBundle(raw: unknown): SessionBundle {
  if (typeof raw === 'object' && raw !== null && (raw as { format?: unknown }).format === BUNDLE_FORMAT) {
    const version = (raw as { version?: unknown }).version;
    if (version !== BUNDLE_VERSION) {
      throw new InvalidInputError(
        `Unknown bundle version ${JSON.stringify(version)}: this baton reads version ${BUNDLE_VERSION}. ` +
          'Export it again with this version of baton.',
      );
    }
  }
  const parsed = bundleSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? issue.path.join('.') || '(top level)' : '(unknown)';
    throw new InvalidInputError(
      `Not a valid baton session bundle: ${where}: ${issue?.message ?? 'invalid'}. Was the file cut short or edited?`,
    );
  }
  const bundle = parsed.data;
  const ids = new Set<string>();
  for (const [i, node] of bundle.nodes.entries()) {
    if (!isNodeId(node.id))
      throw new InvalidInputError(`Bundle node ${i} has an invalid id '${String(node.id).slice(0, 70)}'.`);
    if (node.parent !== null && !ids.has(node.parent)) {
      throw new InvalidInputError(
        `Bundle node ${node.id.slice(0, 12)} refers to a parent that is not in the bundle (truncated or reordered file).`,
      );
    }
    let actual: string;
    try {
      actual = nodeId({
        parent: node.parent,
        role: node.role,
        content: node.content as never,
        meta: node.meta as never,
      });
    } catch (err) {
      throw new InvalidInputError(
        `Bundle node ${node.id.slice(0, 12)} is malformed: ${(err as Error).message}`,
      );
    }
    if (actual !== node.id) {
      throw new InvalidInputError(
        `Bundle node ${node.id.slice(0, 12)} does not match its hash (its content was changed): the bundle is tampered or corrupt.`,
      );
    }
    ids.add(node.id);
  }
  if (!ids.has(bundle.head))
    throw new InvalidInputError(`The bundle's head ${bundle.head.slice(0, 12)} is not among its nodes.`);
  for (const c of bundle.checkpoints) {
    const head = c.head;
    if (typeof head === 'string' && !ids.has(head)) {
      throw new InvalidInputError(
        `Checkpoint ${String(c.checkpoint_id)} points at a node that is not in the bundle.`,
      );
    }
    if (typeof c.name === 'string' && checkpointNameProblem(c.name)) {
      throw new InvalidInputError(`Checkpoint ${String(c.checkpoint_id)} has an invalid name.`);
    }
  }
  if (bundle.cumulative.cost_usd < 0) throw new InvalidInputError('The bundle reports a negative cost.');
  return bundle;
}

function orderParentsFirst(nodes: StoredNode[]): StoredNode[] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const done = new Set<string>();
  const out: StoredNode[] = [];
  const visit = (n: StoredNode) => {
    if (done.has(n.id)) return;
    if (n.parent && byId.has(n.parent)) visit(byId.get(n.parent)!);
    done.add(n.id);
    out.push(n);
  };
  for (const n of nodes) visit(n);
  return out;
}
