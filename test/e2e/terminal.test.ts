/**
 * `baton chat` and `baton session send` in a real terminal (tmux): replies stream onto the screen,
 * slash commands work, Ctrl-C cancels the turn in progress and the session stays usable, input
 * history comes back with the up arrow (also in the next chat), and `baton session cancel` from
 * another terminal stops a send.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli';
import { startTestEnvironment, type TestEnvironment } from '../support/test-environment';
import { ensureTmux, TmuxTerminal } from '../support/tmux-terminal';

const BIN = path.join(__dirname, '..', '..', 'bin', 'baton.js');
let env: TestEnvironment;
let home: string;
const terminals: TmuxTerminal[] = [];

beforeAll(async () => {
  await ensureTmux();
  env = await startTestEnvironment();
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-terminal-'));
});
afterEach(async () => {
  await Promise.all(terminals.splice(0).map((t) => t.close()));
});
afterAll(async () => {
  await env?.teardown();
  if (home) fs.rmSync(home, { recursive: true, force: true });
});

async function terminal(args: string[]): Promise<TmuxTerminal> {
  const t = await TmuxTerminal.start([process.execPath, BIN, ...args], {
    ...env.cliEnv,
    BATON_HOME: home,
    PATH: process.env.PATH,
    HOME: process.env.HOME,
  });
  terminals.push(t);
  return t;
}

async function newSession(): Promise<string> {
  const { session_id } = await env.baton.sessions.start({
    id: `term-${randomUUID().slice(0, 8)}`,
    task: 'A chat in a terminal',
  });
  return session_id;
}

describe('baton chat', () => {
  it('streams replies, runs slash commands, cancels with Ctrl-C and keeps input history', async () => {
    const id = await newSession();
    const chat = await terminal(['chat', id]);
    await chat.waitFor(`Chatting with ${id} (claude-sonnet-4-6)`);
    await chat.waitFor(/you › ?$/m);

    // A reply that takes a few seconds to write shows on screen before it is finished.
    await chat.line('Hello from the terminal [[reply_tokens=120]] [[pace_ms=100]]');
    const partial = await chat.waitFor('Offline reply to turn 1');
    expect(partial).not.toContain('── turn 1 ·');
    const done = await chat.waitFor(
      /── turn 1 · [\d,]+ in \/ 120 out · \$\d\.\d{4} · context .* available\nyou › ?$/m,
    );
    expect(done).toContain('"Hello from the terminal"');

    await chat.line('/checkpoint before-detour');
    await chat.waitFor(/Checkpoint before-detour \(cp_[0-9a-f]+\) at/);
    await chat.line('/checkpoints');
    await chat.waitFor(/cp_[0-9a-f]+ +before-detour +manual +1 /);
    await chat.line('/cost');
    await chat.waitFor(/tokens · \$\d\.\d{4} over 1 turn\(s\)\ncontext [\d,]+ \/ 200,000 tokens/);
    await chat.line('/status');
    await chat.waitFor(`Session ${id} · available · claude-sonnet-4-6`);

    // Ctrl-C while the model writes: the turn is cancelled and the prompt comes back.
    await chat.line('Write slowly [[reply_tokens=600]] [[pace_ms=300]]');
    await chat.waitFor('Offline reply to turn 2');
    await chat.press('C-c');
    await chat.waitFor(/\(Turn 2 was cancelled; the session is as it was before it\.\)\nyou › ?$/m);
    const afterCancel = await env.baton.sessions.status(id);
    expect(afterCancel).toMatchObject({ status: 'available', turns: 1 });

    // The session is usable: the next message is turn 2.
    await chat.line('Still there?');
    await chat.waitFor(/"Still there\?"\n\n── turn 2 · /);
    await chat.line('/restore before-detour');
    await chat.waitFor(/Restored to before-detour: context .*\nundo: \/restore cp_[0-9a-f]+/);
    expect((await env.baton.sessions.status(id)).head).toBe(afterCancel.head);

    // Up recalls the last line typed.
    await chat.press('Up');
    await chat.waitFor(/you › \/restore before-detour *$/m);
    await chat.press('C-u');

    await chat.line('/fork');
    const forked = await chat.waitFor(/Forked \S+ → (\S+); now chatting in the fork/);
    const forkId = /Forked \S+ → (\S+);/.exec(forked)![1]!;
    await chat.line('In the fork.');
    // The fork counts its own turns.
    await chat.waitFor(/"In the fork\."\n\n── turn 1 · /);
    expect((await env.baton.sessions.status(forkId)).lineage?.parent_session_id).toBe(id);
    expect((await env.baton.sessions.status(id)).turns).toBe(2);

    await chat.line('/nonsense');
    await chat.waitFor('error: Unknown command /nonsense. /help lists the commands.');
    await chat.line('/exit');
    await chat.waitFor(`Left ${forkId}. Continue with: baton chat ${forkId}`);
    await expect.poll(() => chat.exitStatus()).toBe(0);

    // The history is kept for the next chat.
    const again = await terminal(['chat', id]);
    await again.waitFor(/you › ?$/m);
    await again.press('Up');
    await again.waitFor(/you › \/exit *$/m);
    await again.press('C-u');
    await again.press('C-d');
    await expect.poll(() => again.exitStatus()).toBe(0);
  });

  it('starts a new session when given no id', async () => {
    const chat = await terminal(['chat', '--model', 'claude-haiku-4-5']);
    const screen = await chat.waitFor(/Started session (sess_[0-9a-f]+) · http/);
    const id = /Started session (sess_[0-9a-f]+)/.exec(screen)![1]!;
    await chat.waitFor(`Chatting with ${id} (claude-haiku-4-5)`);
    await chat.line('Hi.');
    await chat.waitFor(/── turn 1 · /);
    await chat.press('C-d');
    await expect.poll(() => chat.exitStatus()).toBe(0);
    expect((await env.baton.sessions.status(id)).turns).toBe(1);
  });
});

describe('baton session send in a terminal', () => {
  it('is stopped by `baton session cancel` from elsewhere, or by Ctrl-C, exiting 130', async () => {
    const id = await newSession();
    const send = await terminal(['session', 'send', id, 'Long reply [[reply_tokens=600]] [[pace_ms=300]]']);
    await send.waitFor('Offline reply to turn 1');
    const cancel = await runCli(['session', 'cancel', id], env.cliEnv);
    expect(cancel).toMatchObject({ code: 0, stderr: '' });
    expect(cancel.stdout).toBe(`Cancelled turn 1 of ${id}; the session is as it was before it.\n`);
    await send.waitFor('baton: Turn 1 was cancelled; the session is as it was before it.');
    await expect.poll(() => send.exitStatus()).toBe(130);

    const interrupted = await terminal([
      'session',
      'send',
      id,
      'Another long one [[reply_tokens=600]] [[pace_ms=300]]',
    ]);
    await interrupted.waitFor('Offline reply to turn 1');
    await interrupted.press('C-c');
    await interrupted.waitFor('baton: Turn 1 was cancelled; the session is as it was before it.');
    await expect.poll(() => interrupted.exitStatus()).toBe(130);
    expect((await env.baton.sessions.status(id)).turns).toBe(0);
  });
});
