// bin/argo.js keeps V8's code for the files of the CLI's bundle in the user's cache folder, saved
// after the first command that ran them, so later starts compile none of what they run; an entry
// that cannot be used is written again, and where that folder cannot be written the command runs
// as before.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from './cli.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'argo-compile-cache-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function version(cacheHome: string, extra: NodeJS.ProcessEnv = {}) {
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_CACHE_HOME: cacheHome, KUBECONFIG: '/dev/null' };
  for (const k of ['NODE_COMPILE_CACHE', 'NODE_DISABLE_COMPILE_CACHE', 'NODE_OPTIONS']) delete env[k];
  return spawnSync(process.execPath, [path.join(repoRoot, 'bin/argo.js'), 'version'], {
    env: { ...env, ...extra },
    encoding: 'utf8',
  });
}

/** The folder of this Node's entries for this install under a cache home, and the entries in it. */
function entries(cacheHome: string): { folder: string; files: string[] } {
  const perNode = path.join(cacheHome, 'argo-ts', 'code-cache', `${process.version}-${process.arch}`);
  const installs = readdirSync(perNode);
  expect(installs).toHaveLength(1);
  const folder = path.join(perNode, installs[0]);
  return { folder, files: readdirSync(folder).sort() };
}

describe('code cache', () => {
  it('keeps the code of the bundle files a command ran, one entry each, under the user cache folder', () => {
    const cacheHome = path.join(dir, 'cache');
    const r = version(cacheHome);
    expect(r.status).toBe(0);
    const { files } = entries(cacheHome);
    // The entry point, the command tree and the bundler's runtime; nothing half written.
    expect(files.some((f) => f.startsWith('main.cjs-'))).toBe(true);
    expect(files.some((f) => f.startsWith('cli-'))).toBe(true);
    expect(files.filter((f) => /\.\d+$/.test(f))).toEqual([]);
    // A second start uses them: nothing is written again.
    const before = files.map((f) => readFileSync(path.join(entries(cacheHome).folder, f)));
    expect(version(cacheHome).status).toBe(0);
    expect(entries(cacheHome).files).toEqual(files);
    expect(files.map((f) => readFileSync(path.join(entries(cacheHome).folder, f)))).toEqual(before);
  });

  it('writes again an entry V8 does not take, and then removes those of files no longer built', () => {
    const cacheHome = path.join(dir, 'spoilt');
    expect(version(cacheHome).status).toBe(0);
    const { folder, files } = entries(cacheHome);
    const cli = path.join(
      folder,
      files.find((f) => f.startsWith('cli-'))!,
    );
    writeFileSync(cli, 'not code');
    // The entry of a chunk an earlier build made.
    writeFileSync(path.join(folder, 'cli-0ldBu1ld.cjs-204072-1700000000000'), 'old code');
    const r = version(cacheHome);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^argo: v/m);
    expect(readFileSync(cli, 'utf8')).not.toBe('not code');
    expect(entries(cacheHome).files).toEqual(files);
  });

  it('is not kept with NODE_DISABLE_COMPILE_CACHE=1', () => {
    const cacheHome = path.join(dir, 'disabled');
    const r = version(cacheHome, { NODE_DISABLE_COMPILE_CACHE: '1' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^argo: v/m);
    expect(() => readdirSync(path.join(cacheHome, 'argo-ts', 'code-cache'))).toThrow();
  });

  it('runs the command when the cache folder cannot be made', () => {
    const notAFolder = path.join(dir, 'a-file');
    writeFileSync(notAFolder, '');
    const r = version(notAFolder);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^argo: v/m);
    expect(r.stderr).toBe('');
  });
});
