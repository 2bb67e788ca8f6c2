/**
 * A handoff with a workspace, as pure functions: the input and package checks, what each agent's
 * session gets (the folder, the MCP servers, the request naming the commit and files), the
 * default agents' workspace instructions, and the failing-tests message a person decides on.
 */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_AGENTS,
  agentDefinitionProblems,
  agentMcpServers,
  agentRequest,
  agentRunFrom,
  agentSessionInput,
  buildHandoffPackage,
  handoffCommitMessage,
  handoffInputProblems,
  handoffPackageProblems,
  handoffWorkspaceProblems,
  plannedPackageProblems,
  renderHandoffDetails,
  renderHandoffPackage,
  testsFailedMessage,
  type HandoffInput,
  type HandoffStatus,
  type PackageWorkspace,
  type ResolvedAgent,
} from '../../src/domain/handoff';
import { BUILTIN_MODELS } from '../../src/domain/models';
import type { SessionStatus } from '../../src/domain/session';
import type { SpecWorkspace } from '../../src/domain/spec';
import type { VerificationResult } from '../../src/domain/workspace';
import { closedAgentStatus } from '../support/agent-status';

const sonnet = BUILTIN_MODELS.find((m) => m.id === 'claude-sonnet-4-6')!;
const spec = { spec_id: 'SPEC-9', title: 'Sum', requirements: ['adds two numbers'], acceptance_criteria: [] };
const workspace: SpecWorkspace = { path: '/srv/work/sum', test_command: 'node --test' };
const commit = '0123456789abcdef0123456789abcdef01234567';
const bundle = 'f'.repeat(64);
const resolve = (name: string): ResolvedAgent => {
  const d = DEFAULT_AGENTS.find((a) => a.name === name)!;
  return {
    name: d.name,
    role_prompt: d.role_prompt,
    work_message: d.work_message!,
    ...(d.workspace_message ? { workspace_message: d.workspace_message } : {}),
    ...(d.verify_tests ? { verify_tests: d.verify_tests } : {}),
    model: sonnet,
  };
};
const builder = resolve('spec-builder');
const implementer = resolve('tdd-implementer');
const chain = ['spec-builder', 'tdd-implementer', 'doc-syncer'];
const input: HandoffInput = { spec, agents: [builder, implementer], workspace };

const sessionStatus = (over: Partial<SessionStatus> = {}): SessionStatus =>
  closedAgentStatus('handoff-SPEC-9-1-spec-builder', 'SPEC.md written.', over);

const packageWorkspace: PackageWorkspace = {
  path: workspace.path,
  commit,
  bundle_id: bundle,
  files_changed: ['SPEC.md'],
};
const pkg = () =>
  buildHandoffPackage({
    package_id: 'pkg_1',
    checkpoint_id: 'cp_1',
    created_at: '2026-01-01T00:00:00.000Z',
    spec,
    from: 'spec-builder',
    to: 'tdd-implementer',
    to_index: 2,
    sender: sessionStatus(),
    workspace: packageWorkspace,
  });

describe('the handoff input with a workspace and MCP servers', () => {
  it('accepts a folder with a test command, and chain-wide MCP servers', () => {
    expect(handoffInputProblems(input)).toEqual([]);
    expect(handoffInputProblems({ ...input, mcp_servers: ['docs', 'git'] })).toEqual([]);
    expect(plannedPackageProblems(input)).toEqual([]);
  });

  it('names the workspace field that is wrong and says what to give', () => {
    expect(handoffWorkspaceProblems({ path: 'sum', test_command: 'npm test' })).toEqual([
      {
        field: 'workspace.path',
        message: 'must be an absolute path to the folder the agents work in (--workspace <dir>), got "sum"',
      },
    ]);
    const [noCommand] = handoffWorkspaceProblems({ path: '/srv/sum' });
    expect(noCommand).toMatchObject({ field: 'workspace.test_command' });
    expect(noCommand!.message).toMatch(
      /the command that runs the tests, such as "npm test" \(--test-command\)/,
    );
    expect(handoffWorkspaceProblems({ path: '/srv/sum', test_command: '   ' }).map((p) => p.field)).toEqual([
      'workspace.test_command',
    ]);
    expect(
      handoffWorkspaceProblems({ path: '/srv/sum', test_command: 'x'.repeat(2_001) })[0]!.message,
    ).toMatch(/at most 2000 characters/);
    expect(
      handoffWorkspaceProblems({ path: '/srv/sum', test_command: 'npm test', allow_dirty: 'yes' }),
    ).toEqual([{ field: 'workspace.allow_dirty', message: 'must be true or false, got "yes"' }]);
    expect(handoffWorkspaceProblems('/srv/sum').map((p) => p.field)).toEqual(['workspace']);
    // The rest of the request as each agent's session checks it.
    expect(
      handoffWorkspaceProblems({ path: '/srv/sum', test_command: 'npm test', command_timeout_ms: 10 }),
    ).toEqual([
      {
        field: 'workspace',
        message: 'The command time limit must be a whole number of ms from 1,000 to 3,600,000; got 10.',
      },
    ]);
    expect(
      handoffInputProblems({ ...input, workspace: { path: 'rel', test_command: '' } }).map((p) => p.field),
    ).toEqual(['workspace.path', 'workspace.test_command']);
  });

  it('names MCP server names that cannot be used, chain-wide and per agent', () => {
    const problems = handoffInputProblems({
      ...input,
      mcp_servers: ['docs', 'no spaces'],
      agents: [builder, { ...implementer, mcp_servers: ['__bad'] }],
    });
    expect(problems.map((p) => p.field)).toEqual(['mcp_servers[1]', 'agents[1].mcp_servers[0]']);
    expect(problems[0]!.message).toMatch(/may only contain letters, digits/);
    expect(handoffInputProblems({ ...input, mcp_servers: 'docs' })[0]).toMatchObject({
      field: 'mcp_servers',
      message: 'must be a list of MCP server names, got "docs"',
    });
  });

  it('checks the agent fields a workspace adds', () => {
    const base = { name: 'writer', role_prompt: 'You write.' };
    expect(
      agentDefinitionProblems({ ...base, workspace_message: 'Edit README.md.', verify_tests: true }),
    ).toEqual([]);
    expect(agentDefinitionProblems({ ...base, workspace_message: '', verify_tests: 'yes' })).toEqual([
      { field: 'agent.workspace_message', message: 'must be a non-empty string, got ""' },
      { field: 'agent.verify_tests', message: 'must be true or false, got "yes"' },
    ]);
  });
});

