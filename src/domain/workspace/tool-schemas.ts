/**
 * Anthropic's client tools for working in a workspace: the text editor tool and the bash tool.
 * Claude is trained on them, and their definitions are a `type` and a `name` only (the API
 * supplies the schema), so offering them costs a few tokens instead of a JSON schema per tool.
 * The versions are the newest that the installed `@anthropic-ai/sdk` declares; the compiler checks
 * the definitions against its types, so an SDK upgrade that drops a version fails the build here.
 */
import type { ToolBash20250124, ToolTextEditor20250728 } from '@anthropic-ai/sdk/resources/messages';

/** The name the model calls the text editor by. */
export const EDITOR_TOOL_NAME = 'str_replace_based_edit_tool';
/** The name the model calls the bash tool by. */
export const BASH_TOOL_NAME = 'bash';

/** The text editor tool version offered (view, create, str_replace, insert; no undo_edit). */
export const EDITOR_TOOL_TYPE = 'text_editor_20250728';
/** The bash tool version offered. */
export const BASH_TOOL_TYPE = 'bash_20250124';

/** The text editor tool's definition, as sent in a request's `tools`. */
export type EditorToolDefinition = Pick<ToolTextEditor20250728, 'type' | 'name' | 'max_characters'>;
/** The bash tool's definition, as sent in a request's `tools`. */
export type BashToolDefinition = Pick<ToolBash20250124, 'type' | 'name'>;

/** Which workspace tools a session offers. */
export interface WorkspaceToolOptions {
  /** Offer the bash tool (default true). A session with commands refused gets the editor only. */
  bash?: boolean;
  /** Longest file view the editor returns, in characters (the tool's own `max_characters`). */
  max_view_chars?: number;
}

/**
 * The tool definitions for a request: the text editor, and the bash tool unless switched off.
 * @example workspaceToolDefinitions() // [{ type: 'text_editor_20250728', name: 'str_replace_based_edit_tool' }, { type: 'bash_20250124', name: 'bash' }]
 */
export function workspaceToolDefinitions(
  options: WorkspaceToolOptions = {},
): (EditorToolDefinition | BashToolDefinition)[] {
  const editor: EditorToolDefinition = {
    type: EDITOR_TOOL_TYPE,
    name: EDITOR_TOOL_NAME,
    ...(options.max_view_chars !== undefined ? { max_characters: options.max_view_chars } : {}),
  };
  const bash: BashToolDefinition = { type: BASH_TOOL_TYPE, name: BASH_TOOL_NAME };
  return options.bash === false ? [editor] : [editor, bash];
}

/** True for the names of the workspace tools (the model's `tool_use.name`). */
export function isWorkspaceToolName(name: string): boolean {
  return name === EDITOR_TOOL_NAME || name === BASH_TOOL_NAME;
}
