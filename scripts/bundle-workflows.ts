/**
 * Writes a prebuilt workflow bundle (default `dist/workflow-bundle.js`) so a worker can start
 * without bundling `src/workflows` at boot: set `BATON_WORKFLOW_BUNDLE` to the file. The Docker
 * image builds it in its build stage.
 *
 * Usage: npx tsx scripts/bundle-workflows.ts [output-file]
 */
import fs from 'node:fs';
import path from 'node:path';
import { bundleBatonWorkflows } from '../src/worker/workflow-bundle';

async function main(): Promise<void> {
  const root = path.join(__dirname, '..');
  const output = path.resolve(process.argv[2] ?? path.join(root, 'dist', 'workflow-bundle.js'));
  const started = Date.now();
  const code = await bundleBatonWorkflows();
  fs.mkdirSync(path.dirname(output), { recursive: true });
  fs.writeFileSync(output, code);
  console.log(
    `Workflow bundle: ${path.relative(process.cwd(), output)} (${(code.length / 1024).toFixed(0)} KiB, ${Date.now() - started} ms)`,
  );
}

main().catch((error: unknown) => {
  console.error(`bundle-workflows: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