describe('the default agents in a workspace', () => {
  it('write the SPEC to SPEC.md, implement until the tests pass, and update the docs', () => {
    const [specBuilder, tdd, docs] = DEFAULT_AGENTS;
    expect(specBuilder!.workspace_message).toMatch(/SPEC\.md/);
    expect(tdd!.workspace_message).toMatch(/run the test command until it passes/);
    expect(docs!.workspace_message).toMatch(/README/);
    // Only the implementer's step is checked by running the tests.
    expect(DEFAULT_AGENTS.map((a) => a.verify_tests ?? false)).toEqual([false, true, false]);
    for (const agent of DEFAULT_AGENTS) expect(agentDefinitionProblems(agent)).toEqual([]);
  });
});

describe('what each agent session gets', () => {
  it('gives the first agent the folder, its workspace request and the commit it starts from', () => {
    const session = agentSessionInput({ spec, chain, index: 1, agent: builder, floor: 0, workspace, commit });
    // Uncommitted leftovers of a failed attempt must not stop the retry from claiming the folder.
    expect(session.workspace).toEqual({ path: '/srv/work/sum', allow_dirty: true });
    const request = session.script!.messages[0]!;
    expect(request).toContain(
      'Workspace: you work in /srv/work/sum with the text editor and bash tools (paths are relative to it). It is at commit 0123456789ab. The test command is `node --test`.',
    );
    expect(request).toContain(`Objective: ${builder.workspace_message!}`);
    expect(request).not.toContain(builder.work_message);
  });

  it('tells a receiving agent the commit and the files the sender changed', () => {
    const session = agentSessionInput({
      spec,
      chain,
      index: 2,
      agent: implementer,
      floor: 0,
      workspace,
      commit,
      package: pkg(),
    });
    const request = session.script!.messages[0]!;
    expect(request).toContain(
      `- Workspace /srv/work/sum at commit 0123456789ab (${commit}); files changed by spec-builder: SPEC.md. You start from these files.`,
    );
    expect(request).toContain(`Objective: ${implementer.workspace_message!}`);
    expect(session.head).toBe('b'.repeat(64));
  });

  it('leaves an agent without a workspace as it was: its work message, no workspace', () => {
    const session = agentSessionInput({ spec, chain, index: 1, agent: builder, floor: 0 });
    expect(session.workspace).toBeUndefined();
    expect(session.script!.messages[0]).toContain(`Objective: ${builder.work_message}`);
    expect(session.script!.messages[0]).not.toMatch(/Workspace/);
    // An agent of an agents file without a workspace message keeps its work message in a workspace.
    const custom = { ...builder, workspace_message: undefined } as unknown as ResolvedAgent;
    delete (custom as { workspace_message?: string }).workspace_message;
    expect(agentRequest({ spec, chain, index: 1, agent: custom, workspace })).toContain(
      `Objective: ${builder.work_message}`,
    );
  });

  it('gives every agent the handoff’s MCP servers and its own, each once', () => {
    expect(agentMcpServers(['docs', 'git'], { mcp_servers: ['git', 'memory'] })).toEqual([
      'docs',
      'git',
      'memory',
    ]);
    const session = agentSessionInput({
      spec,
      chain,
      index: 1,
      agent: { ...builder, mcp_servers: ['memory'] },
      floor: 0,
      mcp_servers: ['docs'],
    });
    expect(session.mcp_servers).toEqual(['docs', 'memory']);
    const run = agentRunFrom({
      index: 1,
      agent: { ...builder, mcp_servers: ['memory'] },
      floor: 0,
      status: sessionStatus(),
      mcp_servers: ['docs'],
    });
    expect(run.mcp_servers).toEqual(['docs', 'memory']);
    expect(
      agentSessionInput({ spec, chain, index: 1, agent: builder, floor: 0 }).mcp_servers,
    ).toBeUndefined();
  });

  it('tells a retried agent why its previous attempt failed, before the guidance', () => {
    const request = agentRequest({
      spec,
      chain,
      index: 2,
      agent: implementer,
      workspace,
      previous_error: 'tdd-implementer left failing tests: `node --test` failed (exit 1)',
      guidance: 'fix the sign',
    });
    expect(request).toMatch(
      /Your previous attempt failed: tdd-implementer left failing tests: `node --test` failed \(exit 1\)\n\nGuidance for this attempt: fix the sign$/,
    );
  });
});

