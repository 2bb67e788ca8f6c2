/**
 * The machine and software a run measured, recorded with every result: a figure means little
 * without the CPU it ran on.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface MachineInfo {
  cpu_model: string;
  cores: number;
  ram_gib: number;
  node: string;
  os: string;
  temporal_cli: string;
  temporal_sdk: string;
  /** The checked-out commit, with `+dirty` when the working tree has changes; `unknown` outside git. */
  commit: string;
}

/** Describes this machine; `cliPath` is the `temporal` executable the dev server runs from. */
export function describeMachine(cliPath: string): MachineInfo {
  const cpus = os.cpus();
  return {
    cpu_model: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    ram_gib: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    temporal_cli: commandOutput(cliPath, ['--version']) ?? 'unknown',
    temporal_sdk: sdkVersion(),
    commit: gitCommit(),
  };
}

function sdkVersion(): string {
  try {
    const manifest = path.join(path.dirname(require.resolve('@temporalio/worker')), '..', 'package.json');
    return (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

function gitCommit(): string {
  // Read-only git commands: the commit and whether the tree has uncommitted changes.
  const root = path.join(__dirname, '..');
  const commit = commandOutput('git', ['rev-parse', '--short', 'HEAD'], root);
  if (commit === undefined) return 'unknown';
  const dirty = commandOutput('git', ['status', '--porcelain', '--untracked-files=no'], root);
  return dirty ? `${commit}+dirty` : commit;
}

function commandOutput(command: string, args: string[], cwd?: string): string | undefined {
  try {
    return execFileSync(command, args, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 10_000,
      ...(cwd ? { cwd } : {}),
    }).trim();
  } catch {
    return undefined;
  }
}
