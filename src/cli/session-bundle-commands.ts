import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { readJsonFile } from '../client/json-file';
import type { CliIO } from './cli-io';
import { formatStart } from './format';
import { printResult } from './print-result';
import type { WithClient } from './with-client';

/** Adds `baton session export|import`: a session as a portable bundle, and back. */
export function registerSessionBundleCommands(session: Command, io: CliIO, withClient: WithClient): void {
  session
    .command('export')
    .description('write a portable, versioned bundle of the session (to stdout or --out)')
    .argument('<id>', 'session id')
    .option('--checkpoint <checkpoint>', 'export the session as it was at this checkpoint')
    .option('--out <file>', 'write to this file instead of stdout')
    .action(async (id: string, o: { checkpoint?: string; out?: string }) => {
      const bundle = await withClient((b) =>
        b.sessions.export(id, o.checkpoint ? { checkpoint: o.checkpoint } : {}),
      );
      const text = `${JSON.stringify(bundle, null, 2)}\n`;
      if (o.out) {
        await writeFile(o.out, text);
        io.stderr(`Exported ${id} (${bundle.nodes.length} messages) to ${o.out}.\n`);
        if (bundle.session.workspace) {
          io.stderr(`Its workspace's files (${bundle.session.workspace.path}) are not in the bundle.\n`);
        }
      } else {
        io.stdout(text);
      }
    });

  session
    .command('import')
    .description('start a session from an exported bundle (checked completely first)')
    .argument('<file>', 'bundle file (JSON)')
    .option('--id <new-id>', 'id of the imported session (default: the exported one)')
    .option('--json', 'machine-readable output')
    .action(async (file: string, o: { id?: string; json?: boolean }) => {
      const bundle = await readJsonFile(file);
      const result = await withClient((b) => b.sessions.import(bundle, o.id ? { id: o.id } : {}));
      for (const warning of result.warnings ?? []) io.stderr(`warning: ${warning}\n`);
      printResult(io, o.json, result, `Imported ${file} as ${result.session_id}.\n${formatStart(result)}`);
    });
}