describe('the package with a workspace', () => {
  it('carries the commit, its bundle and the files changed, and validates', () => {
    const p = pkg();
    expect(p.workspace).toEqual(packageWorkspace);
    expect(handoffPackageProblems(p)).toEqual([]);
    expect(handoffPackageProblems({ ...p, workspace: { ...packageWorkspace, files_changed: [] } })).toEqual(
      [],
    );
    // Without a workspace the package has no such field.
    const { workspace: _ws, ...plain } = p;
    expect(handoffPackageProblems(plain)).toEqual([]);
    const withoutWorkspace = buildHandoffPackage({
      package_id: 'pkg_2',
      checkpoint_id: 'cp_2',
      created_at: '2026-01-01T00:00:00.000Z',
      spec,
      from: 'spec-builder',
      to: 'tdd-implementer',
      to_index: 2,
      sender: sessionStatus(),
    });
    expect('workspace' in withoutWorkspace).toBe(false);
    expect(renderHandoffPackage(withoutWorkspace)).not.toMatch(/Workspace/);
  });

  it('names each workspace field that is wrong', () => {
    const p = pkg();
    const problems = handoffPackageProblems({
      ...p,
      workspace: { path: 'rel', commit: 'abc', bundle_id: 'x', files_changed: [''], extra: 1 },
    });
    expect(problems.map((x) => x.field)).toEqual([
      'workspace.path',
      'workspace.commit',
      'workspace.bundle_id',
      'workspace.files_changed',
      'workspace.extra',
    ]);
    expect(problems[1]!.message).toMatch(
      /full git commit id \(40 or 64 lowercase hex characters\), got "abc"/,
    );
    expect(handoffPackageProblems({ ...p, workspace: null }).map((x) => x.field)).toEqual(['workspace']);
  });

  it('lists at most 20 changed files by name and counts the rest', () => {
    const files = Array.from({ length: 23 }, (_, i) => `src/f${i}.js`);
    const text = renderHandoffPackage({ ...pkg(), workspace: { ...packageWorkspace, files_changed: files } });
    expect(text).toContain('src/f19.js and 3 more.');
    expect(text).not.toContain('src/f20.js');
    const none = renderHandoffPackage({ ...pkg(), workspace: { ...packageWorkspace, files_changed: [] } });
    expect(none).toContain('spec-builder changed no files. You start from these files.');
  });
});

describe('failing tests', () => {
  const run = (over: Partial<VerificationResult>): VerificationResult => ({
    command: 'node --test',
    exit_code: 1,
    duration_ms: 120,
    output_tail: 'not ok 1 - adds two numbers\n  expected 5, got -1',
    passed: false,
    timed_out: false,
    ...over,
  });

  it('fail the agent with the test output as the error', () => {
    expect(testsFailedMessage('tdd-implementer', run({}))).toBe(
      'tdd-implementer left failing tests: `node --test` failed (exit 1); the tests must pass.\nnot ok 1 - adds two numbers\n  expected 5, got -1',
    );
    expect(
      testsFailedMessage('tdd-implementer', run({ exit_code: null, timed_out: true, output_tail: '' })),
    ).toBe(
      'tdd-implementer left failing tests: `node --test` did not finish within its time limit and was killed, so it shows nothing about the tests. Make the tests finish quickly.',
    );
  });

  it('name the commit of each agent in a message that says which step it is', () => {
    expect(handoffCommitMessage('SPEC-9', 2, 3, 'tdd-implementer')).toBe(
      'baton: handoff SPEC-9 2/3 tdd-implementer',
    );
  });
});

describe('the handoff details with a workspace', () => {
  it('show the folder, the last commit and the test command', () => {
    const status: HandoffStatus = {
      handoff_id: 'handoff-SPEC-9',
      spec_id: 'SPEC-9',
      state: 'running',
      chain,
      current: { index: 1, agent: 'spec-builder', session_id: 'handoff-SPEC-9-1-spec-builder' },
      agents: [],
      skipped: [],
      packages: [],
      workspace: { path: '/srv/work/sum', test_command: 'node --test', commit },
      totals: { tokens: 0, cost_usd: 0, floor_compactions: 0 },
      started_at: '2026-01-01T00:00:00.000Z',
      completed_at: null,
    };
    expect(renderHandoffDetails(status)).toContain(
      'workspace `/srv/work/sum` · commit 0123456789ab · tests `node --test`',
    );
  });
});
