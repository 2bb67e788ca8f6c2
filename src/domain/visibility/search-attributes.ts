/**
 * baton's custom search attributes: what the Temporal UI can filter runs by. The dev server
 * registers them at start (`--search-attribute`), production registers them once per namespace.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** `session`, `spec` or `handoff`. */
export const BATON_KIND = defineSearchAttributeKey('BatonKind', SearchAttributeType.KEYWORD);
export const BATON_MODEL = defineSearchAttributeKey('BatonModel', SearchAttributeType.KEYWORD);
/** Context fill of the current run, 0–100. */
export const BATON_CONTEXT_PERCENT = defineSearchAttributeKey(
  'BatonContextPercent',
  SearchAttributeType.DOUBLE,
);
/** Cumulative tokens the session has consumed. */
export const BATON_TOKENS_USED = defineSearchAttributeKey('BatonTokensUsed', SearchAttributeType.INT);
/** Session (workflow) id of the parent, for forks and child agents. */
export const BATON_PARENT = defineSearchAttributeKey('BatonParent', SearchAttributeType.KEYWORD);
/** Current phase of a SPEC or handoff run. */
export const BATON_PHASE = defineSearchAttributeKey('BatonPhase', SearchAttributeType.KEYWORD);

/** Every baton search attribute, for registration. */
export const BATON_SEARCH_ATTRIBUTES = [
  BATON_KIND,
  BATON_MODEL,
  BATON_CONTEXT_PERCENT,
  BATON_TOKENS_USED,
  BATON_PARENT,
  BATON_PHASE,
] as const;
