// bin/argo.js turns on Node's on-disk compile cache (Node 22.1+) in the user's cache folder, so
// later starts skip compiling the CLI's modules; where that folder cannot be written, or the Node
// has no compile cache, the command runs as before.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import module from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from './cli.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'argo-compile-cache-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function version(cacheHome: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_CACHE_HOME: cacheHome, KUBECONFIG: '/dev/null' };
  for (const k of ['NODE_COMPILE_CACHE', 'NODE_DISABLE_COMPILE_CACHE', 'NODE_OPTIONS']) delete env[k];
  return spawnSync(process.execPath, [path.join(repoRoot, 'bin/argo.js'), 'version'], {
    env,
    encoding: 'utf8',
  });
}

describe('compile cache', () => {
  it.runIf(typeof (module as { enableCompileCache?: unknown }).enableCompileCache === 'function')(
    'keeps the compiled modules under the user cache folder',
    () => {
      const cacheHome = path.join(dir, 'cache');
      const r = version(cacheHome);
      expect(r.status).toBe(0);
      // Node keeps one folder per Node version, holding an entry per compiled module: the launcher
      // and the files of the bundle that `version` runs.
      const [perNode] = readdirSync(path.join(cacheHome, 'argo-ts', 'compile-cache'));
      expect(readdirSync(path.join(cacheHome, 'argo-ts', 'compile-cache', perNode)).length).toBeGreaterThan(
        2,
      );
    },
  );

  it('runs the command when the cache folder cannot be made', () => {
    const notAFolder = path.join(dir, 'a-file');
    writeFileSync(notAFolder, '');
    const r = version(notAFolder);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^argo: v/m);
    expect(r.stderr).toBe('');
  });
});
