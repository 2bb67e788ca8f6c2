/**
 * The behaviour every ConversationStore backend must have. A backend's test file calls
 * `describeConversationStoreContract` with a factory; backend-specific tests (files on disk,
 * SQL rows) live next to it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MessageNode, NewMessage, StoredNode } from '../../src/domain/session';
import { createHash } from 'node:crypto';
import {
  BlobNotFoundError,
  commonAncestor,
  InvalidBlobIdError,
  InvalidNodeError,
  InvalidNodeIdError,
  isNodeId,
  nodeId,
  NodeNotFoundError,
  StoreClosedError,
} from '../../src/store';
import type { ConversationStore } from '../../src/store';

/** A fresh, empty store and how to dispose of it. */
export interface StoreUnderTest {
  store: ConversationStore;
  cleanup(): Promise<void>;
}

/** A user or assistant text message with ordinary meta. */
export function textMessage(text: string, role: NewMessage['role'] = 'user'): NewMessage {
  return { role, content: [{ type: 'text', text }], meta: { kind: 'message', class: 'supporting' } };
}

/** A root node (no parent) with one text block. */
export function rootNode(text: string): MessageNode {
  return { parent: null, ...textMessage(text) };
}

function texts(path: readonly StoredNode[]): string[] {
  return path.map((n) => (n.content[0]?.type === 'text' ? n.content[0].text : `<${n.content[0]?.type}>`));
}

/** Ids that must be rejected before any I/O. */
export const INVALID_IDS: readonly string[] = [
  '../etc/passwd',
  '../../../../etc/passwd',
  'abc',
  '',
  '$(rm -rf ~)',
  '`id`; ls > /tmp/x',
  `${'a'.repeat(62)}/x`,
  `${'a'.repeat(63)};`,
  `${'a'.repeat(64)}\n`,
  'A'.repeat(64),
  'g'.repeat(64),
  'a'.repeat(65),
];

/**
 * Registers the shared ConversationStore suite under `describe(name)`. `makeStore` is called
 * before each test (and again where a test needs a second, independent store).
 */
