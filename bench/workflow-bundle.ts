/**
 * Workflow bundles built once per run and written to a file, so the in-process workers and the
 * worker child process load the same code without bundling again (webpack takes seconds on 2 cores).
 */
import fs from 'node:fs/promises';
import { bundleWorkflowCode, type BundleOptions } from '@temporalio/worker';
import { quietBundlerLogger } from '../src/worker/workflow-bundle';

/**
 * Bundles workflows with `options` (baton's come from `workflowBundleOptions()`, the baselines'
 * are just a path) into `file` and returns `file`.
 */
export async function writeWorkflowBundle(
  options: Pick<BundleOptions, 'workflowsPath' | 'preloadModules'>,
  file: string,
): Promise<string> {
  const bundle = await bundleWorkflowCode({ ...options, logger: quietBundlerLogger() });
  await fs.writeFile(file, bundle.code);
  return file;
}
