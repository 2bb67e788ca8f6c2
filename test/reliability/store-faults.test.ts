/**
 * A conversation node damaged or lost on disk: the next turn that needs it fails with an error
 * naming the node, nothing reaches the model, the session keeps its state, and once the file is
 * back the session works again.
 *
 * The worker's store keeps a single node in memory here, so reads go to disk as they do on a
 * worker that has just started or serves more conversations than its cache holds (a worker that
 * still has the node cached keeps using its verified copy, which is also correct).
 *
 * Store errors are retried by the model activity's retry policy (six attempts, 1 + 2 + 4 + 8 + 16
 * s of backoff) before the turn fails, so each case takes about 31 s; the two run concurrently.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, inject, it } from 'vitest';
import { SessionRequestError } from '../../src/client';
import type { StoredNode } from '../../src/domain/session';
import {
  modelCalls,
  readStore,
  startInProcessStack,
  userTexts,
  type InProcessStack,
} from '../support/reliability-harness';

const STORE_FAULT_TIMEOUT_MS = 90_000;

let stack: InProcessStack;
beforeAll(async () => {
  stack = await startInProcessStack({
    address: inject('temporalAddress'),
    workflowBundlePath: inject('workflowBundlePath'),
    label: 'store',
    storeCache: { nodeCacheSize: 1, pathCacheNodes: 1 },
  });
});
afterAll(async () => {
  await stack?.teardown();
});

/** A session with two turns; returns its id, its head and the nodes on disk with their files. */
async function sessionWithTwoTurns(label: string) {
  const { session_id } = await stack.baton.sessions.start({ task: `Store fault: ${label}` });
  await stack.baton.sessions.send(session_id, `${label}: the first turn`);
  const second = await stack.baton.sessions.send(session_id, `${label}: the second turn`);
  const store = readStore(stack.storeDir);
  try {
    const nodes = await store.path(second.head);
    return {
      session_id,
      head: second.head,
      nodes,
      fileOf: (node: StoredNode) => store.fileFor(node.id),
    };
  } finally {
    await store.close();
  }
}

describe.concurrent('a damaged conversation store', () => {
  it(
    'a node whose file was edited is caught by its hash, named in the error, and never sent',
    async ({ expect }) => {
      const s = await sessionWithTwoTurns('corrupt');
      expect(s.nodes.map((n) => n.role)).toEqual(['user', 'user', 'assistant', 'user', 'assistant']);
      const victim = s.nodes[1]!; // the first user message
      const file = s.fileOf(victim);
      const original = fs.readFileSync(file);
      // Still valid JSON and a valid node: only the hash can tell.
      fs.writeFileSync(file, original.toString('utf8').replace('the first turn', 'a FORGED turn'));

      const failure = await stack.baton.sessions
        .send(s.session_id, 'corrupt: the third turn')
        .catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(SessionRequestError);
      const message = (failure as Error).message;
      expect(message).toMatch(/^Turn 3 failed: Node [0-9a-f]{64} in .* is corrupt: /);
      expect(message).toContain(`Node ${victim.id} in ${file} is corrupt`);
      expect(message).toMatch(/hash to [0-9a-f]{64}, not to the id/);
      expect(message).toContain('The node was not used.');
      // Nothing was sent to the model, forged or not.
      expect(modelCalls(stack.model, 'corrupt: the third turn')).toEqual([]);
      expect(stack.model.requests.some((r) => r.last_user_text.includes('FORGED'))).toBe(false);
      expect(await stack.baton.sessions.status(s.session_id)).toMatchObject({
        status: 'available',
        turns: 2,
        head: s.head,
      });

      fs.writeFileSync(file, original);
      const third = await stack.baton.sessions.send(s.session_id, 'corrupt: the third turn, again');
      expect(third.turn).toBe(3);
      expect(await userTexts(stack.storeDir, third.head)).toEqual([
        'Store fault: corrupt',
        'corrupt: the first turn',
        'corrupt: the second turn',
        'corrupt: the third turn, again',
      ]);
    },
    STORE_FAULT_TIMEOUT_MS,
  );

  it(
    'a node whose file is missing is reported by id, and the session works once it is back',
    async ({ expect }) => {
      const s = await sessionWithTwoTurns('missing');
      const victim = s.nodes[2]!; // the first reply
      const file = s.fileOf(victim);
      const aside = `${file}.moved-away`;
      fs.renameSync(file, aside);

      const failure = await stack.baton.sessions
        .send(s.session_id, 'missing: the third turn')
        .catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(SessionRequestError);
      const message = (failure as Error).message;
      expect(message).toMatch(
        new RegExp(
          `^Turn 3 failed: Node ${victim.id} was not found in the conversation store while reading the conversation at head [0-9a-f]{64}\\.`,
        ),
      );
      expect(modelCalls(stack.model, 'missing: the third turn')).toEqual([]);
      expect(await stack.baton.sessions.status(s.session_id)).toMatchObject({
        status: 'available',
        turns: 2,
        head: s.head,
      });

      fs.renameSync(aside, file);
      const third = await stack.baton.sessions.send(s.session_id, 'missing: the third turn, again');
      expect(third.turn).toBe(3);
      expect(third.reply).toContain('missing: the third turn, again');
    },
    STORE_FAULT_TIMEOUT_MS,
  );
});
