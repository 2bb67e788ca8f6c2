/**
 * Everything that talks to a model: the SDK client and where it points, error classification for
 * retries, token counting, and the offline model that stands in for the API without a key.
 */
export {
  countTextTokens,
  countMessagesTokens,
  countBlockTokens,
  truncateToTokens,
  MESSAGE_OVERHEAD_TOKENS,
} from './tokenizer';
export type { CountableBlock, CountableMessage, CountableRequest } from './tokenizer';
export {
  createAnthropicClient,
  resolveModelEndpoint,
  needsOfflineModel,
  describeModelEndpoint,
  ANTHROPIC_API_URL,
  PLACEHOLDER_API_KEY,
} from './anthropic-client';
export type { AnthropicClientOptions, ModelEndpoint } from './anthropic-client';
export { classifyAnthropicError, retryAfterMsFromHeaders } from './anthropic-errors';
export type { AnthropicErrorDecision } from './anthropic-errors';
export { MissingModelEndpointError } from './errors';
export { ModelCatalog, mergeWithTable } from './model-catalog';
export type { ModelCatalogOptions } from './model-catalog';
export {
  OfflineModel,
  InvalidFaultError,
  replyFor,
  InvalidOfflineScriptError,
  loadOfflineScript,
  parseOfflineScript,
} from './offline-model';
export type {
  OfflineModelOptions,
  OfflineFault,
  OfflineFaultKind,
  OfflineScript,
  RequestLogEntry,
} from './offline-model';
