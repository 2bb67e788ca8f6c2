import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  InvalidInputError,
  SessionExistsError,
  SessionNotFoundError,
  SessionRequestError,
} from '../../src/client';
import { textOf } from '../../src/domain/session';
import { runCli } from '../support/run-cli';
import { startTestEnvironment, type TestEnvironment } from '../support/test-environment';
import { uniqueId } from '../support/unique-id';

let env: TestEnvironment;
beforeAll(async () => {
  env = await startTestEnvironment();
});
afterAll(async () => {
  await env?.teardown();
});

async function contextOf(head: string | null): Promise<string> {
  if (!head) return '';
  return (await env.store.path(head)).map((n) => textOf(n.content)).join('\n');
}

async function exists(id: string): Promise<boolean> {
  return env.baton.temporal.workflow
    .getHandle(id)
    .describe()
    .then(
      () => true,
      () => false,
    );
}

describe('checkpoints and restore', () => {
  it('restores head and budget, keeps later messages reachable, and can be undone', async () => {
    const { session_id } = await env.baton.sessions.start({ task: 'restore me' });
    await env.baton.sessions.send(session_id, 'first');
    const cp = await env.baton.sessions.checkpoint(session_id, { name: 'after-first' });
    expect(cp).toMatchObject({ name: 'after-first', reason: 'manual', turns: 1 });
    expect(cp.event_id).toBeGreaterThan(0);
    await env.baton.sessions.send(session_id, 'second, to be rewound');
    const before = await env.baton.sessions.status(session_id);

    const restored = await env.baton.sessions.restore(session_id, 'after-first');
    expect(restored.status.head).toBe(cp.head);
    expect(restored.status.tokens_used).toBe(cp.context_tokens);
    expect(await contextOf(restored.status.head)).not.toContain('second, to be rewound');
    // The rewound message is still reachable from the checkpoint taken before the restore.
    expect(restored.undo_checkpoint.head).toBe(before.head);
    expect(await contextOf(restored.undo_checkpoint.head)).toContain('second, to be rewound');

    const undone = await env.baton.sessions.restore(session_id, restored.undo_checkpoint.checkpoint_id);
    expect(undone.status.head).toBe(before.head);
    expect(undone.status.tokens_used).toBe(before.tokens_used);
    const next = await env.baton.sessions.send(session_id, 'third');
    expect(await contextOf(next.head)).toContain('second, to be rewound');
  });

  it("refuses another session's checkpoint and unknown ones, changing nothing", async () => {
    const a = await env.baton.sessions.start({ task: 'a' });
    const b = await env.baton.sessions.start({ task: 'b' });
    await env.baton.sessions.send(a.session_id, 'hello a');
    const cpA = await env.baton.sessions.checkpoint(a.session_id);
    await env.baton.sessions.send(b.session_id, 'hello b');
    const before = await env.baton.sessions.status(b.session_id);
    await expect(env.baton.sessions.restore(b.session_id, cpA.checkpoint_id)).rejects.toThrow(
      new RegExp(`No checkpoint '${cpA.checkpoint_id}' in session ${b.session_id}`),
    );
    await expect(env.baton.sessions.restore(b.session_id, 'nope')).rejects.toThrow(SessionRequestError);
    const after = await env.baton.sessions.status(b.session_id);
    expect(after.head).toBe(before.head);
    expect(after.checkpoints).toBe(before.checkpoints);
  });

  it('lists checkpoints across rollovers, and restores and forks a session that rolled over', async () => {
    const { session_id } = await env.baton.sessions.start({
      task: 'rolls over',
      model: 'baton-small-8k',
      settings: { rollover_history_events: 100 },
    });
    await env.baton.sessions.send(session_id, 'Decision: keep the first run in mind.');
    const early = await env.baton.sessions.checkpoint(session_id, { name: 'early' });
    for (let i = 0; i < 14; i++) await env.baton.sessions.send(session_id, `turn ${i}`);
    const status = await env.baton.sessions.status(session_id);
    expect(status.rollovers.length).toBeGreaterThanOrEqual(1);
    const late = await env.baton.sessions.checkpoint(session_id, { name: 'late' });
    expect(late.run_id).toBe(status.run_id);
    expect(late.run_id).not.toBe(early.run_id);
    const checkpoints = await env.baton.sessions.checkpoints(session_id);
    expect(new Set(checkpoints.map((c) => c.run_id)).size).toBeGreaterThanOrEqual(2);
    expect(checkpoints.find((c) => c.name === 'early')?.run_id).toBe(early.run_id);
    expect(checkpoints.every((c) => c.event_id > 0)).toBe(true);

    const fork = await env.baton.sessions.fork(session_id, { at: 'early' });
    expect(fork.status.head).toBe(early.head);
    const restored = await env.baton.sessions.restore(session_id, 'early');
    expect(restored.status.head).toBe(early.head);
    expect(await contextOf(restored.status.head)).toContain('Decision: keep the first run in mind.');
  });
});

