/**
 * Workflow bundles built once per run and written to a file, so the in-process workers and the
 * worker child process load the same code without bundling again (webpack takes seconds on 2 cores).
 */
import fs from 'node:fs/promises';
import { bundleWorkflowCode } from '@temporalio/worker';

/** Bundles the workflows at `workflowsPath` into `file` and returns `file`. */
export async function writeWorkflowBundle(workflowsPath: string, file: string): Promise<string> {
  const quiet = () => undefined;
  const bundle = await bundleWorkflowCode({
    workflowsPath,
    logger: { log: quiet, trace: quiet, debug: quiet, info: quiet, warn: quiet, error: console.error },
  });
  await fs.writeFile(file, bundle.code);
  return file;
}
