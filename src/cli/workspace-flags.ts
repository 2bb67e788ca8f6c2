import { Option, type Command } from 'commander';
import { InvalidInputError } from '../client/errors';
import type { SpecWorkspaceOptions, WorkspaceOptions } from '../client/workspace-options';
import type { CommandPolicy } from '../domain/workspace';
import { commandPolicy } from './option-parsers';

/** The workspace flags as commander parses them (a SPEC file may fill them in, see spec-input). */
export interface WorkspaceFlags {
  workspace?: string;
  allowDirty?: boolean;
  policy?: CommandPolicy;
  testCommand?: string;
}

export const POLICY_HELP =
  'which commands the model may run: allow (default; all, in the sandbox), ask (each waits for ' +
  '`baton session allow|deny`), allow:<prefix>,<prefix>… (others refused) or ask-others:<prefix>,… (others asked)';

/**
 * Adds `--workspace`, `--allow-dirty` and `--policy` to a command, and `--test-command` when the
 * workspace's tests decide something (a SPEC's gates).
 */
export function addWorkspaceOptions(command: Command, options: { tests: boolean }): Command {
  command
    .option(
      '--workspace <dir>',
      'the folder the model works in with the editor and bash tools (a git repository; initialised when it has none)',
    )
    .option(
      '--allow-dirty',
      "accept uncommitted changes in the workspace (they go into baton's first commit)",
    )
    .addOption(new Option('--policy <policy>', POLICY_HELP).argParser(commandPolicy));
  if (options.tests) {
    command.option(
      '--test-command <cmd>',
      'the command that runs the tests in the workspace; RED must leave it failing, GREEN and refactor passing',
    );
  }
  return command;
}

/**
 * The workspace the flags ask for, or undefined without `--workspace`.
 * @throws InvalidInputError for a workspace flag given without `--workspace` (it would be ignored).
 */
export function workspaceFromFlags(flags: WorkspaceFlags): WorkspaceOptions | undefined {
  if (flags.workspace === undefined) {
    const stray = [
      flags.allowDirty ? '--allow-dirty' : undefined,
      flags.policy ? '--policy' : undefined,
      flags.testCommand !== undefined ? '--test-command' : undefined,
    ].filter((f) => f !== undefined);
    if (stray.length > 0) {
      throw new InvalidInputError(
        `${stray.join(' and ')} ${stray.length > 1 ? 'apply' : 'applies'} to a workspace: add --workspace <dir> (the folder the model works in), or leave ${stray.length > 1 ? 'them' : 'it'} out.`,
      );
    }
    return undefined;
  }
  return {
    path: flags.workspace,
    ...(flags.allowDirty ? { allow_dirty: true } : {}),
    ...(flags.policy ? { policy: flags.policy } : {}),
  };
}

/**
 * A SPEC's or a handoff's workspace from the flags: {@link workspaceFromFlags} with the test
 * command (the client says clearly when it is missing).
 */
export function specWorkspaceFromFlags(flags: WorkspaceFlags): SpecWorkspaceOptions | undefined {
  const workspace = workspaceFromFlags(flags);
  if (!workspace) return undefined;
  return { ...workspace, test_command: flags.testCommand ?? '' };
}
