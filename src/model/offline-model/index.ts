/**
 * The offline model: a local stand-in for the Anthropic Messages API with deterministic replies,
 * real token counts and injectable faults.
 */
export { OfflineModel } from './offline-model';
export type { OfflineModelOptions } from './offline-model';
export type { OfflineFault, OfflineFaultKind, FaultTargeting } from './offline-fault';
export { validateFault } from './offline-fault';
export { InvalidFaultError, InvalidOfflineScriptError } from './errors';
export { OFFLINE_SCRIPT_FORMAT, loadOfflineScript, parseOfflineScript } from './offline-script';
export type { OfflineScript, ScriptStep, ScriptedReply, ScriptedToolCall } from './offline-script';
export { scriptedReply, TOOL_RESULT_EXCERPT_CHARS } from './scripted-reply';
export type { RequestLogEntry } from './request-log';
export { replyFor, EXCERPT_CHARS, SHORT_DIGEST_CHARS } from './reply-for';
export type { OfflineReply, ReplyBlock } from './reply-for';
export { parseDirectives, MAX_REPLY_TOKENS } from './directives';
export type { Directives, ToolDirective } from './directives';
export { parseMessagesRequest } from './messages-request';
export type { MessagesRequest, RequestMessage, RequestBlock, RequestTool } from './messages-request';
export { offlineMessage } from './offline-message';
export type { OfflineMessage } from './offline-message';
export { limitsFor, DEFAULT_CONTEXT_WINDOW } from './model-limits';
export type { ModelLimits } from './model-limits';
export { errorTypeForStatus } from './api-error-body';
export type { ApiErrorType, ApiErrorBody } from './api-error-body';
