/**
 * The `baton` bin runs compiled JavaScript: a fresh checkout (no dist/) builds it on the first
 * run, an unchanged one runs it as it is, and an edited one is rebuilt before it runs, so neither
 * ever runs stale code. Exercised on a copy of the sources, with the real bin and esbuild.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';

const REPO = path.join(__dirname, '..', '..');
let checkout: string;

beforeAll(() => {
  checkout = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-checkout-'));
  for (const entry of ['src', 'bin', 'scripts', 'package.json']) {
    fs.cpSync(path.join(REPO, entry), path.join(checkout, entry), { recursive: true });
  }
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(checkout, 'node_modules'), 'dir');
});
afterAll(() => {
  if (checkout) fs.rmSync(checkout, { recursive: true, force: true });
});

function baton(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(checkout, 'bin', 'baton.js'), ...args],
      { env: { PATH: process.env.PATH, HOME: process.env.HOME }, timeout: 60_000 },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

it('builds a fresh checkout on the first run, and then runs the build as it is', async () => {
  expect(fs.existsSync(path.join(checkout, 'dist'))).toBe(false);
  const first = await baton(['--help']);
  expect(first.code).toBe(0);
  expect(first.stderr).toMatch(/^\[baton\] compiled \d+ modules into dist\/ in \d+ ms\n$/);
  expect(first.stdout).toContain('Durable LLM agent sessions on Temporal');
  expect(fs.existsSync(path.join(checkout, 'dist', 'cli.js'))).toBe(true);

  const second = await baton(['--help']);
  expect(second).toEqual({ ...first, stderr: '' });
});

it('rebuilds after a source file is edited, added or removed', async () => {
  await baton(['--help']);
  const program = path.join(checkout, 'src', 'cli', 'program.ts');
  fs.writeFileSync(
    program,
    fs.readFileSync(program, 'utf8').replace('Durable LLM agent sessions on Temporal', 'Edited description'),
  );
  const edited = await baton(['--help']);
  expect(edited.stderr).toMatch(/^\[baton\] compiled/);
  expect(edited.stdout).toContain('Edited description');

  const extra = path.join(checkout, 'src', 'cli', 'extra-module.ts');
  fs.writeFileSync(extra, 'export const extra = 1;\n');
  expect((await baton(['--help'])).stderr).toMatch(/^\[baton\] compiled/);
  expect(fs.existsSync(path.join(checkout, 'dist', 'cli', 'extra-module.js'))).toBe(true);

  fs.rmSync(extra);
  expect((await baton(['--help'])).stderr).toMatch(/^\[baton\] compiled/);
  expect((await baton(['--help'])).stderr).toBe('');
});
