#!/usr/bin/env node
// Installs what `npm run demo`, `npm test` and `npm run bench` need and is missing: node modules
// (when node_modules is absent or older than package-lock.json), the compiled CLI in dist/ (when
// it is missing or older than src/) and the Temporal CLI (built once per machine into a cache
// outside the repo; the TypeScript side does the build with progress).
// With --topology (`npm test`), also the Temporal server, its SQL tool and the UI server that the
// production-topology tests run (built once with Go, about five minutes the first time).
// With --sandbox (`npm run demo`), also bubblewrap, which the demo's SPEC runs its commands in
// (scripts/ensure-bubblewrap.sh; apt-get when missing), unless BATON_UNSAFE_COMMANDS=1 opts out.
// Plain JavaScript on purpose: it must run before any dependency is installed.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const lock = path.join(root, 'package-lock.json');
const marker = path.join(root, 'node_modules', '.package-lock.json');

function stale() {
  if (!fs.existsSync(marker)) return true;
  return fs.statSync(lock).mtimeMs > fs.statSync(marker).mtimeMs;
}

if (stale()) {
  console.log('[baton] Installing node modules (npm ci)…');
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error('[baton] npm ci failed; see the output above. Check that the npm registry is reachable.');
    process.exit(result.status ?? 1);
  }
}

require('./lib/cli-build.js').ensureCliBuilt((line) => console.log(line));

const scripts = ['ensure-temporal-cli.ts'];
if (process.argv.includes('--topology')) scripts.push('ensure-temporal-server.ts');
for (const script of scripts) {
  const result = spawnSync(
    process.execPath,
    [require.resolve('tsx/cli', { paths: [root] }), path.join(root, 'scripts', script)],
    { cwd: root, stdio: 'inherit' },
  );
  if (result.status !== 0) process.exit(result.status ?? 1);
}

if (process.argv.includes('--sandbox') && process.env.BATON_UNSAFE_COMMANDS !== '1') {
  const result = spawnSync('bash', [path.join(root, 'scripts', 'ensure-bubblewrap.sh')], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
