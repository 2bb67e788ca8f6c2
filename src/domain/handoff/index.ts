export {
  MAX_AGENT_NAME_LENGTH,
  MAX_AGENT_TEXT_LENGTH,
  MAX_CHAIN_LENGTH,
  agentNameProblem,
  agentDefinitionProblems,
  agentCatalogProblems,
  mcpServerListProblems,
  selectAgents,
  defaultWorkMessage,
} from './agents';
export type { AgentDefinition } from './agents';
export {
  HANDOFF_WORKFLOW_TYPE,
  DEFAULT_HANDOFF_FLOOR,
  handoffWorkflowId,
  agentSessionId,
  handoffStatusQuery,
  retryAgentUpdate,
  skipAgentUpdate,
  abortHandoffUpdate,
  HandoffFailureType,
  DEFAULT_HANDOFF_DECISION_TIMEOUT_MS,
} from './contract';
export type {
  ResolvedAgent,
  HandoffInput,
  AgentRun,
  HandoffTotals,
  HandoffState,
  HandoffStatus,
  HandoffResult,
  HandoffAgentFailure,
  RetryAgentRequest,
} from './contract';
export { DEFAULT_AGENTS } from './default-agents';
export { renderHandoffDetails } from './details';
export { handoffPackageProblems, renderHandoffPackage } from './package';
export type { HandoffSessionContext, HandoffTaskContext, HandoffCheckpoint, HandoffPackage } from './package';
export { formatProblems, shown, isNonEmptyString, isRecord } from './problems';
export type { FieldProblem } from './problems';
export {
  HANDOFF_AGENT_SETTINGS,
  agentFloor,
  agentSessionInput,
  agentRunFrom,
  agentMcpServers,
  handoffTotals,
} from './steps';
export { handoffInputProblems } from './input-problems';
export {
  handoffCheckpointName,
  buildHandoffPackage,
  plannedPackageProblems,
  formatPackageProblems,
} from './package-plan';
export type { SenderStatus, PackageProblem } from './package-plan';
export { agentRequest } from './agent-request';
export type { AgentStep } from './agent-request';
export {
  MAX_TEST_COMMAND_LENGTH,
  LISTED_FILES,
  handoffWorkspaceProblems,
  packageWorkspaceProblems,
  agentWorkspaceRequest,
  handoffCommitMessage,
  handoffStartCommitMessage,
  workspaceNote,
  testsFailedMessage,
  renderPackageWorkspace,
} from './package-workspace';
export type { PackageWorkspace, AgentWorkspaceRun, HandoffWorkspaceStatus } from './package-workspace';
