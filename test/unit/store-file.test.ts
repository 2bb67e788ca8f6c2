import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MessageNode } from '../../src/domain/session';
import {
  CorruptBlobError,
  CorruptNodeError,
  FileConversationStore,
  InvalidNodeError,
  isNodeId,
  NodeNotFoundError,
  nodeId,
} from '../../src/store';
import type { StoreFileHandle, StoreFileSystem } from '../../src/store';
import {
  describeConversationStoreContract,
  rootNode,
  textMessage,
  INVALID_IDS,
} from '../support/store-contract';

async function tempDir(): Promise<string> {
  return fsp.mkdtemp(path.join(os.tmpdir(), 'baton-store-'));
}

describeConversationStoreContract('FileConversationStore', async () => {
  const root = await tempDir();
  return {
    store: new FileConversationStore({ root }),
    cleanup: () => fsp.rm(root, { recursive: true, force: true }),
  };
});

/** Every file under `dir`, relative to it. */
async function listFiles(dir: string): Promise<string[]> {
  const entries = await fsp.readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

function sha256(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

interface Op {
  op: string;
  path: string;
  to?: string;
}

/** `node:fs/promises` with every call recorded, and optional failures injected per operation. */
function recordingFs(failRename?: (from: string, to: string) => boolean): { fs: StoreFileSystem; ops: Op[] } {
  const ops: Op[] = [];
  const fs: StoreFileSystem = {
    mkdir: (dir, options) => {
      ops.push({ op: 'mkdir', path: dir });
      return fsp.mkdir(dir, options);
    },
    open: async (file, flags) => {
      ops.push({ op: `open:${flags}`, path: file });
      const handle = await fsp.open(file, flags);
      const recorded: StoreFileHandle = {
        writeFile: (data) => {
          ops.push({ op: 'write', path: file });
          return handle.writeFile(data);
        },
        sync: () => {
          ops.push({ op: 'sync', path: file });
          return handle.sync();
        },
        close: () => {
          ops.push({ op: 'close', path: file });
          return handle.close();
        },
      };
      return recorded;
    },
    readFile: (file) => {
      ops.push({ op: 'readFile', path: file });
      return fsp.readFile(file);
    },
    rename: async (from, to) => {
      ops.push({ op: 'rename', path: from, to });
      if (failRename?.(from, to) === true) {
        throw Object.assign(new Error('EIO: simulated crash before rename'), { code: 'EIO' });
      }
      return fsp.rename(from, to);
    },
    stat: (file) => {
      ops.push({ op: 'stat', path: file });
      return fsp.stat(file);
    },
    unlink: (file) => {
      ops.push({ op: 'unlink', path: file });
      return fsp.unlink(file);
    },
  };
  return { fs, ops };
}

const NODE_FILE = /^nodes\/[0-9a-f]{2}\/[0-9a-f]{62}\.json$/;

describe('FileConversationStore on disk', () => {
  let root: string;

  beforeEach(async () => {
    root = await tempDir();
  });

  afterEach(async () => {
    await fsp.rm(root, { recursive: true, force: true });
  });

  /** A store with cold caches over the same directory: what another process or a restart sees. */
  function reopen(fs?: StoreFileSystem): FileConversationStore {
    return new FileConversationStore(fs === undefined ? { root } : { root, fs });
  }

  describe('layout', () => {
    it('stores a node as its canonical JSON at nodes/<2 hex>/<62 hex>.json', async () => {
      const store = reopen();
      const id = await store.put(rootNode('hello'));
      const file = path.join(root, 'nodes', id.slice(0, 2), `${id.slice(2)}.json`);
      expect(store.fileFor(id)).toBe(file);
      const text = await fsp.readFile(file, 'utf8');
      expect(text).toBe(
        '{"content":[{"text":"hello","type":"text"}],"meta":{"class":"supporting","kind":"message"},"parent":null,"role":"user"}',
      );
      expect(sha256(text)).toBe(id);
      expect(await listFiles(root)).toEqual([path.relative(root, file)]);
    });

    it('resolves a relative root to an absolute directory', () => {
      const store = new FileConversationStore({ root: 'relative/store' });
      expect(path.isAbsolute(store.root)).toBe(true);
      expect(store.root.endsWith(path.join('relative', 'store'))).toBe(true);
    });

    it('keeps caller text out of paths: invalid ids never touch the filesystem', async () => {
      const { fs, ops } = recordingFs();
      const store = reopen(fs);
      for (const id of INVALID_IDS) {
        await expect(store.get(id)).rejects.toThrow();
        await expect(store.has(id)).rejects.toThrow();
        await expect(store.path(id)).rejects.toThrow();
        await expect(store.append(id, [textMessage('x')])).rejects.toThrow();
        expect(() => store.fileFor(id)).toThrow();
      }
      expect(ops).toEqual([]);
    });
  });

  describe('blobs', () => {
    it('keeps a blob at blobs/<2 hex>/<62 hex>, and refuses one whose bytes were changed', async () => {
      const id = await reopen().putBlob(Buffer.from('bundle bytes'));
      const file = path.join(root, 'blobs', id.slice(0, 2), id.slice(2));
      expect(await fsp.readFile(file, 'utf8')).toBe('bundle bytes');
      await fsp.writeFile(file, 'tampered');
      const error: unknown = await reopen()
        .getBlob(id)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CorruptBlobError);
      expect((error as Error).message).toContain(file);
      // Storing the blob again repairs the file.
      await reopen().putBlob(Buffer.from('bundle bytes'));
      expect(Buffer.from(await reopen().getBlob(id)).toString()).toBe('bundle bytes');
    });
  });

  describe('verification on read', () => {
    async function storedConversation(): Promise<{ ids: string[]; head: string }> {
      const { head, nodes } = await reopen().append(null, [
        textMessage('hello'),
        textMessage('world', 'assistant'),
        textMessage('again'),
      ]);
      return { ids: nodes.map((n) => n.id), head };
    }

    it('detects a node file whose bytes were changed and never returns it', async () => {
      const { ids, head } = await storedConversation();
      const id = ids[0] ?? '';
      const store = reopen();
      const file = store.fileFor(id);
      // Still valid JSON and a valid node, just not the node that was stored.
      await fsp.writeFile(file, (await fsp.readFile(file, 'utf8')).replace('hello', 'jello'));

      const error: unknown = await store.get(id).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CorruptNodeError);
      expect(error).toBeInstanceOf(CorruptNodeError);
      expect((error as CorruptNodeError).id).toBe(id);
      expect((error as CorruptNodeError).location).toBe(file);
      expect((error as Error).message).toContain(id);
      expect((error as Error).message).toContain(file);
      expect((error as Error).message).toMatch(/was not used/);
      await expect(store.path(head)).rejects.toBeInstanceOf(CorruptNodeError);
      // Asking again does not serve it from some cache either.
      await expect(store.get(id)).rejects.toBeInstanceOf(CorruptNodeError);
      // The intact nodes are still readable.
      expect((await store.get(ids[1] ?? '')).role).toBe('assistant');
    });

    it('detects a truncated node file', async () => {
      const { ids, head } = await storedConversation();
      const id = ids[1] ?? '';
      const store = reopen();
      const file = store.fileFor(id);
      const bytes = await fsp.readFile(file);
      await fsp.writeFile(file, bytes.subarray(0, Math.floor(bytes.length / 2)));
      await expect(store.get(id)).rejects.toBeInstanceOf(CorruptNodeError);
      await expect(store.path(head)).rejects.toThrow(/is corrupt/);

      await fsp.writeFile(file, '');
      await expect(reopen().get(id)).rejects.toBeInstanceOf(CorruptNodeError);
    });

    it('detects a file that hashes to its name but is not a node', async () => {
      const text = '{"not":"a node"}';
      const id = sha256(text);
      const store = reopen();
      await fsp.mkdir(path.dirname(store.fileFor(id)), { recursive: true });
      await fsp.writeFile(store.fileFor(id), text);
      await expect(store.get(id)).rejects.toThrow(/not a valid node/);
    });

    it('names the missing id and the head when a node file is missing mid-path', async () => {
      const { ids, head } = await storedConversation();
      const missing = ids[1] ?? '';
      const store = reopen();
      await fsp.rm(store.fileFor(missing));

      const error: unknown = await store.path(head).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NodeNotFoundError);
      expect(error).toBeInstanceOf(NodeNotFoundError);
      expect((error as NodeNotFoundError).id).toBe(missing);
      expect((error as NodeNotFoundError).head).toBe(head);
      expect((error as Error).message).toContain(missing);
      expect((error as Error).message).toContain(`head ${head}`);
      expect(await store.has(missing)).toBe(false);
    });

    it('repairs a corrupt file when the same node is put again', async () => {
      const { ids } = await storedConversation();
      const id = ids[0] ?? '';
      const store = reopen();
      await fsp.writeFile(store.fileFor(id), 'garbage');
      expect(await store.put(rootNode('hello'))).toBe(id);
      expect(await reopen().get(id)).toEqual({ id, ...rootNode('hello') });
    });
  });

  describe('atomic writes', () => {
    it('writes to a temp file in the same directory, fsyncs it, then renames it over the final name', async () => {
      const { fs, ops } = recordingFs();
      const store = reopen(fs);
      const id = await store.put(rootNode('atomic'));
      const final = store.fileFor(id);

      const rename = ops.find((o) => o.op === 'rename');
      expect(rename?.to).toBe(final);
      const temp = rename?.path ?? '';
      expect(path.dirname(temp)).toBe(path.dirname(final));
      expect(path.basename(temp)).toMatch(/^\..*\.tmp$/);

      const onTemp = ops.filter((o) => o.path === temp).map((o) => o.op);
      expect(onTemp).toEqual(['open:wx', 'write', 'sync', 'close', 'rename']);
      // The final name is never opened for writing: it only ever appears by rename.
      expect(ops.filter((o) => o.path === final && o.op.startsWith('open'))).toEqual([]);
      // The directory entry is made durable after the rename.
      const renameAt = ops.indexOf(rename as Op);
      expect(ops.slice(renameAt).some((o) => o.op === 'sync' && o.path === path.dirname(final))).toBe(true);
    });

    it('leaves neither the node nor a temp file when a write fails before the rename', async () => {
      const { fs } = recordingFs(() => true);
      const failing = reopen(fs);
      const node = rootNode('never lands');
      await expect(failing.put(node)).rejects.toThrow(/simulated crash/);
      expect(await reopen().has(nodeId(node))).toBe(false);
      expect((await listFiles(root)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
      // The store is usable afterwards.
      expect(await reopen().put(node)).toBe(nodeId(node));
    });

    it('keeps every stored node readable with its parents when an append fails part-way', async () => {
      let renames = 0;
      const { fs } = recordingFs(() => ++renames === 3);
      const messages = [textMessage('1'), textMessage('2'), textMessage('3'), textMessage('4')];
      await expect(reopen(fs).append(null, messages)).rejects.toThrow(/simulated crash/);
      const store = reopen();
      const files = await listFiles(root);
      expect(files).toHaveLength(2);
      for (const file of files) {
        const id = file.replace(/^nodes\/(..)\/(.{62})\.json$/, '$1$2');
        expect((await store.path(id)).length).toBeGreaterThan(0);
      }
    });

    it('ignores a temp file left behind by a crash', async () => {
      const node = rootNode('crashed');
      const id = nodeId(node);
      const store = reopen();
      const final = store.fileFor(id);
      await fsp.mkdir(path.dirname(final), { recursive: true });
      await fsp.writeFile(
        path.join(path.dirname(final), `.${path.basename(final)}.999.abcdef.tmp`),
        '{"parent":nu',
      );
      expect(await store.has(id)).toBe(false);
      await expect(store.get(id)).rejects.toBeInstanceOf(NodeNotFoundError);
      expect(await store.put(node)).toBe(id);
      expect(await reopen().get(id)).toEqual({ id, ...node });
    });

    it('leaves only node files behind after many writes, including concurrent ones', async () => {
      const store = reopen();
      const { head } = await store.append(null, [textMessage('root')]);
      await Promise.all([
        ...Array.from({ length: 20 }, (_, i) => store.append(head, [textMessage(`b${i}`), textMessage('x')])),
        ...Array.from({ length: 20 }, () => reopen().put(rootNode('same from many stores'))),
      ]);
      const files = await listFiles(root);
      expect(files).toHaveLength(1 + 20 * 2 + 1);
      for (const f of files) expect(f).toMatch(NODE_FILE);
    });

    it('does not rewrite a node that is already stored', async () => {
      const node = rootNode('once');
      const id = await reopen().put(node);
      const before = await fsp.stat(reopen().fileFor(id));
      const { fs, ops } = recordingFs();
      expect(await reopen(fs).put(node)).toBe(id);
      expect(ops.filter((o) => o.op === 'rename' || o.op.startsWith('open'))).toEqual([]);
      expect((await fsp.stat(reopen().fileFor(id))).mtimeMs).toBe(before.mtimeMs);
    });

    it('never shows a torn node to a process killed mid-write', async () => {
      // A real crash: a child process appends in a loop and is SIGKILLed; every node file left
      // behind must be whole and verifiable, and every node's parent must be there.
      const script = `
        const { FileConversationStore } = require(${JSON.stringify(path.join(__dirname, '..', '..', 'src', 'store'))});
        const store = new FileConversationStore({ root: ${JSON.stringify(root)} });
        (async () => {
          let head = null;
          for (let i = 0; ; i++) {
            ({ head } = await store.append(head, [{ role: 'user', content: [{ type: 'text', text: String(i).repeat(5000) }],
              meta: { kind: 'message', class: 'supporting' } }]));
            process.stdout.write('appended\\n');
          }
        })();`;
      const child = spawn(process.execPath, ['--require', 'tsx/cjs', '-e', script], {
        cwd: path.join(__dirname, '..', '..'),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      // Kill it once it has appended twenty times: it is writing the next node by then.
      await new Promise<void>((resolve, reject) => {
        let appended = 0;
        child.stdout.on('data', (d: Buffer) => {
          appended += d.toString().split('appended').length - 1;
          if (appended >= 20) resolve();
        });
        child.once('exit', (code) => reject(new Error(`child exited early (${code}): ${stderr}`)));
      });
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;

      const store = reopen();
      const nodeFiles = (await listFiles(root)).filter((f) => f.endsWith('.json'));
      expect(nodeFiles.length).toBeGreaterThanOrEqual(20);
      for (const file of nodeFiles) {
        expect(file).toMatch(NODE_FILE);
        const id = file.replace(/^nodes\/(..)\/(.{62})\.json$/, '$1$2');
        await expect(store.path(id)).resolves.not.toHaveLength(0);
      }
    });
  });

  describe('caching', () => {
    function countingReads(): { fs: StoreFileSystem; reads: () => number } {
      const { fs, ops } = recordingFs();
      return { fs, reads: () => ops.filter((o) => o.op === 'readFile').length };
    }

    it('reads a long conversation once, then one read per appended node', async () => {
      const writer = reopen();
      let head: string | null = null;
      for (let i = 0; i < 60; i++) ({ head } = await writer.append(head, [textMessage(`m${i}`)]));
      const { fs, reads } = countingReads();
      const reader = reopen(fs);

      expect(await reader.path(head ?? '')).toHaveLength(60);
      expect(reads()).toBe(60);
      expect(await reader.path(head ?? '')).toHaveLength(60);
      expect(reads()).toBe(60);

      // Another process appends one turn; this reader walks back only to the cached head.
      const next = await writer.append(head, [textMessage('m60'), textMessage('m61', 'assistant')]);
      const path61 = await reader.path(next.head);
      expect(path61.map((n) => n.id)).toEqual((await writer.path(next.head)).map((n) => n.id));
      expect(reads()).toBe(62);
    });

    it('needs no read at all for the path of a head it just appended', async () => {
      const { fs, reads } = countingReads();
      const store = reopen(fs);
      let { head } = await store.append(null, [textMessage('a')]);
      await store.path(head);
      for (let i = 0; i < 10; i++) {
        ({ head } = await store.append(head, [textMessage(`q${i}`), textMessage(`a${i}`, 'assistant')]));
        expect(await store.path(head)).toHaveLength(2 + 2 * i + 1);
      }
      // Reads only happen to check for an existing file before each write.
      const before = reads();
      await store.path(head);
      expect(reads()).toBe(before);
    });

    it('stays correct with caches far smaller than the conversation', async () => {
      const writer = reopen();
      let head: string | null = null;
      for (let i = 0; i < 40; i++) ({ head } = await writer.append(head, [textMessage(`m${i}`)]));
      const tiny = new FileConversationStore({ root, nodeCacheSize: 3, pathCacheNodes: 10 });
      const path = await tiny.path(head ?? '');
      expect(path.map((n) => (n.content[0]?.type === 'text' ? n.content[0].text : ''))).toEqual(
        Array.from({ length: 40 }, (_, i) => `m${i}`),
      );
      expect(await tiny.path(head ?? '')).toEqual(path);
    });
  });
});

describe('nodeId', () => {
  const node: MessageNode = {
    parent: null,
    role: 'user',
    content: [{ type: 'text', text: 'hello' }],
    meta: { kind: 'message', class: 'supporting' },
  };

  it('is the SHA-256 of the canonical JSON (keys sorted, no whitespace)', () => {
    // Built by hand in sorted key order, independently of the implementation.
    const canonical =
      '{"content":[{"text":"hello","type":"text"}],"meta":{"class":"supporting","kind":"message"},"parent":null,"role":"user"}';
    const expected = createHash('sha256').update(canonical, 'utf8').digest('hex');
    expect(nodeId(node)).toBe(expected);
    expect(isNodeId(expected)).toBe(true);
  });

  it('follows RFC 8785 for nested keys, numbers and non-ASCII text', () => {
    const withParent: MessageNode = {
      parent: 'ab'.repeat(32),
      role: 'assistant',
      content: [
        { type: 'tool_use', id: 't', name: 'n', input: { z: 1.0, a: 1e21, m: -0.5, é: 'ünï\u000f' } },
        { type: 'tool_result', tool_use_id: 't', content: 'out', is_error: true },
      ],
      meta: { merged_from: 'cd'.repeat(32), pinned: false, class: 'critical', kind: 'merge' },
    };
    const canonical =
      '{"content":[' +
      '{"id":"t","input":{"a":1e+21,"m":-0.5,"z":1,"é":"ünï\\u000f"},"name":"n","type":"tool_use"},' +
      '{"content":"out","is_error":true,"tool_use_id":"t","type":"tool_result"}],' +
      `"meta":{"class":"critical","kind":"merge","merged_from":"${'cd'.repeat(32)}","pinned":false},` +
      `"parent":"${'ab'.repeat(32)}","role":"assistant"}`;
    expect(nodeId(withParent)).toBe(createHash('sha256').update(canonical, 'utf8').digest('hex'));
  });

  it('does not depend on key order', () => {
    const shuffled = {
      role: 'user',
      meta: { class: 'supporting', kind: 'message' },
      content: [{ text: 'hello', type: 'text' }],
      parent: null,
    } as MessageNode;
    expect(nodeId(shuffled)).toBe(nodeId(node));
  });

  it('treats an undefined optional field as absent and ignores a StoredNode id', () => {
    expect(nodeId({ ...node, meta: { ...node.meta, pinned: undefined } } as unknown as MessageNode)).toBe(
      nodeId(node),
    );
    expect(nodeId({ ...node, id: 'whatever' } as MessageNode)).toBe(nodeId(node));
  });

  it('changes with any field', () => {
    const ids = new Set([
      nodeId(node),
      nodeId({ ...node, role: 'assistant' }),
      nodeId({ ...node, content: [{ type: 'text', text: 'hello!' }] }),
      nodeId({ ...node, meta: { ...node.meta, pinned: true } }),
      nodeId({ ...node, parent: nodeId(node) }),
    ]);
    expect(ids.size).toBe(5);
  });

  it('rejects a node that is not JSON instead of hashing garbage', () => {
    const bad = {
      ...node,
      content: [{ type: 'tool_use', id: 'a', name: 'b', input: { n: Infinity } }],
    } as MessageNode;
    expect(() => nodeId(bad)).toThrow(InvalidNodeError);
    expect(() => nodeId(bad)).toThrow(/content\[0\]\.input\.n/);
  });
});

describe('isNodeId', () => {
  it('accepts exactly 64 lowercase hex characters', () => {
    expect(isNodeId('0123456789abcdef'.repeat(4))).toBe(true);
    for (const id of INVALID_IDS) expect(isNodeId(id)).toBe(false);
    expect(isNodeId(undefined)).toBe(false);
    expect(isNodeId(123)).toBe(false);
  });
});
