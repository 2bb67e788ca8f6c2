/**
 * Resuming a closed session that has a workspace, through the real dev server, git and
 * bubblewrap: the new run works on the same folder, and `--from` a checkpoint puts that
 * checkpoint's files back as well as its conversation; an export notes the folder, and an import
 * says the files did not come along.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseOfflineScript } from '../../src/model';
import { ensureBubblewrap } from '../support/bubblewrap';
import { startTestEnvironment, type TestEnvironment } from '../support/test-environment';
import { uniqueId } from '../support/unique-id';

let env: TestEnvironment;
let base: string;

beforeAll(async () => {
  await ensureBubblewrap();
  env = await startTestEnvironment({ workspaces: true });
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-ws-resume-'));
}, 120_000);

afterAll(async () => {
  await env?.teardown();
  if (base) fs.rmSync(base, { recursive: true, force: true });
});

const write = (text: string) => ({
  name: 'str_replace_based_edit_tool',
  input: { command: 'create', path: 'notes.txt', file_text: text },
});

/** Writes the note ("first draft" / "second draft") and reads it back with a command. */
function noteScript() {
  return parseOfflineScript({
    format: 'baton.offline-script',
    version: 1,
    steps: [
      {
        when: { match: 'first draft' },
        replies: [{ text: 'Writing.', tool_calls: [write('first draft\n')] }, { text: 'Written.' }],
      },
      {
        when: { match: 'second draft' },
        replies: [{ text: 'Rewriting.', tool_calls: [write('second draft\n')] }, { text: 'Rewritten.' }],
      },
      {
        when: { match: 'read the note' },
        replies: [
          { text: 'Reading.', tool_calls: [{ name: 'bash', input: { command: 'pwd && cat notes.txt' } }] },
          { text: 'It says: {{tool_result}}' },
        ],
      },
    ],
  });
}

describe('resuming a session with a workspace', () => {
  it('works on the same folder, and --from a checkpoint puts its files back too', async () => {
    env.model.setScript(noteScript());
    const dir = path.join(base, uniqueId('notes'));
    fs.mkdirSync(dir);
    const { session_id } = await env.baton.sessions.start({ workspace: { path: dir } });
    await env.baton.sessions.send(session_id, 'Write the first draft');
    await env.baton.sessions.checkpoint(session_id, { name: 'first' });
    await env.baton.sessions.send(session_id, 'Now the second draft');
    await env.baton.sessions.close(session_id);

    // Resumed with a message: the command runs in the session's folder, on the files it left.
    const resumed = await env.baton.sessions.resume(session_id, { message: 'Please read the note' });
    expect(resumed.resumed).toBe(true);
    expect(resumed.reply?.reply).toContain('second draft');
    expect(resumed.reply?.reply).toContain(fs.realpathSync(dir));
    expect(resumed.status.workspace?.path).toBe(fs.realpathSync(dir));
    await env.baton.sessions.close(session_id);

    // Resumed from the checkpoint: the conversation and the files are as they were there.
    const back = await env.baton.sessions.resume(session_id, { from: 'first' });
    expect(back.resumed).toBe(true);
    expect(back.resumed_from?.previous_run_id).toBe(resumed.status.run_id);
    expect(fs.readFileSync(path.join(dir, 'notes.txt'), 'utf8')).toBe('first draft\n');
    const checkpoints = await env.baton.sessions.checkpoints(session_id);
    const first = checkpoints.find((c) => c.name === 'first')!;
    expect(back.status.head).toBe(first.head);
  });

  it('refuses an unknown checkpoint and leaves the closed session as it was', async () => {
    env.model.setScript(noteScript());
    const dir = path.join(base, uniqueId('notes-bad'));
    fs.mkdirSync(dir);
    const { session_id } = await env.baton.sessions.start({ workspace: { path: dir } });
    await env.baton.sessions.send(session_id, 'Write the first draft');
    const closed = await env.baton.sessions.close(session_id);
    await expect(env.baton.sessions.resume(session_id, { from: 'nowhere' })).rejects.toThrow(/nowhere/);
    const after = await env.baton.sessions.status(session_id);
    expect(after.run_id).toBe(closed.run_id);
    expect(fs.readFileSync(path.join(dir, 'notes.txt'), 'utf8')).toBe('first draft\n');
  });

  it('exports with a note of its folder, and an import says the files did not come along', async () => {
    env.model.setScript(noteScript());
    const dir = path.join(base, uniqueId('notes-export'));
    fs.mkdirSync(dir);
    const { session_id } = await env.baton.sessions.start({ workspace: { path: dir } });
    await env.baton.sessions.send(session_id, 'Write the first draft');
    const bundle = await env.baton.sessions.export(session_id);
    expect(bundle.session.workspace?.path).toBe(fs.realpathSync(dir));

    const imported = await env.baton.sessions.import(bundle, { id: uniqueId('imported') });
    expect(imported.warnings).toEqual([
      expect.stringContaining(`worked in the folder ${fs.realpathSync(dir)}`),
    ]);
    expect(imported.warnings?.[0]).toMatch(/no workspace.*--workspace/);
    expect(imported.status.workspace).toBeUndefined();
    expect(imported.status.head).toBe(bundle.head);

    // A bundle of a session without a folder imports without the warning.
    const { workspace: _folder, ...withoutFolder } = bundle.session;
    const plain = await env.baton.sessions.import(
      { ...bundle, session: withoutFolder },
      { id: uniqueId('imported-plain') },
    );
    expect(plain.warnings).toBeUndefined();
  });
});
