import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cachedCliPath, findOrBuildTemporalCli, TEMPORAL_CLI_VERSION } from '../../src/temporal/temporal-cli';
import { TemporalCliBuildError } from '../../src/temporal/errors';

const dirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-cli-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function fakeExecutable(dir: string, name: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, '#!/bin/sh\necho fake\n', { mode: 0o755 });
  return file;
}

describe('finding or building the Temporal CLI', () => {
  it('uses a `temporal` on PATH before anything else', async () => {
    const bin = tempDir();
    const onPath = fakeExecutable(bin, 'temporal');
    expect(await findOrBuildTemporalCli({ env: { PATH: bin, BATON_CACHE_DIR: tempDir() } })).toBe(onPath);
  });

  it('reuses the per-machine cache outside the repository', async () => {
    const cache = tempDir();
    const env = { PATH: tempDir(), BATON_CACHE_DIR: cache };
    const cached = cachedCliPath(env);
    expect(cached).toBe(path.join(cache, `temporal-cli-${TEMPORAL_CLI_VERSION}`, 'bin', 'temporal'));
    fs.mkdirSync(path.dirname(cached), { recursive: true });
    fakeExecutable(path.dirname(cached), 'temporal');
    expect(await findOrBuildTemporalCli({ env })).toBe(cached);
  });

  it('says what to install when there is no CLI and no Go', async () => {
    const progress: string[] = [];
    const error: unknown = await findOrBuildTemporalCli({
      env: { PATH: tempDir(), BATON_CACHE_DIR: tempDir() },
      onProgress: (line) => progress.push(line),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TemporalCliBuildError);
    expect((error as Error).message).toMatch(
      /No `temporal` CLI on PATH and no Go toolchain to build one\. Install Go/,
    );
    expect(progress).toEqual([]);
  });

  it('says the build failed, with go’s last output, and leaves nothing half-built in the cache', async () => {
    const bin = tempDir();
    fs.writeFileSync(
      path.join(bin, 'go'),
      '#!/bin/sh\necho "go: downloading nothing"\necho "proxy unreachable" >&2\nexit 1\n',
      {
        mode: 0o755,
      },
    );
    const cache = tempDir();
    const progress: string[] = [];
    const error: unknown = await findOrBuildTemporalCli({
      env: { PATH: `${bin}:/usr/bin:/bin`, BATON_CACHE_DIR: cache },
      onProgress: (line) => progress.push(line),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TemporalCliBuildError);
    expect((error as Error).message).toMatch(/Building the Temporal CLI failed \(go install exited 1\)/);
    expect((error as Error).message).toContain('proxy unreachable');
    expect(progress[0]).toMatch(/Building the Temporal CLI v1\.5\.1 from source/);
    expect(progress).toContain('  go: downloading nothing');
    expect(fs.existsSync(cachedCliPath({ BATON_CACHE_DIR: cache }))).toBe(false);
  });

  it('rejects a TEMPORAL_CLI_PATH that is not an executable', async () => {
    await expect(
      findOrBuildTemporalCli({ env: { TEMPORAL_CLI_PATH: '/nonexistent/temporal', PATH: '' } }),
    ).rejects.toThrow('TEMPORAL_CLI_PATH=/nonexistent/temporal is not an executable file.');
  });
});
