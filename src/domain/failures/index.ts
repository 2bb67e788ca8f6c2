export { FailureType, FINAL_MODEL_CALL_FAILURES } from './failure-types';
