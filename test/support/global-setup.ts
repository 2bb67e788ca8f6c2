/**
 * One real Temporal dev server for the whole test run (in memory, random ports), one workflow
 * bundle that every test file's worker reuses instead of bundling again, and the compiled CLI that
 * tests running `bin/baton.js` need (built here, so no test sees the one-time build message).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { TestProject } from 'vitest/node' with { 'resolution-mode': 'import' };
import { ensureCliBuilt } from '../../scripts/lib/cli-build.js';
import { startDevServer } from '../../src/temporal/dev-server';
import { findOrBuildTemporalCli } from '../../src/temporal/temporal-cli';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    temporalUiUrl: string;
    workflowBundlePath: string;
    temporalCliPath: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  ensureCliBuilt((line) => console.log(`[setup] ${line}`));
  const cliPath = await findOrBuildTemporalCli({ onProgress: (line) => console.log(`[setup] ${line}`) });
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-test-'));
  const bundlePath = path.join(workDir, 'workflow-bundle.js');
  const quiet = () => undefined;
  const bundle = await bundleWorkflowCode({
    workflowsPath: path.join(__dirname, '..', '..', 'src', 'workflows', 'index.ts'),
    logger: { log: quiet, trace: quiet, debug: quiet, info: quiet, warn: console.warn, error: console.error },
  });
  fs.writeFileSync(bundlePath, bundle.code);
  const server = await startDevServer({ cliPath, logFile: path.join(workDir, 'temporal.log') });
  project.provide('temporalAddress', server.address);
  project.provide('temporalUiUrl', server.uiUrl ?? 'http://localhost:8233');
  project.provide('workflowBundlePath', bundlePath);
  project.provide('temporalCliPath', cliPath);
  return async () => {
    await server.stop();
    fs.rmSync(workDir, { recursive: true, force: true });
  };
}