export function describeConversationStoreContract(
  name: string,
  makeStore: () => Promise<StoreUnderTest>,
): void {
  describe(`ConversationStore contract: ${name}`, () => {
    let subject: StoreUnderTest;
    let store: ConversationStore;
    const extra: StoreUnderTest[] = [];

    beforeEach(async () => {
      subject = await makeStore();
      store = subject.store;
    });

    afterEach(async () => {
      for (const s of extra.splice(0)) {
        await s.store.close();
        await s.cleanup();
      }
      await store.close();
      await subject.cleanup();
    });

    describe('put and get', () => {
      it('returns the content hash as id and reads the node back verified', async () => {
        const node = rootNode('hello');
        const id = await store.put(node);
        expect(isNodeId(id)).toBe(true);
        expect(id).toBe(nodeId(node));
        const stored = await store.get(id);
        expect(stored).toEqual({ id, ...node });
        expect(nodeId(stored)).toBe(id);
        expect(await store.has(id)).toBe(true);
      });

      it('is idempotent: the same content twice gives the same id and no error', async () => {
        const first = await store.put(rootNode('same'));
        const second = await store.put(rootNode('same'));
        expect(second).toBe(first);
        expect((await store.get(first)).content).toEqual([{ type: 'text', text: 'same' }]);
      });

      it('gives equal ids in independent stores for equal content, whatever the key order', async () => {
        const other = await makeStore();
        extra.push(other);
        const node: MessageNode = {
          parent: null,
          role: 'assistant',
          content: [
            { type: 'tool_use', id: 'toolu_1', name: 'read', input: { path: 'a.txt', lines: [1, 2] } },
          ],
          meta: { kind: 'message', class: 'temporary', pinned: true },
        };
        const reordered = {
          meta: { pinned: true, class: 'temporary', kind: 'message' },
          content: [
            { input: { lines: [1, 2], path: 'a.txt' }, name: 'read', id: 'toolu_1', type: 'tool_use' },
          ],
          role: 'assistant',
          parent: null,
        } as MessageNode;
        const a = await store.put(node);
        const b = await other.store.put(reordered);
        expect(b).toBe(a);
      });

      it('gives different ids for different content, role, meta or parent', async () => {
        const base = rootNode('x');
        const root = await store.put(base);
        const ids = new Set([
          root,
          await store.put({ ...base, role: 'assistant' }),
          await store.put(rootNode('y')),
          await store.put({ ...base, meta: { kind: 'message', class: 'critical' } }),
          await store.put({ ...base, parent: root }),
        ]);
        expect(ids.size).toBe(5);
      });

      it('stores every content block type and unicode text unchanged', async () => {
        const node: MessageNode = {
          parent: null,
          role: 'user',
          content: [
            { type: 'text', text: 'naïve 日本語 🎉 "quotes" \\ \n\t' },
            { type: 'tool_use', id: 't1', name: 'run', input: { nested: { deep: [null, true, 1.5, 'x'] } } },
            { type: 'tool_result', tool_use_id: 't1', content: 'ok', is_error: false },
          ],
          meta: { kind: 'task', class: 'critical', pinned: true },
        };
        const id = await store.put(node);
        expect(await store.get(id)).toEqual({ id, ...node });
      });

      it('ignores an id field on the node it is given (a StoredNode can be put again)', async () => {
        const id = await store.put(rootNode('again'));
        const stored = await store.get(id);
        expect(await store.put(stored)).toBe(id);
        const withWrongId: StoredNode = { ...stored, id: 'f'.repeat(64) };
        expect(await store.put(withWrongId)).toBe(id);
      });

      it('stores puts of the same node made concurrently once, under one id', async () => {
        const node = rootNode('concurrent');
        const ids = await Promise.all(Array.from({ length: 25 }, () => store.put(node)));
        expect(new Set(ids).size).toBe(1);
        const [id] = ids;
        expect(await store.get(id ?? '')).toEqual({ id, ...node });
      });

      it('hands out nodes that callers cannot change', async () => {
        const id = await store.put(rootNode('frozen'));
        const node = await store.get(id);
        expect(() => {
          (node.content as unknown as unknown[]).push({ type: 'text', text: 'sneaky' });
        }).toThrow(TypeError);
        expect(() => {
          (node.meta as { class: string }).class = 'critical';
        }).toThrow(TypeError);
        expect((await store.get(id)).content).toEqual([{ type: 'text', text: 'frozen' }]);
      });

      it('does not keep a reference to the caller’s object', async () => {
        const node = rootNode('mine');
        const id = await store.put(node);
        (node.content[0] as { text: string }).text = 'changed after put';
        expect((await store.get(id)).content).toEqual([{ type: 'text', text: 'mine' }]);
      });
    });

    describe('invalid input', () => {
      it.each([
        ['a bad role', { ...rootNode('x'), role: 'system' }],
        ['a bad meta class', { ...rootNode('x'), meta: { kind: 'message', class: 'vital' } }],
        [
          'an unknown meta field',
          { ...rootNode('x'), meta: { kind: 'message', class: 'critical', colour: 'red' } },
        ],
        ['an unknown block type', { ...rootNode('x'), content: [{ type: 'image', source: {} }] }],
        [
          'an unknown block field',
          { ...rootNode('x'), content: [{ type: 'text', text: 'x', cache_control: {} }] },
        ],
        [
          'NaN in tool input',
          { ...rootNode('x'), content: [{ type: 'tool_use', id: 'a', name: 'b', input: { n: NaN } }] },
        ],
        [
          'a function in tool input',
          { ...rootNode('x'), content: [{ type: 'tool_use', id: 'a', name: 'b', input: { f: () => 1 } }] },
        ],
        [
          'a Date in tool input',
          {
            ...rootNode('x'),
            content: [{ type: 'tool_use', id: 'a', name: 'b', input: { d: new Date(0) } }],
          },
        ],
        ['content that is not an array', { ...rootNode('x'), content: 'hello' }],
        ['a parent that is not an id', { ...rootNode('x'), parent: '../etc/passwd' }],
        [
          'a merged_from that is not an id',
          { ...rootNode('x'), meta: { kind: 'merge', class: 'critical', merged_from: 'x' } },
        ],
      ])('rejects %s with InvalidNodeError', async (_label, node) => {
        await expect(store.put(node as unknown as MessageNode)).rejects.toBeInstanceOf(InvalidNodeError);
      });

      it('rejects a node whose parent is not stored, naming the parent', async () => {
        const parent = nodeId(rootNode('never stored'));
        const put = store.put({ ...textMessage('orphan'), parent });
        await expect(put).rejects.toBeInstanceOf(NodeNotFoundError);
        await expect(put).rejects.toThrow(parent);
        expect(await store.has(nodeId({ ...textMessage('orphan'), parent }))).toBe(false);
      });

      it.each(INVALID_IDS.map((id) => [JSON.stringify(id), id]))(
        'rejects the id %s with InvalidNodeIdError in get, has, path, reachable and append',
        async (_label, id) => {
          await expect(store.get(id)).rejects.toBeInstanceOf(InvalidNodeIdError);
          await expect(store.has(id)).rejects.toBeInstanceOf(InvalidNodeIdError);
          await expect(store.path(id)).rejects.toBeInstanceOf(InvalidNodeIdError);
          await expect(store.reachable(id)).rejects.toBeInstanceOf(InvalidNodeIdError);
          await expect(store.append(id, [textMessage('x')])).rejects.toBeInstanceOf(InvalidNodeIdError);
        },
      );

      it('rejects a non-string id with InvalidNodeIdError', async () => {
        await expect(store.get(42 as unknown as string)).rejects.toBeInstanceOf(InvalidNodeIdError);
        await expect(store.path(null as unknown as string)).rejects.toBeInstanceOf(InvalidNodeIdError);
      });

      it('throws NodeNotFoundError naming a well-formed id that is not stored', async () => {
        const unknown = 'ab'.repeat(32);
        await expect(store.get(unknown)).rejects.toBeInstanceOf(NodeNotFoundError);
        await expect(store.get(unknown)).rejects.toThrow(unknown);
        await expect(store.get(unknown)).rejects.toThrow(/store may be incomplete/);
        await expect(store.path(unknown)).rejects.toBeInstanceOf(NodeNotFoundError);
        await expect(store.append(unknown, [textMessage('x')])).rejects.toBeInstanceOf(NodeNotFoundError);
        expect(await store.has(unknown)).toBe(false);
      });
    });

    describe('append and path', () => {
      it('appends a new root conversation and reads it back root first', async () => {
        const { head, nodes } = await store.append(null, [
          textMessage('one'),
          textMessage('two', 'assistant'),
          textMessage('three'),
        ]);
        expect(nodes.map((n) => n.parent)).toEqual([null, nodes[0]?.id, nodes[1]?.id]);
        expect(head).toBe(nodes[2]?.id);
        const path = await store.path(head);
        expect(texts(path)).toEqual(['one', 'two', 'three']);
        expect(path).toEqual(nodes);
        for (const n of nodes) expect(await store.get(n.id)).toEqual(n);
      });

      it('continues a conversation from its head', async () => {
        const first = await store.append(null, [textMessage('q1'), textMessage('a1', 'assistant')]);
        const second = await store.append(first.head, [textMessage('q2')]);
        expect(second.nodes[0]?.parent).toBe(first.head);
        expect(texts(await store.path(second.head))).toEqual(['q1', 'a1', 'q2']);
        expect(await store.reachable(second.head)).toEqual(await store.path(second.head));
      });

      it('gives ids that depend only on content and position', async () => {
        const other = await makeStore();
        extra.push(other);
        const messages = [textMessage('a'), textMessage('b', 'assistant')];
        const here = await store.append(null, messages);
        const there = await other.store.append(null, messages);
        expect(there.head).toBe(here.head);
        expect(here.nodes[1]?.id).toBe(
          nodeId({ ...textMessage('b', 'assistant'), parent: here.nodes[0]?.id ?? null }),
        );
      });

      it('keeps two children of one node as two independent conversations', async () => {
        const trunk = await store.append(null, [textMessage('shared'), textMessage('answer', 'assistant')]);
        const left = await store.append(trunk.head, [textMessage('left question')]);
        const right = await store.append(trunk.head, [
          textMessage('right question'),
          textMessage('r', 'assistant'),
        ]);
        expect(texts(await store.path(left.head))).toEqual(['shared', 'answer', 'left question']);
        expect(texts(await store.path(right.head))).toEqual(['shared', 'answer', 'right question', 'r']);
        expect(texts(await store.path(trunk.head))).toEqual(['shared', 'answer']);
        expect(commonAncestor(await store.path(left.head), await store.path(right.head))).toBe(trunk.head);
      });

      it('branches appended concurrently from one head both survive', async () => {
        const trunk = await store.append(null, [textMessage('root')]);
        const branches = await Promise.all(
          Array.from({ length: 8 }, (_, i) => store.append(trunk.head, [textMessage(`branch ${i}`)])),
        );
        for (const [i, b] of branches.entries()) {
          expect(texts(await store.path(b.head))).toEqual(['root', `branch ${i}`]);
        }
      });

      it('answers correctly from the path cache as the conversation grows', async () => {
        let { head } = await store.append(null, [textMessage('m0')]);
        const heads = [head];
        for (let i = 1; i < 30; i++) {
          expect(texts(await store.path(head))).toHaveLength(i);
          ({ head } = await store.append(head, [textMessage(`m${i}`)]));
          heads.push(head);
        }
        const full = await store.path(head);
        expect(texts(full)).toEqual(Array.from({ length: 30 }, (_, i) => `m${i}`));
        // Older heads still give their own, shorter conversations (restore = move the head back).
        for (const [i, h] of heads.entries()) {
          expect(texts(await store.path(h))).toEqual(texts(full).slice(0, i + 1));
        }
        // A branch off an old head that was cached before.
        const fork = await store.append(heads[9] ?? '', [textMessage('fork')]);
        expect(texts(await store.path(fork.head))).toEqual([...texts(full).slice(0, 10), 'fork']);
        expect(await store.path(head)).toEqual(full);
      });

      it('walks from a cached ancestor correctly when nodes were added with put', async () => {
        // put() does not warm the path cache, so these paths are computed by walking parents.
        let head = await store.put(rootNode('p0'));
        expect(texts(await store.path(head))).toEqual(['p0']);
        for (let i = 1; i < 6; i++) {
          head = await store.put({ ...textMessage(`p${i}`), parent: head });
          if (i % 2 === 0)
            expect(texts(await store.path(head))).toEqual(Array.from({ length: i + 1 }, (_, j) => `p${j}`));
        }
        expect(texts(await store.path(head))).toEqual(['p0', 'p1', 'p2', 'p3', 'p4', 'p5']);
        const fork = await store.put({
          ...textMessage('fork'),
          parent: (await store.path(head))[2]?.id ?? null,
        });
        expect(texts(await store.path(fork))).toEqual(['p0', 'p1', 'p2', 'fork']);
      });

      it('returns a path that callers cannot change', async () => {
        const { head } = await store.append(null, [textMessage('a'), textMessage('b')]);
        const walked = await store.put({ ...textMessage('c'), parent: head });
        for (const h of [head, walked]) {
          const path = await store.path(h);
          expect(() => (path as StoredNode[]).pop()).toThrow(TypeError);
          expect(() => (path as StoredNode[]).push(path[0] as StoredNode)).toThrow(TypeError);
        }
        expect(texts(await store.path(walked))).toEqual(['a', 'b', 'c']);
      });

      it('writes nothing when any message of a batch is invalid', async () => {
        const good = textMessage('good');
        const bad = { ...textMessage('bad'), role: 'robot' } as unknown as NewMessage;
        const attempt = store.append(null, [good, bad]);
        await expect(attempt).rejects.toBeInstanceOf(InvalidNodeError);
        await expect(attempt).rejects.toThrow(/messages\[1\]/);
        expect(await store.has(nodeId({ parent: null, ...good }))).toBe(false);
      });

      it('returns the head unchanged for no messages, and refuses no messages without a head', async () => {
        const { head } = await store.append(null, [textMessage('only')]);
        expect(await store.append(head, [])).toEqual({ head, nodes: [] });
        await expect(store.append(null, [])).rejects.toBeInstanceOf(RangeError);
      });
    });

    describe('blobs', () => {
      it('stores bytes under their SHA-256 and reads them back, shared with a second store', async () => {
        const bytes = new Uint8Array(300_000).map((_, i) => (i * 31) % 256);
        const id = await store.putBlob(bytes);
        expect(id).toBe(createHash('sha256').update(bytes).digest('hex'));
        expect(await store.putBlob(bytes)).toBe(id);
        expect(await store.hasBlob(id)).toBe(true);
        expect(Buffer.from(await store.getBlob(id)).equals(Buffer.from(bytes))).toBe(true);
        const empty = await store.putBlob(new Uint8Array());
        expect((await store.getBlob(empty)).byteLength).toBe(0);
      });

      it('says which blob is missing, and refuses a malformed id before any I/O', async () => {
        const missing = 'b'.repeat(64);
        expect(await store.hasBlob(missing)).toBe(false);
        await expect(store.getBlob(missing)).rejects.toBeInstanceOf(BlobNotFoundError);
        await expect(store.getBlob(missing)).rejects.toThrow(/same BATON_STORE_URL/);
        for (const bad of ['../x', 'B'.repeat(64)]) {
          await expect(store.getBlob(bad)).rejects.toBeInstanceOf(InvalidBlobIdError);
          await expect(store.hasBlob(bad)).rejects.toBeInstanceOf(InvalidBlobIdError);
        }
      });
    });

    describe('close', () => {
      it('is idempotent and makes later calls fail with StoreClosedError', async () => {
        const id = await store.put(rootNode('before close'));
        await store.close();
        await store.close();
        await expect(store.get(id)).rejects.toBeInstanceOf(StoreClosedError);
        await expect(store.put(rootNode('after close'))).rejects.toBeInstanceOf(StoreClosedError);
        await expect(store.path(id)).rejects.toBeInstanceOf(StoreClosedError);
      });
    });
  });
}
