/**
 * One real Temporal dev server for the whole test run (in memory, random ports), one workflow
 * bundle that every test file's worker reuses instead of bundling again, and the compiled CLI that
 * tests running `bin/baton.js` need (built here, so no test sees the one-time build message).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node' with { 'resolution-mode': 'import' };
import { ensureCliBuilt } from '../../scripts/lib/cli-build.js';
import { startDevServer } from '../../src/temporal/dev-server';
import { findOrBuildTemporalCli } from '../../src/temporal/temporal-cli';
import { bundleBatonWorkflows } from '../../src/worker/workflow-bundle';

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
  fs.writeFileSync(bundlePath, await bundleBatonWorkflows());
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
