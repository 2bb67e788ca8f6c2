/**
 * Every `baton session …` command against the ids that are not plain sessions: a SPEC's workflow
 * (it embeds a session), a handoff (it has none) and a handoff agent (a session the handoff
 * drives). Each command either works or says in one line what the id is and what to use instead.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExploreResult, ForkResult, SessionBundle, SessionStatusWithLink } from '../../src/client';
import type { CheckpointRecord } from '../../src/domain/session';
import { runCli, type CliRun } from '../support/run-cli';
import { startTestEnvironment, type TestEnvironment } from '../support/test-environment';

let env: TestEnvironment;
const tag = randomUUID().slice(0, 8);
const specId = `TGT-${tag}`;
const specWorkflow = `spec-${specId}`;
const handoffSpec = `TGH-${tag}`;
const handoffId = `handoff-${handoffSpec}`;
const agentId = `${handoffId}-1-spec-builder`;

// The CLI opens the worker's store through BATON_STORE_URL (export reads it directly).
const cli = (...argv: string[]) => runCli(argv, { ...env.cliEnv, BATON_STORE_URL: `file:${env.storeDir}` });

beforeAll(async () => {
  env = await startTestEnvironment();
  const spec = await cli('spec', 'run', specId, '--title', 'Targets', '--req', 'login', '--json');
  expect(spec.code, spec.stderr).toBe(0);
  const handoff = await cli(
    'handoff',
    'run',
    handoffSpec,
    '--title',
    'Targets',
    '--req',
    'login',
    '--agents',
    'spec-builder,tdd-implementer',
    '--json',
  );
  expect(handoff.code, handoff.stderr).toBe(0);
}, 120_000);
afterAll(async () => {
  await env?.teardown();
});

/** A refusal as the issue asks for it: exit 1, one line, no raw Temporal text, no resume advice. */
function expectOneLineRefusal(run: CliRun, pattern: RegExp): void {
  expect(run.code, run.stdout).toBe(1);
  const lines = run.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(run.stderr).not.toMatch(/did not register a handler|Cannot read properties|Resume it with/);
}

/** The commands that change a session, with the arguments each needs. */
const steering = (id: string): string[][] => [
  ['send', id, 'hi'],
  ['compact', id],
  ['checkpoint', id, '--name', 'mine'],
  ['restore', id, 'phase_1_analysis_start'],
  ['resume', id],
  ['resume', id, 'hi'],
  ['close', id],
  ['merge', id, 'sess_elsewhere'],
];

