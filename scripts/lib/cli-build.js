// The compiled CLI: src/ transpiled to dist/ by esbuild (one JavaScript file per module, no
// bundling, no type check: `tsc` does that in `npm run check`), so `baton` starts with plain
// `require`s instead of compiling TypeScript at run time. bin/baton.js calls `ensureCliBuilt` on
// every run: it compares the newest modification time under src/ (files and folders, so added,
// deleted and renamed files count) with the stamp of the last build, and rebuilds only when
// something changed. Plain JavaScript on purpose: it runs before anything is compiled.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const defaultRoot = path.join(__dirname, '..', '..');
/** Bumped when the build itself changes, so older outputs are rebuilt. */
const BUILD_VERSION = 2;

const dirs = (root) => ({
  srcDir: path.join(root, 'src'),
  outDir: path.join(root, 'dist'),
  stampFile: path.join(root, 'dist', '.cli-build.json'),
});

/** Newest mtime (ms) of src/, its folders and its .ts files, and the paths of those files. */
function scanSources(root = defaultRoot) {
  let newest = fs.statSync(__filename).mtimeMs;
  const files = [];
  const walk = (dir) => {
    newest = Math.max(newest, fs.statSync(dir).mtimeMs);
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
        files.push(full);
        newest = Math.max(newest, fs.statSync(full).mtimeMs);
      }
    }
  };
  walk(dirs(root).srcDir);
  return { newest, files };
}

function readStamp(root) {
  try {
    return JSON.parse(fs.readFileSync(dirs(root).stampFile, 'utf8'));
  } catch {
    return undefined;
  }
}

/** True when dist/ holds a build of the current sources. */
function isCliBuildFresh(root = defaultRoot, scan = scanSources(root)) {
  const stamp = readStamp(root);
  return !!stamp && stamp.version === BUILD_VERSION && stamp.sources_mtime_ms >= scan.newest;
}

/**
 * Transpiles every module under src/ into dist/. Each file is written to a temporary name and
 * renamed into place, so a `baton` running meanwhile reads either the old or the new file, never a
 * half-written one, and two builds at once write the same bytes.
 */
function buildCli(root = defaultRoot, scan = scanSources(root), log = () => {}) {
  const started = Date.now();
  const { srcDir, outDir, stampFile } = dirs(root);
  const esbuild = require('esbuild');
  const result = esbuild.buildSync({
    entryPoints: scan.files,
    outbase: srcDir,
    outdir: outDir,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    // `import()` becomes a deferred `require()`: a lazily loaded module then stays on the CommonJS
    // path instead of starting Node's ESM loader for one CommonJS file.
    supported: { 'dynamic-import': false },
    sourcemap: 'linked',
    bundle: false,
    write: false,
    logLevel: 'silent',
  });
  for (const file of result.outputFiles) {
    fs.mkdirSync(path.dirname(file.path), { recursive: true });
    const tmp = `${file.path}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, file.contents);
    fs.renameSync(tmp, file.path);
  }
  const stampTmp = `${stampFile}.${process.pid}.tmp`;
  fs.writeFileSync(
    stampTmp,
    JSON.stringify({ version: BUILD_VERSION, sources_mtime_ms: scan.newest, files: scan.files.length }),
  );
  fs.renameSync(stampTmp, stampFile);
  log(`[baton] compiled ${scan.files.length} modules into dist/ in ${Date.now() - started} ms`);
}

/**
 * Builds dist/ when it is missing or older than the sources; returns true when it built. Does
 * nothing where there is no src/ (an image that ships dist/ only).
 */
function ensureCliBuilt(log = () => {}, root = defaultRoot) {
  if (!fs.existsSync(dirs(root).srcDir)) return false;
  const scan = scanSources(root);
  if (isCliBuildFresh(root, scan)) return false;
  buildCli(root, scan, log);
  return true;
}

module.exports = { ensureCliBuilt, buildCli, isCliBuildFresh, scanSources };
