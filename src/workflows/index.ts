/** Every workflow the baton worker registers. */
export { sessionWorkflow } from './session-workflow';
