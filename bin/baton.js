#!/usr/bin/env node
// The `baton` command. It runs the compiled JavaScript in dist/: in a checkout, the sources are
// compiled (with esbuild, about a second) the first time and again whenever something under src/
// has changed since, so a fresh clone and an edited checkout both run current code without tsx.
// Where only dist/ ships (the Docker image) it runs that as it is.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
if (fs.existsSync(path.join(root, 'src'))) {
  require(path.join(root, 'scripts', 'lib', 'cli-build.js')).ensureCliBuilt((line) =>
    process.stderr.write(`${line}\n`),
  );
}
const cli = require(path.join(root, 'dist', 'cli.js'));
const controller = new AbortController();
for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => controller.abort());
cli.main({ argv: process.argv.slice(2), signal: controller.signal }).then(
  (code) => (process.exitCode = code),
  (err) => {
    console.error(`baton: ${err && err.message ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
