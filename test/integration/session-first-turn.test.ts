/**
 * A session started with its first message sends its task with that message (one step fewer
 * before the reply). When that first turn fails, the task must not be lost: the session still
 * starts with it on the next turn, and after a resume of the closed session.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionRequestError } from '../../src/client';
import { startTestEnvironment, type TestEnvironment } from '../support/test-environment';
import { uniqueId } from '../support/unique-id';

let env: TestEnvironment;
beforeAll(async () => {
  env = await startTestEnvironment();
});
afterAll(async () => {
  await env?.teardown();
});

/** The text of each message of the session's conversation, oldest first. */
async function conversation(sessionId: string): Promise<string[]> {
  const bundle = await env.baton.sessions.export(sessionId);
  return bundle.nodes.map((n) => n.content.map((b) => (typeof b.text === 'string' ? b.text : '')).join(''));
}

describe('a session whose first turn failed', () => {
  it('still starts with its task after a resume', async () => {
    const id = uniqueId('sess-first');
    const task = `Keep this task: ${id}`;
    env.model.injectFaults([{ kind: 'http', status: 400, message: 'messages: bad block', match: 'doomed' }]);
    const failed = await env.baton.sessions
      .start({ id, task, message: 'A doomed first message' })
      .catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(SessionRequestError);
    expect((await env.baton.sessions.status(id)).turns).toBe(0);
    await env.baton.sessions.close(id);

    const resumed = await env.baton.sessions.resume(id, { message: 'Second try' });
    expect(resumed.reply?.turn).toBe(1);
    const texts = await conversation(id);
    // The task once, first, then the message that succeeded and its reply.
    expect(texts.filter((t) => t.includes(task))).toHaveLength(1);
    expect(texts[0]).toContain(task);
    expect(texts.findIndex((t) => t.includes('Second try'))).toBeGreaterThan(0);
    expect(texts.some((t) => t.includes('doomed'))).toBe(false);
  });

  it('still starts with its task on the next turn of the same run', async () => {
    const id = uniqueId('sess-first');
    const task = `Keep this task too: ${id}`;
    env.model.injectFaults([{ kind: 'http', status: 400, message: 'messages: bad block', match: 'doomed' }]);
    await expect(env.baton.sessions.start({ id, task, message: 'Another doomed message' })).rejects.toThrow(
      SessionRequestError,
    );
    const ok = await env.baton.sessions.send(id, 'Next message');
    expect(ok.turn).toBe(1);
    const texts = await conversation(id);
    expect(texts[0]).toContain(task);
    expect(texts.filter((t) => t.includes(task))).toHaveLength(1);
  });
});
