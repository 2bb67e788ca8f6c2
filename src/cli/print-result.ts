import type { CliIO } from './cli-io';

/**
 * Prints a command's result: `value` as indented JSON with `--json`, else the `human` text.
 * @example printResult(io, o.json, status, formatStatus(status));
 */
export function printResult(io: CliIO, json: boolean | undefined, value: unknown, human: string): void {
  io.stdout(json ? `${JSON.stringify(value, null, 2)}\n` : `${human}\n`);
}
