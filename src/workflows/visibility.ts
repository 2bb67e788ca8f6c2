import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { patched, setCurrentDetails, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { cumulativeTokens, renderSessionDetails, type SessionStatus } from '../domain/session';
import { PATCH_LEAN_TURNS } from './patches';
import {
  BATON_CONTEXT_PERCENT,
  BATON_KIND,
  BATON_MODEL,
  BATON_PARENT,
  BATON_TOKENS_USED,
  contextPercentAttribute,
  tokensUsedNeedsUpsert,
} from '../domain/visibility';

/** A search attribute's value as a run holds it (null: removed). */
type Published = SearchAttributeUpdatePair['value'];

/** What the Temporal UI shows about a run: search attributes for filtering, and current details. */
export interface Presentation {
  attributes: SearchAttributeUpdatePair[];
  details: string;
}

/**
 * Publishes a workflow's presentation. Each search-attribute upsert is a history event (and a
 * billable action), so only the attributes whose value differs from what the run already has are
 * written (those set when the workflow started, or carried over by continue-as-new, count as
 * written); context fill moves in whole percents, and `BatonTokensUsed` is written on its own only
 * when it reaches another power of ten, otherwise along with another change (see
 * `domain/visibility/publishing.ts`). Current details are in memory, not in history, and are also
 * set only on change.
 */
export class Visibility {
  private published: Map<string, Published> | undefined;
  /** The whole set as last upserted, for runs recorded before attributes were written in steps. */
  private signature = '';
  private inSteps: boolean | undefined;
  private details = '';

  constructor(private readonly present: () => Presentation) {}

  publish(): void {
    const p = this.present();
    // Runs recorded before this upserted the whole set whenever any value changed (and context fill
    // unrounded); they replay that way.
    this.inSteps ??= patched(PATCH_LEAN_TURNS);
    if (this.inSteps) this.publishChanges(p.attributes);
    else this.publishWholeSet(p.attributes);
    if (p.details !== this.details) {
      setCurrentDetails(p.details);
      this.details = p.details;
    }
  }

  private publishChanges(attributes: readonly SearchAttributeUpdatePair[]): void {
    const published = (this.published ??= startingAttributes());
    const changed: SearchAttributeUpdatePair[] = [];
    let tokens: SearchAttributeUpdatePair | undefined;
    for (const raw of attributes) {
      const pair = inWholePercent(raw);
      if (pair.key.name === BATON_TOKENS_USED.name) tokens = pair;
      else if (pair.value !== published.get(pair.key.name)) changed.push(pair);
    }
    if (tokens && tokens.value !== published.get(BATON_TOKENS_USED.name)) {
      const before = published.get(BATON_TOKENS_USED.name);
      const needed =
        typeof tokens.value === 'number' &&
        tokensUsedNeedsUpsert(typeof before === 'number' ? before : undefined, tokens.value);
      if (changed.length > 0 || needed) changed.push(tokens);
    }
    for (const pair of changed) published.set(pair.key.name, pair.value);
    if (changed.length > 0) upsertSearchAttributes(changed);
  }

  private publishWholeSet(attributes: SearchAttributeUpdatePair[]): void {
    const signature = JSON.stringify(attributes.map((a) => [a.key.name, a.value]));
    if (signature === this.signature) return;
    upsertSearchAttributes(attributes);
    this.signature = signature;
  }
}

/** Context fill is published in whole percents (`contextPercentAttribute`). */
function inWholePercent(pair: SearchAttributeUpdatePair): SearchAttributeUpdatePair {
  return pair.key.name === BATON_CONTEXT_PERCENT.name && typeof pair.value === 'number'
    ? { key: BATON_CONTEXT_PERCENT, value: contextPercentAttribute(pair.value) }
    : pair;
}

/** The run's search attributes as they are now (set at start or carried over), by name. */
function startingAttributes(): Map<string, Published> {
  const values = new Map<string, Published>();
  for (const pair of workflowInfo().typedSearchAttributes.getAll()) values.set(pair.key.name, pair.value);
  return values;
}

/** The search attributes every session-running workflow sets (kind, model, context, tokens, parent). */
export function sessionAttributes(kind: string, status: SessionStatus): SearchAttributeUpdatePair[] {
  return [
    { key: BATON_KIND, value: kind },
    { key: BATON_MODEL, value: status.model },
    { key: BATON_CONTEXT_PERCENT, value: status.position_percent },
    { key: BATON_TOKENS_USED, value: cumulativeTokens(status.cumulative) },
    ...(status.lineage ? [{ key: BATON_PARENT, value: status.lineage.parent_session_id }] : []),
  ];
}

/** A plain session: its status line and context bar. */
export function sessionPresentation(status: SessionStatus): Presentation {
  return {
    attributes: sessionAttributes('session', status),
    details: renderSessionDetails({
      turns: status.turns,
      budget: {
        used: status.tokens_used,
        total: status.context_window,
        available: status.tokens_available,
        position_percent: status.position_percent,
      },
      cumulative: status.cumulative,
      status: status.status,
      previous_runs: status.previous_runs.length,
      compactions: status.compactions,
      ...(status.pending_permission
        ? { waiting: { session_id: status.session_id, command: status.pending_permission.command } }
        : {}),
    }),
  };
}
