#!/usr/bin/env node
// Launcher of the CLI's bundle. All of it runs on every command, so it loads nothing it can spare.
// It is CommonJS (bin/package.json says so): started as an ES module, Node first sets up its ES
// module loader (resolving, linking, import.meta) for this one file, a cost every command paid
// before any of ours ran (about 10 ms on Node 20, a fifth of `node -e 0`).
'use strict';
const path = require('node:path');

const {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} = require('node:fs');
const vm = require('node:vm');

/** The user's home folder: os.homedir() reads $HOME first too, and loading node:os costs every start. */
function homeDir() {
  return (process.platform !== 'win32' && process.env.HOME) || process.getBuiltinModule('node:os').homedir();
}

/** The user's cache folder for this program (XDG on Linux, as `argoHome()` does for data). */
function cacheDir() {
  const home = homeDir();
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Caches', 'argo-ts');
  if (process.platform === 'win32')
    return path.join(process.env.LOCALAPPDATA || path.join(home, 'AppData', 'Local'), 'argo-ts', 'Cache');
  const xdg = process.env.XDG_CACHE_HOME;
  return path.join(xdg && path.isAbsolute(xdg) ? xdg : path.join(home, '.cache'), 'argo-ts');
}

// The CLI is a bundle of CommonJS files (scripts/bundle.mjs) that this loads itself, to keep V8's
// code for them on disk. Node's own compile cache (module.enableCompileCache) saves a file's code
// when it is compiled, before it runs: it holds only the top level, and every start compiled again
// each function it calls (commander's and ours, a good part of what `argo version` spends). This
// saves the code once the first command that loaded a file is done, with the functions it ran.
// Entries are keyed by the file's name, size and modification time (a rebuild misses them), in a
// folder per Node version, architecture and install; V8 itself rejects code from another V8 or other
// flags, and a rejected entry is written again. Saving removes the install's entries that no file
// of its bundle has any more. NODE_DISABLE_COMPILE_CACHE=1 turns it off, as it does Node's. A cache
// that cannot be read or written only costs that speed-up, never the command.
const bundleDir = path.join(__dirname, '..', 'dist', 'bundle') + path.sep;

/** FNV-1a of a string, in hex: a short folder name for an install, without loading node:crypto. */
function fnv1a(text) {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash.toString(16);
}

const codeCacheDir =
  process.env.NODE_DISABLE_COMPILE_CACHE === '1'
    ? undefined
    : path.join(cacheDir(), 'code-cache', `${process.version}-${process.arch}`, fnv1a(bundleDir));
/** The bundle's files run so far, by name: each one's module, as require keeps them. */
const chunks = new Map();
/** Files whose code was not in the cache (or was rejected): saved at exit. */
const toSave = [];

/** The cache entry of a file of the bundle as it is now; undefined when it is gone. */
function entryName(file) {
  try {
    const { size, mtimeMs } = statSync(path.join(bundleDir, file));
    return `${file}-${size}-${Math.trunc(mtimeMs)}`;
  } catch {
    return undefined;
  }
}

function cachedCode(cacheFile) {
  try {
    return cacheFile === undefined ? undefined : readFileSync(cacheFile);
  } catch {
    return undefined;
  }
}

/** require() for the bundle's files: `./<file>.cjs` is one of them, anything else is Node's. */
function requireInBundle(id) {
  return id.startsWith('./') ? loadChunk(id.slice(2)) : require(id);
}
requireInBundle.resolve = require.resolve;

function loadChunk(file) {
  const known = chunks.get(file);
  if (known) return known.exports;
  const filename = path.join(bundleDir, file);
  const source = readFileSync(filename, 'utf8');
  const entry = codeCacheDir && entryName(file);
  const cacheFile = entry && path.join(codeCacheDir, entry);
  const cachedData = cachedCode(cacheFile);
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename,
    cachedData,
  });
  if (cacheFile && (cachedData === undefined || script.cachedDataRejected))
    toSave.push({ script, cacheFile });
  const m = { exports: {} };
  chunks.set(file, m);
  script.runInThisContext().call(m.exports, m.exports, requireInBundle, m, filename, bundleDir);
  return m.exports;
}

process.once('exit', () => {
  if (toSave.length === 0) return;
  try {
    mkdirSync(codeCacheDir, { recursive: true });
    for (const { script, cacheFile } of toSave) {
      // Written whole, then renamed: another argo starting meanwhile reads all of it or none.
      const partial = `${cacheFile}.${process.pid}`;
      writeFileSync(partial, script.createCachedData());
      renameSync(partial, cacheFile);
    }
    // Entries of files rebuilt or removed since (a written one stands for its file as it is now).
    for (const entry of readdirSync(codeCacheDir)) {
      const file = /^(.+\.cjs)-\d+-\d+$/.exec(entry)?.[1];
      if (file && entryName(file) !== entry) rmSync(path.join(codeCacheDir, entry), { force: true });
    }
  } catch {
    // As above: the next start compiles again.
  }
});

// What the bundle's files this process ran (test/e2e/startup-imports.test.ts reads it).
globalThis[Symbol.for('argo-ts.bundle.chunks')] = chunks;

Promise.resolve()
  .then(() => loadChunk('main.cjs').main(process.argv))
  .catch((err) => {
    process.stderr.write(`${err && err.message ? err.message : String(err)}\n`);
    process.exit(1);
  });
