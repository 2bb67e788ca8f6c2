/**
 * Every `ApplicationFailure` type baton throws, in one place: activities throw them, workflows
 * and retry policies (`nonRetryableErrorTypes`) match them, and the client hands them to callers
 * (`SessionRequestError.type`, `HandoffFailedError.type`). Workflow-safe.
 *
 * A failure's message says what happened (and, when retrying cannot help, what to do); it never
 * says whether it will be retried: the type decides that, and the workflow that gives up says so.
 * Model-call failures keep the API's own `error.type` and HTTP status in their details.
 */
export const FailureType = {
  // Model calls (the Anthropic API, or the offline model in its place).
  /** 429: the API is rate limiting the key. Retried, after the wait the API asked for. */
  RateLimited: 'RateLimited',
  /** 529, or an `overloaded_error` in a stream: the API is overloaded. Retried. */
  ApiOverloaded: 'ApiOverloaded',
  /** 500, 502, 503 or another 5xx, or an `api_error` in a stream. Retried. */
  ApiUnavailable: 'ApiUnavailable',
  /** 408, 504, or the client's own request timeout. Retried. */
  ApiTimeout: 'ApiTimeout',
  /** 409: the API reported a conflict. Retried. */
  ApiConflict: 'ApiConflict',
  /** The API could not be reached, or the connection dropped mid-response. Retried. */
  ApiConnectionFailed: 'ApiConnectionFailed',
  /** A response whose body is not valid JSON. Retried. */
  MalformedResponse: 'MalformedResponse',
  /** A stream that ended before the message was complete. Retried. */
  IncompleteResponse: 'IncompleteResponse',
  /** A stream that sent nothing for the idle timeout; the call was abandoned. Retried. */
  StreamStalled: 'StreamStalled',
  /** 400, 422 or another 4xx: the API rejected the request as sent. Never retried. */
  InvalidModelRequest: 'InvalidModelRequest',
  /** 401: the API rejected the key. Never retried. */
  AuthenticationFailed: 'AuthenticationFailed',
  /** 403: the key may not use this model or feature. Never retried. */
  PermissionDenied: 'PermissionDenied',
  /** 402: refused for billing reasons. Never retried. */
  BillingRefused: 'BillingRefused',
  /** 404: the model (or endpoint) does not exist. Never retried. */
  ModelNotFound: 'ModelNotFound',
  /** 413: the request is too large to send. Never retried. */
  RequestTooLarge: 'RequestTooLarge',
  /** The conversation and reply do not fit the model's window (checked before sending, or a 400). Never retried. */
  ContextOverflow: 'ContextOverflow',
  /** The SDK refused a long request without streaming. Never retried. */
  StreamingRequired: 'StreamingRequired',
  /** The model call was cancelled before it finished. Never retried. */
  ModelCallCancelled: 'ModelCallCancelled',
  /** A model call failed in a way baton does not recognise (likely a bug). Never retried. */
  ModelCallFailed: 'ModelCallFailed',

  // Sessions (update failures reach the caller once; Temporal does not retry updates).
  /** The session was closed before (or while) the request ran: resume it. Never retried. */
  SessionClosed: 'SessionClosed',
  /** An update's validator refused the request (the message says why); nothing was written. Never retried. */
  InvalidRequest: 'InvalidRequest',
  /** Summarization failed; the session keeps its context as it was. Never retried. */
  CompactionFailed: 'CompactionFailed',
  /** Two lines of work that cannot be merged as asked. Never retried. */
  MergeRefused: 'MergeRefused',
  /** The turn was cancelled (`cancelTurn`, Ctrl-C); the session is as it was before it. Never retried. */
  TurnCancelled: 'TurnCancelled',

  // SPECs and handoffs (workflow failures: a workflow is not retried unless started with a policy).
  /** A failed SPEC phase got no retry, skip or abort in time. Never retried. */
  SpecDecisionTimeout: 'SpecDecisionTimeout',
  /** A phase's test gate still failed after its last attempt (RED passing, GREEN failing). The phase waits for a decision. */
  PhaseGateFailed: 'PhaseGateFailed',
  /** A phase's reply was still cut off at the output limit after its continuations. */
  ReplyCutOff: 'ReplyCutOff',
  /** A SPEC's plan waited after analysis (`approve`) and no implement, revise or restart came in time. Never retried. */
  SpecApprovalTimeout: 'SpecApprovalTimeout',
  /** The handoff's input (SPEC, agents, floor) is not usable; nothing ran. Never retried. */
  InvalidHandoffInput: 'InvalidHandoffInput',
  /** A handoff package failed validation; the message names the field. Never retried. */
  InvalidHandoffPackage: 'InvalidHandoffPackage',
  /** An agent's session failed and no decision came in time. Never retried. */
  AgentFailed: 'AgentFailed',

  // MCP servers and their tools.
  /** The server name is not configured. Never retried. */
  UnknownMcpServer: 'UnknownMcpServer',
  /** The server has no tool of that name. Never retried. */
  UnknownMcpTool: 'UnknownMcpTool',
  /** The MCP activity's input is malformed (input not an object, bad size limit). Never retried. */
  InvalidMcpToolInput: 'InvalidMcpToolInput',
  /** The worker has no MCP configuration, so a session's servers are unavailable. Never retried. */
  McpNotConfigured: 'McpNotConfigured',
  /** The server could not be started. Retried, unless its command does not exist. */
  McpServerStartFailed: 'McpServerStartFailed',
  /** The server exited or closed its pipes during a call. Retried: the next attempt reconnects. */
  McpServerCrashed: 'McpServerCrashed',
  /** The server did not answer in time. Retried. */
  McpTimeout: 'McpTimeout',

  // Workspaces (files and commands on one worker's disk).
  /** A workspace activity's input is malformed (a relative path, a bad limit, an empty message). Never retried. */
  InvalidWorkspaceInput: 'InvalidWorkspaceInput',
  /** A workspace activity ran on a task queue other than the workspace worker's own. Never retried. */
  WorkspaceWrongTaskQueue: 'WorkspaceWrongTaskQueue',
  /** The folder has uncommitted changes and `allow_dirty` was not given. Never retried. */
  DirtyWorkspace: 'DirtyWorkspace',
  /** The folder is unusable (a file, inside another repository) or the worker has no workspace support. Never retried. */
  WorkspaceMissing: 'WorkspaceMissing',
  /** bubblewrap cannot run on the worker and commands were not allowed unsandboxed. Never retried. */
  SandboxUnavailable: 'SandboxUnavailable',
  /** A commit is neither in the repository nor in the checkpoint bundle offered for it. Never retried. */
  UnknownWorkspaceCommit: 'UnknownWorkspaceCommit',
  /** A git command failed. Retried (a lock file left by a crash clears). */
  WorkspaceGitFailed: 'WorkspaceGitFailed',
  /** A fork's files conflict with the session's; nothing was merged. Never retried. */
  WorkspaceMergeConflict: 'WorkspaceMergeConflict',
} as const;

export type FailureType = (typeof FailureType)[keyof typeof FailureType];

/**
 * Model-call failure types that sending the same request again cannot fix. The model activities'
 * retry policy lists them (the activity marks them non-retryable too, so either alone suffices).
 */
export const FINAL_MODEL_CALL_FAILURES: readonly FailureType[] = [
  FailureType.InvalidModelRequest,
  FailureType.AuthenticationFailed,
  FailureType.PermissionDenied,
  FailureType.BillingRefused,
  FailureType.ModelNotFound,
  FailureType.RequestTooLarge,
  FailureType.ContextOverflow,
  FailureType.StreamingRequired,
  FailureType.ModelCallCancelled,
  FailureType.ModelCallFailed,
  FailureType.McpNotConfigured,
];

/** Workspace failure types that running the activity again cannot fix; their retry policies list them. */
export const FINAL_WORKSPACE_FAILURES: readonly FailureType[] = [
  FailureType.InvalidWorkspaceInput,
  FailureType.WorkspaceWrongTaskQueue,
  FailureType.DirtyWorkspace,
  FailureType.WorkspaceMissing,
  FailureType.SandboxUnavailable,
  FailureType.UnknownWorkspaceCommit,
  FailureType.WorkspaceMergeConflict,
];
