/**
 * Finding or building the Temporal server and UI server for the production-topology tests: the
 * per-machine cache, what a user is told when Go is missing or the build fails, and that a failed
 * build leaves nothing in the cache. (The real build runs before `npm test`; see
 * scripts/ensure-temporal-server.ts.)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TemporalServerBuildError } from '../../src/temporal/errors';
import {
  findOrBuildTemporalServer,
  findOrBuildTemporalUiServer,
  TEMPORAL_GO_TOOLCHAIN,
  TEMPORAL_SERVER_VERSION,
  temporalServerDir,
} from '../../src/temporal/temporal-server-build';

const dirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-server-build-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('finding or building the Temporal server', () => {
  it('reuses the per-machine cache outside the repository', async () => {
    const cache = tempDir();
    const env = { PATH: tempDir(), BATON_CACHE_DIR: cache };
    const bin = path.join(cache, `temporal-server-${TEMPORAL_SERVER_VERSION}`, 'bin');
    fs.mkdirSync(bin, { recursive: true });
    for (const name of ['temporal-server', 'temporal-sql-tool'])
      fs.writeFileSync(path.join(bin, name), '#!/bin/sh\n', { mode: 0o755 });
    expect(await findOrBuildTemporalServer({ env })).toEqual({
      version: TEMPORAL_SERVER_VERSION,
      serverPath: path.join(bin, 'temporal-server'),
      sqlToolPath: path.join(bin, 'temporal-sql-tool'),
      postgresSchemaDir: path.join(temporalServerDir(env), 'schema', 'postgresql', 'v12'),
    });
  });

  it('says what to install when there is no Go, for the server and for the UI server', async () => {
    const env = { PATH: tempDir(), BATON_CACHE_DIR: tempDir() };
    for (const build of [findOrBuildTemporalServer, findOrBuildTemporalUiServer]) {
      const progress: string[] = [];
      const error: unknown = await build({ env, onProgress: (l) => progress.push(l) }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(TemporalServerBuildError);
      expect((error as Error).message).toMatch(
        /^No Go toolchain on PATH to build the Temporal (UI )?server v/,
      );
      expect((error as Error).message).toContain('Install Go 1.21 or newer');
      expect(progress).toEqual([]);
    }
  });

  it('builds with the pinned toolchain, and a failed build says why and leaves nothing behind', async () => {
    const bin = tempDir();
    // A `go` that reports the toolchain it was asked for, then fails as an unreachable proxy would.
    fs.writeFileSync(
      path.join(bin, 'go'),
      '#!/bin/sh\necho "go: downloading go.temporal.io/server v1.32.2"\necho "asked for $GOTOOLCHAIN; proxy unreachable" >&2\nexit 1\n',
      { mode: 0o755 },
    );
    const cache = tempDir();
    const progress: string[] = [];
    const error: unknown = await findOrBuildTemporalServer({
      env: { PATH: `${bin}:/usr/bin:/bin`, BATON_CACHE_DIR: cache, GOTOOLCHAIN: 'local' },
      onProgress: (l) => progress.push(l),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TemporalServerBuildError);
    const message = (error as Error).message;
    expect(message).toMatch(/^Building the Temporal server failed \(go install exited 1\)/);
    expect(message).toContain(`asked for ${TEMPORAL_GO_TOOLCHAIN}; proxy unreachable`);
    expect(message).toContain(`GOTOOLCHAIN=${TEMPORAL_GO_TOOLCHAIN}`);
    expect(progress[0]).toBe(
      `Building the Temporal server ${TEMPORAL_SERVER_VERSION} from source with Go (first run only; a few minutes)…`,
    );
    expect(progress).toContain('  go: downloading go.temporal.io/server v1.32.2');
    expect(fs.readdirSync(cache)).toEqual([]);
  });
});
