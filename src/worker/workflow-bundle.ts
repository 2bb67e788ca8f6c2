/**
 * How baton's workflow code is bundled, in one place for the worker, the Docker image, the tests
 * and the benchmark, so that every bundle shares its modules between workflows the same way.
 */
import path from 'node:path';
import { bundleWorkflowCode, type BundleOptions } from '@temporalio/worker';

/**
 * The folder whose index exports every workflow the baton worker registers (a folder, so the same
 * path works from the TypeScript sources and from the compiled `dist/`).
 */
export const WORKFLOWS_PATH = path.join(__dirname, '..', 'workflows');

/**
 * The bundler options of baton's workflows. In the worker's reusable V8 context, each workflow run
 * evaluates again every module it imports (so module state cannot leak between runs) unless the
 * module is preloaded: then it is evaluated once, frozen and shared. baton's workflow modules and
 * the domain hold no module state (lint forbids top-level `let`, `var` and mutable collections in
 * `src/workflows/` and `src/domain/`), so all of them are preloaded; a cached session then keeps
 * only its own objects, about a quarter of the heap it took when each run had its own copy of
 * every module.
 */
export function workflowBundleOptions(
  logger?: BundleOptions['logger'],
): Pick<BundleOptions, 'workflowsPath' | 'preloadModules' | 'logger'> {
  return { workflowsPath: WORKFLOWS_PATH, preloadModules: [WORKFLOWS_PATH], ...(logger ? { logger } : {}) };
}

/** A logger for the bundler that shows only warnings and errors (webpack's INFO lines are noise). */
export function quietBundlerLogger(): NonNullable<BundleOptions['logger']> {
  const quiet = () => undefined;
  return { log: quiet, trace: quiet, debug: quiet, info: quiet, warn: console.warn, error: console.error };
}

/** Bundles baton's workflows with {@link workflowBundleOptions} and returns the code. */
export async function bundleBatonWorkflows(logger = quietBundlerLogger()): Promise<string> {
  return (await bundleWorkflowCode(workflowBundleOptions(logger))).code;
}
