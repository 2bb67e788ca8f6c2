/**
 * Branching through the CLI: the status a command prints is the status after it finished (not
 * `busy` from inside its own lock), `merge --close-others` closes an exploration's other forks, and
 * `session list` hides forks that have closed unless asked (`--all`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  ExploreResult,
  MergeOutcome,
  RestoreResult,
  ResumeResult,
  SessionListEntry,
  SessionStatusWithLink,
} from '../../src/client';
import type { CheckpointRecord } from '../../src/domain/session';
import { cliJson, runCli } from '../support/run-cli';
import { startTestEnvironment, type TestEnvironment } from '../support/test-environment';
import { uniqueId } from '../support/unique-id';

let env: TestEnvironment;
const cli = (...argv: string[]) => runCli(argv, env.cliEnv);

async function json<T>(...argv: string[]): Promise<T> {
  const r = await cli(...argv, '--json');
  expect(r.code, r.stderr).toBe(0);
  return cliJson<T>(r.stdout);
}

/** Sessions as `session list` shows them (visibility lags a little behind, so callers poll). */
const listed = async (...flags: string[]) =>
  (await json<SessionListEntry[]>('session', 'list', '--limit', '1000', ...flags)).map((r) => r.session_id);

beforeAll(async () => {
  env = await startTestEnvironment();
});
afterAll(async () => {
  await env?.teardown();
});

describe('status printed by the commands that change a session', () => {
  it('merge, restore and resume print the status after they finished', async () => {
    const main = uniqueId('br-status');
    await json('session', 'start', 'Plan the cache', '--id', main);
    await json('session', 'send', main, 'First idea');
    await json('session', 'checkpoint', main, '--name', 'start');
    const fork = `${main}-fork`;
    await json('session', 'fork', main, '--id', fork);
    await json('session', 'send', fork, 'Decision: use Redis');

    const merged = await json<MergeOutcome>('session', 'merge', main, fork);
    expect(merged.merge.strategy).toBe('fast-forward');
    expect(merged.status.status).toBe('available');
    const human = await cli('session', 'merge', main, fork, '--strategy', 'summary');
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(new RegExp(`Session ${main} · available · `));

    const restored = await json<RestoreResult>('session', 'restore', main, 'start');
    expect(restored.status.status).toBe('available');

    const resumedFrom = await json<ResumeResult>('session', 'resume', main, '--from', 'start');
    expect(resumedFrom.status.status).toBe('available');

    // With a message: the status reflects the turn it ran (budget and totals), not the one before.
    const resumed = await json<ResumeResult>('session', 'resume', main, 'Where were we?');
    expect(resumed.reply?.turn).toBe(resumed.status.turns);
    expect(resumed.status).toMatchObject({
      status: 'available',
      head: resumed.reply!.head,
      tokens_used: resumed.reply!.token_budget.used,
    });
    const now = await json<SessionStatusWithLink>('session', 'status', main);
    expect(resumed.status.cumulative).toEqual(now.cumulative);
  });
});

describe('explore, then merge --close-others', () => {
  it('closes the forks that were not merged, and list hides them unless --all', async () => {
    const main = uniqueId('br-explore');
    await json('session', 'start', 'Choose a cache', '--id', main);
    await json('session', 'send', main, 'What are the options?');
    const explored = await json<ExploreResult>(
      'session',
      'explore',
      main,
      'Use Redis',
      'Use memcached',
      'Use nothing',
    );
    const forks = explored.variants.map((v) => v.session_id);
    expect(forks).toHaveLength(3);
    const [chosen, ...others] = forks as [string, ...string[]];
    await expect.poll(() => listed(), { timeout: 15_000 }).toEqual(expect.arrayContaining(forks));

    const merged = await json<MergeOutcome>('session', 'merge', main, chosen, '--close-others');
    expect(merged.status.status).toBe('available');
    expect(merged.merge.fork_session_id).toBe(chosen);
    expect([...merged.closed_forks!].sort()).toEqual([...others].sort());
    for (const id of others) {
      expect(await json<SessionStatusWithLink>('session', 'status', id)).toMatchObject({
        status: 'closed',
        execution_status: 'COMPLETED',
      });
    }
    // The merged fork and the main session carry on.
    expect((await json<SessionStatusWithLink>('session', 'status', chosen)).status).toBe('available');

    // list: closed forks hidden by default, shown with --all.
    await expect
      .poll(async () => (await listed()).filter((id) => forks.includes(id) || id === main), {
        timeout: 15_000,
      })
      .toEqual(expect.arrayContaining([main, chosen]));
    await expect
      .poll(async () => (await listed()).filter((id) => others.includes(id)), { timeout: 15_000 })
      .toEqual([]);
    await expect.poll(() => listed('--all'), { timeout: 15_000 }).toEqual(expect.arrayContaining(forks));
    const human = await cli('session', 'list');
    expect(human.stdout).toContain(chosen);
    expect(human.stdout).not.toContain(others[0]);

    // A second merge from the same exploration finds the others closed already.
    const again = await cli('session', 'merge', main, chosen, '--close-others', '--strategy', 'summary');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('The other forks were closed already.');
  });

  it('refuses --close-others for a fork that explore did not make, and merges nothing', async () => {
    const main = uniqueId('br-plain');
    await json('session', 'start', 'Plain fork', '--id', main);
    await json('session', 'send', main, 'Hello');
    const fork = `${main}-fork`;
    await json('session', 'fork', main, '--id', fork);
    await json('session', 'send', fork, 'Work on the fork');
    const before = await json<CheckpointRecord[]>('session', 'checkpoints', main);

    const r = await cli('session', 'merge', main, fork, '--close-others');
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      `baton: ${fork} was not made by \`baton session explore\`, so it has no other forks to close; ` +
        'merge without --close-others, and close sessions with `baton session close <id>`.',
    );
    const status = await json<SessionStatusWithLink>('session', 'status', main);
    expect(status.merges).toEqual([]);
    expect(await json<CheckpointRecord[]>('session', 'checkpoints', main)).toEqual(before);
  });
});
