import { interruptedToolMessage, type WorkspaceToolResult } from './contract';

/**
 * The result the model gets for a call that was never run again after its worker was lost (the
 * files may or may not have its effects).
 */
export function interruptedToolResult(summary: string): WorkspaceToolResult {
  const content = interruptedToolMessage(summary);
  return {
    content,
    is_error: true,
    status: 'interrupted',
    truncated: false,
    original_chars: content.length,
    duration_ms: 0,
  };
}

/** The result the model gets for a command the policy or a person refused: `message` says why. */
export function refusedToolResult(message: string): WorkspaceToolResult {
  return {
    content: message,
    is_error: true,
    status: 'refused',
    truncated: false,
    original_chars: message.length,
    duration_ms: 0,
  };
}
