#!/usr/bin/env node
// The `baton` command. In a checkout it runs the TypeScript sources through tsx, so `npx baton`
// works on a fresh clone and never runs a stale build; where only dist/ ships (the Docker image),
// it runs the compiled CLI.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const source = path.join(__dirname, '..', 'src', 'cli.ts');
let cli;
if (fs.existsSync(source)) {
  require('tsx/cjs/api').register();
  cli = require(source);
} else {
  cli = require(path.join(__dirname, '..', 'dist', 'cli.js'));
}
const controller = new AbortController();
for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => controller.abort());
cli.main({ argv: process.argv.slice(2), signal: controller.signal }).then(
  (code) => (process.exitCode = code),
  (err) => {
    console.error(`baton: ${err && err.message ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
