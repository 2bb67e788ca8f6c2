export { FailureType, FINAL_MODEL_CALL_FAILURES, FINAL_WORKSPACE_FAILURES } from './failure-types';