describe('resume', () => {
  it('starts a closed session again from its last head, in a new run under the same id', async () => {
    const { session_id, run_id } = await env.baton.sessions.start({ task: 'resume after close' });
    await env.baton.sessions.send(session_id, 'before closing');
    await env.baton.sessions.close(session_id);
    const closed = await env.baton.sessions.status(session_id);
    expect(closed).toMatchObject({ status: 'closed', resumable: true, execution_status: 'COMPLETED' });
    expect(closed.tokens_available).toBeGreaterThan(0);

    const resumed = await env.baton.sessions.resume(session_id, { message: 'after resuming' });
    expect(resumed.resumed).toBe(true);
    expect(resumed.run_id).not.toBe(run_id);
    expect(resumed.resumed_from?.previous_run_id).toBe(run_id);
    expect(resumed.reply?.turn).toBe(2);
    const status = await env.baton.sessions.status(session_id);
    expect(status).toMatchObject({ status: 'available', resumable: false, turns: 2 });
    expect(status.previous_runs).toContain(run_id);
    expect(status.cumulative.input_tokens).toBeGreaterThan(closed.cumulative.input_tokens);
    expect(await contextOf(status.head)).toContain('before closing');
  });

  it('resumes a terminated session from a checkpoint', async () => {
    const { session_id } = await env.baton.sessions.start({ task: 'resume after terminate' });
    await env.baton.sessions.send(session_id, 'kept');
    const cp = await env.baton.sessions.checkpoint(session_id, { name: 'kept' });
    await env.baton.sessions.send(session_id, 'dropped by the resume');
    await env.baton.temporal.workflow.getHandle(session_id).terminate('operator stopped it');
    expect((await env.baton.sessions.status(session_id)).resumable).toBe(true);
    const resumed = await env.baton.sessions.resume(session_id, { from: 'kept' });
    expect(resumed.resumed_from?.checkpoint_id).toBe(cp.checkpoint_id);
    expect(resumed.status.head).toBe(cp.head);
    expect(resumed.status.tokens_used).toBe(cp.context_tokens);
  });

  it('just continues a running session', async () => {
    const { session_id, run_id } = await env.baton.sessions.start({ task: 'running' });
    const resumed = await env.baton.sessions.resume(session_id, { message: 'hi' });
    expect(resumed).toMatchObject({ resumed: false, run_id });
    expect(resumed.reply?.turn).toBe(1);
  });
});