describe("a SPEC's workflow id", () => {
  it('status reads the session the SPEC embeds, closed once the SPEC is done, and points at spec status', async () => {
    const json = await cli('session', 'status', specWorkflow, '--json');
    expect(json.code, json.stderr).toBe(0);
    const status = JSON.parse(json.stdout) as SessionStatusWithLink;
    expect(status).toMatchObject({
      session_id: specWorkflow,
      status: 'closed',
      execution_status: 'COMPLETED',
      resumable: false,
      turns: 4,
      part_of: { kind: 'spec', id: specId, command: `baton spec status ${specId}` },
    });
    expect(status.cumulative.output_tokens).toBeGreaterThan(0);

    const human = await cli('session', 'status', specWorkflow);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(new RegExp(`Session ${specWorkflow} · closed · claude-sonnet-4-6`));
    expect(human.stdout).toContain(`part of     SPEC ${specId}: \`baton spec status ${specId}\``);
    expect(human.stdout).not.toMatch(/resumable/);
  });

  it('checkpoints lists the phase checkpoints', async () => {
    const r = await cli('session', 'checkpoints', specWorkflow, '--json');
    expect(r.code, r.stderr).toBe(0);
    const names = (JSON.parse(r.stdout) as CheckpointRecord[]).map((c) => c.name);
    expect(names).toEqual(
      expect.arrayContaining(['phase_1_analysis_start', 'phase_2_red_complete', 'phase_4_refactor_complete']),
    );
  });

  it('export writes a bundle of its conversation', async () => {
    const r = await cli('session', 'export', specWorkflow);
    expect(r.code, r.stderr).toBe(0);
    const bundle = JSON.parse(r.stdout) as SessionBundle;
    expect(bundle.session.session_id).toBe(specWorkflow);
    expect(bundle.turns).toBe(4);
    expect(bundle.nodes.map((n) => n.id)).toContain(bundle.head);
  });

  it('fork (at a phase checkpoint) and explore carry on from it in sessions of their own', async () => {
    const fork = await cli('session', 'fork', specWorkflow, '--at', 'phase_2_red_complete', '--json');
    expect(fork.code, fork.stderr).toBe(0);
    const forked = JSON.parse(fork.stdout) as ForkResult;
    expect(forked.lineage.parent_session_id).toBe(specWorkflow);
    const send = await cli('session', 'send', forked.session_id, 'What did GREEN still need?');
    expect(send.code, send.stderr).toBe(0);

    const explore = await cli('session', 'explore', specWorkflow, 'Try another design', '--json');
    expect(explore.code, explore.stderr).toBe(0);
    const [variant, ...more] = (JSON.parse(explore.stdout) as ExploreResult).variants;
    expect(more).toEqual([]);
    expect(variant?.error).toBeUndefined();
    expect(variant?.reply).toContain('Try another design');
  });

  it.each(steering(specWorkflow))(
    'session %s says it is a SPEC and names the spec commands',
    async (...args) => {
      expectOneLineRefusal(
        await cli('session', ...args),
        new RegExp(
          `^baton: ${specWorkflow} is the workflow of SPEC ${specId}: .*\`baton spec status ${specId}\`.*` +
            `\`baton session fork ${specWorkflow}\``,
        ),
      );
    },
  );

  it('leaves the SPEC as it was after the refusals', async () => {
    const r = await cli('spec', 'status', specId, '--json');
    expect(JSON.parse(r.stdout)).toMatchObject({ status: 'completed', execution_status: 'COMPLETED' });
    const checkpoints = await cli('session', 'checkpoints', specWorkflow, '--json');
    expect((JSON.parse(checkpoints.stdout) as CheckpointRecord[]).map((c) => c.name)).not.toContain('mine');
  });
});

describe('a handoff id', () => {
  it.each([
    ['status', handoffId],
    ['checkpoints', handoffId],
    ['export', handoffId],
    ['fork', handoffId],
    ['explore', handoffId, 'a variant'],
    ...steering(handoffId),
  ])('session %s says it is a handoff and names its agents', async (...args) => {
    expectOneLineRefusal(
      await cli('session', ...args),
      new RegExp(
        `^baton: ${handoffId} is a handoff, not a session: see it with \`baton handoff status ${handoffId}\`; ` +
          `its agents' sessions are ${agentId}, ${handoffId}-2-tdd-implementer `,
      ),
    );
  });
});

describe("a handoff agent's session id", () => {
  it('status, checkpoints and export read it; status names the handoff and does not offer resume', async () => {
    const status = await cli('session', 'status', agentId, '--json');
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      session_id: agentId,
      status: 'closed',
      resumable: false,
      part_of: { kind: 'handoff', id: handoffId, command: `baton handoff status ${handoffId}` },
    });
    const human = await cli('session', 'status', agentId);
    expect(human.stdout).toContain(`part of     handoff ${handoffId}`);
    expect(human.stdout).not.toMatch(/resumable/);

    const checkpoints = await cli('session', 'checkpoints', agentId, '--json');
    expect(checkpoints.code, checkpoints.stderr).toBe(0);
    expect(Array.isArray(JSON.parse(checkpoints.stdout))).toBe(true);

    const exported = await cli('session', 'export', agentId);
    expect(exported.code, exported.stderr).toBe(0);
    expect((JSON.parse(exported.stdout) as SessionBundle).session.session_id).toBe(agentId);
  });

  it('fork carries on from its conversation', async () => {
    const fork = await cli('session', 'fork', agentId, '--json');
    expect(fork.code, fork.stderr).toBe(0);
    expect((JSON.parse(fork.stdout) as ForkResult).lineage.parent_session_id).toBe(agentId);
  });

  it.each(steering(agentId))('session %s says the handoff drives it', async (...args) => {
    expectOneLineRefusal(
      await cli('session', ...args),
      new RegExp(
        `^baton: ${agentId} is the session of agent spec-builder in handoff ${handoffId}: the handoff drives it, ` +
          `so \`baton session ${args[0]}\` does not apply\\. See it with \`baton handoff status ${handoffId}\`, ` +
          `or \`baton session fork ${agentId}\``,
      ),
    );
  });
});
