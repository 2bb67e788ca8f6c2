import * as fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileConversationStore, openConversationStore, StoreUrlError } from '../../src/store';
import { rootNode } from '../support/store-contract';

describe('openConversationStore', () => {
  let baseDir: string;

  beforeEach(async () => {
    baseDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'baton-open-'));
  });

  afterEach(async () => {
    await fsp.rm(baseDir, { recursive: true, force: true });
  });

  it.each([
    ['no url', undefined],
    ['an empty url', ''],
    ['a bare file:', 'file:'],
    ['file://', 'file://'],
  ])('opens the filesystem store at baseDir for %s', async (_label, url) => {
    const store = await openConversationStore({ url, baseDir });
    expect(store).toBeInstanceOf(FileConversationStore);
    expect((store as FileConversationStore).root).toBe(path.resolve(baseDir));
    const id = await store.put(rootNode('x'));
    await expect(
      fsp.stat(path.join(baseDir, 'nodes', id.slice(0, 2), `${id.slice(2)}.json`)),
    ).resolves.toBeTruthy();
    await store.close();
  });

  it('opens the filesystem store at the path of file:/abs/path and file:///abs/path', async () => {
    const target = path.join(baseDir, 'with space', 'store');
    const single = await openConversationStore({ url: `file:${target}`, baseDir: '/unused' });
    expect((single as FileConversationStore).root).toBe(target);
    const triple = await openConversationStore({ url: pathToFileURL(target).href, baseDir: '/unused' });
    expect((triple as FileConversationStore).root).toBe(target);
  });

  it('rejects a relative file: URL instead of guessing', async () => {
    await expect(openConversationStore({ url: 'file:relative/dir', baseDir })).rejects.toThrow(
      /absolute path/,
    );
  });

  it('says when PostgreSQL cannot be reached, without echoing the URL (it carries a password)', async () => {
    // Port 1 on loopback refuses at once: the PostgreSQL backend is tried and reports it clearly.
    for (const url of [
      'postgres://baton:s3cret@127.0.0.1:1/baton',
      'postgresql://baton:s3cret@127.0.0.1:1/baton',
    ]) {
      const error: unknown = await openConversationStore({ url, baseDir }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toMatch(/PostgreSQL/);
      expect((error as Error).message).not.toContain('s3cret');
    }
  });

  it.each(['mysql://root:pw@db/x', 's3://bucket/store', '/plain/path', 'store'])(
    'rejects %s naming the accepted schemes',
    async (url) => {
      const error: unknown = await openConversationStore({ url, baseDir }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreUrlError);
      expect((error as Error).message).toMatch(/file:/);
      expect((error as Error).message).toMatch(/postgres:\/\//);
      expect((error as Error).message).not.toContain('pw@');
    },
  );
});