describe('fork, explore and merge', () => {
  it('forks at the head with lineage in both sessions, and refuses bad forks', async () => {
    const parentId = uniqueId('fork-parent');
    const childId = uniqueId('fork-child');
    const parent = await env.baton.sessions.start({ task: 'parent task', id: parentId });
    await env.baton.sessions.send(parent.session_id, 'shared history');
    const fork = await env.baton.sessions.fork(parent.session_id, { id: childId });
    const parentStatus = await env.baton.sessions.status(parent.session_id);
    expect(fork.lineage).toEqual({ parent_session_id: parentId, fork_head: parentStatus.head });
    expect(fork.status.lineage?.parent_session_id).toBe(parentId);
    expect(fork.status.tokens_used).toBeGreaterThan(0);
    // The parent finds its forks through visibility, which lists the fork a moment after it starts.
    await expect
      .poll(async () => (await env.baton.sessions.status(parentId)).forks, { timeout: 30_000 })
      .toContain(childId);

    await expect(env.baton.sessions.fork(parentId, { id: childId })).rejects.toThrow(SessionExistsError);
    await expect(env.baton.sessions.fork(uniqueId('no-such-session'))).rejects.toThrow(SessionNotFoundError);
    await expect(env.baton.sessions.fork(parentId, { id: 'bad/id' })).rejects.toThrow(InvalidInputError);
    await expect(env.baton.sessions.fork(parentId, { at: 'missing-cp' })).rejects.toThrow(
      /No checkpoint 'missing-cp'/,
    );
  });

  it('explores variants in parallel forks and compares them', async () => {
    const { session_id } = await env.baton.sessions.start({ task: 'pick a cache' });
    await env.baton.sessions.send(session_id, 'We need a cache.');
    const result = await env.baton.sessions.explore(session_id, [
      'Use Redis',
      'Use memcached',
      'Use an LRU in process',
    ]);
    expect(result.variants).toHaveLength(3);
    for (const v of result.variants) {
      expect(v.error).toBeUndefined();
      expect(v.reply).toContain(v.variant);
      expect(v.usage.input_tokens).toBeGreaterThan(0);
      expect(v.token_budget.used).toBeGreaterThan(0);
      expect((await env.baton.sessions.status(v.session_id)).lineage?.parent_session_id).toBe(session_id);
    }
    expect(new Set(result.variants.map((v) => v.session_id)).size).toBe(3);
  });

  it('fast-forwards when main has not moved, and summarizes when both moved', async () => {
    const [mainId, ffId, sumId] = [uniqueId('merge-main'), uniqueId('merge-ff'), uniqueId('merge-sum')];
    const main = await env.baton.sessions.start({ task: 'merge target', id: mainId });
    await env.baton.sessions.send(mainId, 'common ground');
    await env.baton.sessions.fork(mainId, { id: ffId });
    const forkReply = await env.baton.sessions.send(ffId, 'work on the fork');
    const ff = await env.baton.sessions.merge(mainId, ffId);
    expect(ff.merge.strategy).toBe('fast-forward');
    expect(ff.status.head).toBe(forkReply.head);

    await env.baton.sessions.fork(mainId, { id: sumId });
    await env.baton.sessions.send(sumId, 'Decision: the fork chose gRPC.');
    await env.baton.sessions.send(mainId, 'main moved on meanwhile');
    await expect(env.baton.sessions.merge(mainId, sumId, { strategy: 'fast-forward' })).rejects.toThrow(
      new RegExp(`Cannot fast-forward ${mainId}: it has moved on`),
    );
    const summary = await env.baton.sessions.merge(mainId, sumId);
    expect(summary.merge.strategy).toBe('summary');
    const text = await contextOf(summary.status.head);
    expect(text).toContain(`[Merged from session ${sumId}`);
    expect(text).toContain('Decision: the fork chose gRPC.');
    expect(text).toContain('main moved on meanwhile');
    expect(summary.status.merges.map((m) => m.fork_session_id)).toEqual([ffId, sumId]);
    expect(main.session_id).toBe(mainId);
  });

  it('refuses to merge a session with itself or with one that shares no history', async () => {
    const a = await env.baton.sessions.start({ task: 'unrelated a' });
    const b = await env.baton.sessions.start({ task: 'unrelated b' });
    await env.baton.sessions.send(a.session_id, 'x');
    await env.baton.sessions.send(b.session_id, 'y');
    const before = await env.baton.sessions.status(a.session_id);
    await expect(env.baton.sessions.merge(a.session_id, a.session_id)).rejects.toThrow(/with itself/);
    await expect(env.baton.sessions.merge(a.session_id, b.session_id)).rejects.toThrow(/share no history/);
    const after = await env.baton.sessions.status(a.session_id);
    expect(after.head).toBe(before.head);
    expect(after.merges).toEqual([]);
  });
});

