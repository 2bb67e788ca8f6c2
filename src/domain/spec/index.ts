export {
  SPEC_WORKFLOW_TYPE,
  specWorkflowId,
  specStatusQuery,
  retryPhaseUpdate,
  skipPhaseUpdate,
  abortSpecUpdate,
  SpecFailureType,
  DEFAULT_SPEC_MIN_TOKENS,
  DEFAULT_DECISION_TIMEOUT_MS,
  DEFAULT_MAX_ATTEMPTS,
  decidePlanUpdate,
} from './contract';
export type {
  SpecInput,
  PhaseStatus,
  PhaseRecord,
  SpecRunStatus,
  SpecFailure,
  SpecStatus,
  SpecResult,
  RetryPhaseRequest,
  SpecProgress,
  Decision,
  SpecWorkspace,
  PhaseGate,
  PendingApproval,
  PlanDecision,
} from './contract';
export { specDefinitionProblem, renderSpec } from './definition';
export { addPhaseUsage } from './phase-usage';
export type { SpecDefinition } from './definition';
export {
  SPEC_PHASES,
  SPEC_SYSTEM_PROMPT,
  phaseNumber,
  phaseCheckpointName,
  phaseMessage,
  parsePhaseName,
  phaseGateExpectation,
  gateFeedbackMessage,
  continuationMessage,
} from './phases';
export type { SpecPhaseName, PlanContext } from './phases';
export {
  PLAN_CHOICES,
  MAX_FEEDBACK_CHARS,
  pendingApproval,
  planNeedsApproval,
  feedbackProblem,
  planDecisionProblem,
  planContext,
  approvalDetails,
} from './approval';
export {
  initialSpecProgress,
  remainingPhases,
  specPhaseAttribute,
  specHeader,
  decisionProblem,
} from './progress';
