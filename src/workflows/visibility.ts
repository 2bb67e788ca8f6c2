import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import { cumulativeTokens, renderSessionDetails, type SessionStatus } from '../domain/session';
import {
  BATON_CONTEXT_PERCENT,
  BATON_KIND,
  BATON_MODEL,
  BATON_PARENT,
  BATON_TOKENS_USED,
} from '../domain/visibility';

/** What the Temporal UI shows about a run: search attributes for filtering, and current details. */
export interface Presentation {
  attributes: SearchAttributeUpdatePair[];
  details: string;
}

/**
 * Publishes a workflow's presentation. Each search-attribute upsert is a history event (and a
 * billable action), so nothing is written when nothing changed; current details are in memory
 * and also set only on change.
 */
export class Visibility {
  private attributes = '';
  private details = '';

  constructor(private readonly present: () => Presentation) {}

  publish(): void {
    const p = this.present();
    const signature = JSON.stringify(p.attributes.map((a) => [a.key.name, a.value]));
    if (signature !== this.attributes) {
      upsertSearchAttributes(p.attributes);
      this.attributes = signature;
    }
    if (p.details !== this.details) {
      setCurrentDetails(p.details);
      this.details = p.details;
    }
  }
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
    }),
  };
}
