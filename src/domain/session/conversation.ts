/**
 * The shape of conversation content. A message is an immutable node whose id is the SHA-256 of its
 * canonical JSON; a conversation is the path from a root node to a head id.
 */

const NODE_ID = /^[0-9a-f]{64}$/;

/**
 * True when `value` is a well-formed node id: 64 lowercase hex characters (a SHA-256). Uppercase
 * is rejected so that one node never has two spellings (and two file names). Heads, parents and
 * checkpoint heads are all node ids.
 */
export function isNodeId(value: unknown): value is string {
  return typeof value === 'string' && NODE_ID.test(value);
}

/** How a node is treated when the context is compacted. */
export type ContextClass = 'critical' | 'supporting' | 'temporary';

export const CONTEXT_CLASSES: readonly ContextClass[] = ['critical', 'supporting', 'temporary'];

export type Role = 'user' | 'assistant';

export interface TextBlock {
  type: 'text';
  text: string;
}

export interface ToolUseBlock {
  type: 'tool_use';
  id: string;
  name: string;
  input: Record<string, unknown>;
}

export interface ToolResultBlock {
  type: 'tool_result';
  tool_use_id: string;
  content: string;
  is_error?: boolean;
}

/**
 * Extended thinking, kept with its signature exactly as the API returned it: the API checks the
 * signature when the block is sent back (which it must be while the turn's tool calls go on).
 */
export interface ThinkingBlock {
  type: 'thinking';
  thinking: string;
  signature: string;
}

/** Thinking the API returns encrypted; sent back as it came. */
export interface RedactedThinkingBlock {
  type: 'redacted_thinking';
  data: string;
}

/** The subset of Anthropic content blocks that baton stores. */
export type ContentBlock = TextBlock | ToolUseBlock | ToolResultBlock | ThinkingBlock | RedactedThinkingBlock;

/** What a node is, beyond its role: ordinary dialogue, the session task, a summary, a merge, a stub. */
export type NodeKind = 'message' | 'task' | 'summary' | 'merge' | 'stub';

export interface NodeMeta {
  kind: NodeKind;
  /** Explicit class from the caller, or the heuristic's decision at write time. */
  class: ContextClass;
  pinned?: boolean;
  /** For merge nodes: the other head that was joined in. */
  merged_from?: string;
}

/** A stored message. Its id is the hash of this object's canonical JSON, so it never changes. */
export interface MessageNode {
  parent: string | null;
  role: Role;
  content: ContentBlock[];
  meta: NodeMeta;
}

/** A node together with the id the store gave it. */
export interface StoredNode extends MessageNode {
  id: string;
}

/** A message the caller wants to append; the store fills in `parent`. */
export interface NewMessage {
  role: Role;
  content: ContentBlock[];
  meta: NodeMeta;
}

/** Concatenated text of a node's text blocks (tool blocks are not prose). */
export function textOf(content: readonly ContentBlock[]): string {
  return content
    .filter((b): b is TextBlock => b.type === 'text')
    .map((b) => b.text)
    .join('\n');
}
