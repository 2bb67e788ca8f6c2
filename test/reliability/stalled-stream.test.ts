import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestEnvironment, type TestEnvironment } from '../support/test-environment';

let env: TestEnvironment;
beforeAll(async () => {
  // A short watchdog so the test does not wait the default two minutes.
  env = await startTestEnvironment({ streamIdleTimeoutMs: 1_500, heartbeatIntervalMs: 250 });
});
afterAll(async () => {
  await env?.teardown();
});

it('abandons a stream that goes silent after its headers, retries, and answers', async () => {
  const { session_id } = await env.baton.sessions.start({ task: 'stalled stream' });
  env.model.clearRequests();
  env.model.injectFaults([{ kind: 'stall_stream', match: 'quiet please' }]);
  // Without the watchdog this send would wait for the 10-minute start-to-close timeout, far past
  // the test's own timeout: that it answers at all shows the stalled call was abandoned.
  const reply = await env.baton.sessions.send(session_id, 'quiet please');
  expect(reply.reply).toContain('quiet please');
  const calls = env.model.requests.filter((r) => r.path === '/v1/messages');
  // The stalled call (abandoned by the client) and the retry that answered.
  expect(calls.map((r) => r.fault)).toEqual(['stall_stream', null]);
  expect(calls.at(-1)?.status).toBe(200);
});
