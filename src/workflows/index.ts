/** Every workflow the baton worker registers. */
export { sessionWorkflow } from './session-workflow';
export { specWorkflow } from './spec-workflow';
export { handoffWorkflow } from './handoff-workflow';
export { modelCatalogWorkflow } from './model-catalog';
