export {
  BATON_KIND,
  BATON_MODEL,
  BATON_CONTEXT_PERCENT,
  BATON_TOKENS_USED,
  BATON_PARENT,
  BATON_PHASE,
  BATON_SEARCH_ATTRIBUTES,
} from './search-attributes';
export { contextPercentAttribute, tokensUsedNeedsUpsert } from './publishing';
