/**
 * The failure vocabulary: one PascalCase name per failure, and every module's view of it (session,
 * SPEC, handoff, MCP) drawn from it, so a retry policy or a caller matches one spelling.
 */
import { describe, expect, it } from 'vitest';
import { FailureType, FINAL_MODEL_CALL_FAILURES, FINAL_WORKSPACE_FAILURES } from '../../src/domain/failures';
import { HandoffFailureType } from '../../src/domain/handoff';
import { McpFailureType } from '../../src/domain/mcp';
import { SessionFailureType } from '../../src/domain/session';
import { SpecFailureType } from '../../src/domain/spec';

const names = Object.values(FailureType);

describe('FailureType', () => {
  it('spells every failure in PascalCase, each name once', () => {
    for (const name of names) expect(name).toMatch(/^[A-Z][A-Za-z]+$/);
    expect(new Set(names).size).toBe(names.length);
  });

  it('is the only source of the modules’ failure types', () => {
    for (const view of [SessionFailureType, SpecFailureType, HandoffFailureType, McpFailureType]) {
      for (const type of Object.values(view)) expect(names).toContain(type);
    }
  });

  it('lists only its own names as final model-call failures', () => {
    for (const type of FINAL_MODEL_CALL_FAILURES) expect(names).toContain(type);
    expect(FINAL_MODEL_CALL_FAILURES).not.toContain(FailureType.RateLimited);
    expect(FINAL_MODEL_CALL_FAILURES).toContain(FailureType.ContextOverflow);
  });

  it('lists only its own names as final workspace failures, leaving a failed git command retryable', () => {
    for (const type of FINAL_WORKSPACE_FAILURES) expect(names).toContain(type);
    expect(FINAL_WORKSPACE_FAILURES).toContain(FailureType.DirtyWorkspace);
    expect(FINAL_WORKSPACE_FAILURES).not.toContain(FailureType.WorkspaceGitFailed);
  });
});
