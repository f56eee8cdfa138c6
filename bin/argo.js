#!/usr/bin/env node
// Launcher: keep this file tiny so `argo --help` and `argo version` start fast.
import module from 'node:module';
import path from 'node:path';

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

// Where Node has one (22.1+), its on-disk compile cache spares every later start compiling our
// modules again: start-up is mostly loading them. Node keys entries by its version and each file's
// contents, so a rebuild or another Node finds no stale code; NODE_DISABLE_COMPILE_CACHE=1 turns it
// off. A cache that cannot be written only costs that speed-up, never the command.
try {
  module.enableCompileCache?.(path.join(cacheDir(), 'compile-cache'));
} catch {
  // As above: run without it.
}

import('../dist/bundle/main.js')
  .then((m) => m.main(process.argv))
  .catch((err) => {
    process.stderr.write(`${err && err.message ? err.message : String(err)}\n`);
    process.exit(1);
  });