describe('export and import', () => {
  it('round-trips a session through a bundle under a new id', async () => {
    const { session_id } = await env.baton.sessions.start({ task: 'export me', system: 'Be brief.' });
    await env.baton.sessions.send(session_id, 'Decision: ship it.');
    await env.baton.sessions.checkpoint(session_id, { name: 'shipped' });
    const bundle = await env.baton.sessions.export(session_id);
    expect(bundle).toMatchObject({ format: 'baton.session-bundle', version: 1, turns: 1 });
    expect(JSON.stringify(bundle)).not.toMatch(/offline-test-key|sk-ant/);

    const imported = await env.baton.sessions.import(JSON.parse(JSON.stringify(bundle)) as unknown, {
      id: `${session_id}-copy`,
    });
    const original = await env.baton.sessions.status(session_id);
    const copy = await env.baton.sessions.status(imported.session_id);
    expect(copy).toMatchObject({
      head: original.head,
      turns: 1,
      tokens_used: original.tokens_used,
      model: original.model,
    });
    expect(copy.cumulative).toEqual(original.cumulative);
    expect((await env.baton.sessions.checkpoints(imported.session_id)).map((c) => c.name)).toContain(
      'shipped',
    );
    expect((await env.baton.sessions.send(imported.session_id, 'continue')).turn).toBe(2);
  });

  it('rejects truncated, tampered, unknown-version bundles and taken ids, creating nothing', async () => {
    const { session_id } = await env.baton.sessions.start({ task: 'bundle checks' });
    await env.baton.sessions.send(session_id, 'payload');
    const bundle = await env.baton.sessions.export(session_id);
    const clone = () => JSON.parse(JSON.stringify(bundle)) as typeof bundle;
    const ids = {
      tampered: uniqueId('imp-tampered'),
      truncated: uniqueId('imp-truncated'),
      version: uniqueId('imp-version'),
      shape: uniqueId('imp-shape'),
    };

    const tampered = clone();
    (tampered.nodes.at(-1)!.content[0] as { text: string }).text = 'something else';
    await expect(env.baton.sessions.import(tampered, { id: ids.tampered })).rejects.toThrow(
      /does not match its hash/,
    );
    const truncated = clone();
    truncated.nodes.splice(0, 1);
    await expect(env.baton.sessions.import(truncated, { id: ids.truncated })).rejects.toThrow(
      /parent that is not in the bundle/,
    );
    await expect(env.baton.sessions.import({ ...clone(), version: 7 }, { id: ids.version })).rejects.toThrow(
      /Unknown bundle version 7: this baton reads version 1/,
    );
    await expect(env.baton.sessions.import({ hello: 'world' }, { id: ids.shape })).rejects.toThrow(
      /Not a valid baton session bundle/,
    );
    await expect(env.baton.sessions.import(clone())).rejects.toThrow(SessionExistsError);
    for (const id of Object.values(ids)) expect(await exists(id)).toBe(false);
  });

  it('works from the CLI, and a truncated file gets a clear error', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-bundle-'));
    const file = path.join(dir, 'session.json');
    const [exportedId, importedId, brokenId] = [
      uniqueId('cli-exported'),
      uniqueId('cli-imported'),
      uniqueId('cli-broken'),
    ];
    const start = await runCli(['session', 'start', 'cli export', '--id', exportedId], env.cliEnv);
    expect(start.code).toBe(0);
    await runCli(['session', 'send', exportedId, 'hello'], env.cliEnv);
    // The CLI opens the worker's store through BATON_STORE_URL.
    const cliEnv = { ...env.cliEnv, BATON_STORE_URL: `file:${env.storeDir}` };
    const exported = await runCli(['session', 'export', exportedId, '--out', file], cliEnv);
    expect(exported.code).toBe(0);
    const imported = await runCli(['session', 'import', file, '--id', importedId, '--json'], cliEnv);
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({ session_id: importedId });

    const text = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, text.slice(0, Math.floor(text.length / 2)));
    const broken = await runCli(['session', 'import', file, '--id', brokenId], cliEnv);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/is not valid JSON .*cut short/);
    expect(await exists(brokenId)).toBe(false);
    fs.rmSync(dir, { recursive: true, force: true });

    const merge = await runCli(['session', 'merge', exportedId, exportedId], cliEnv);
    expect(merge.code).toBe(1);
    expect(merge.stderr).toMatch(new RegExp(`Cannot merge session ${exportedId} with itself`));
  });
});
