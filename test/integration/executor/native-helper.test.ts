// The compiled helpers' per-user cache: a second fresh home takes the cached binary without
// running the compiler, a changed source is compiled anew, and a cache that cannot be written
// leaves each home compiling its own. The compiler is a PATH-injected `cc` that records its calls.
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { compileHelper, helperCacheDir } from '../../../src/executor/host/native-helper.js';
import { compileShim } from '../../../src/executor/host/shim.js';

const realCc = ['cc', 'gcc', 'clang']
  .map((cc) => {
    try {
      return execFileSync('sh', ['-c', `command -v ${cc}`], { encoding: 'utf8' }).trim();
    } catch {
      return '';
    }
  })
  .find(Boolean);

const program = (text: string): string =>
  `#include <stdio.h>\nint main(void) { puts("${text}"); return 0; }\n`;

describe.runIf(process.platform === 'linux' && realCc)('compiled helper cache', () => {
  let dir: string;
  let log: string;
  const saved = { PATH: process.env.PATH, CC: process.env.CC, cache: process.env.ARGO_TS_HELPER_CACHE };

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'argo-helper-cache-'));
    log = path.join(dir, 'cc.log');
    const bin = path.join(dir, 'fakebin');
    mkdirSync(bin);
    writeFileSync(path.join(bin, 'cc'), `#!/bin/sh\necho "$*" >> '${log}'\nexec '${realCc}' "$@"\n`, {
      mode: 0o755,
    });
    process.env.PATH = `${bin}${path.delimiter}${saved.PATH ?? ''}`;
    delete process.env.CC;
  });
  afterAll(() => {
    for (const [k, v] of [
      ['PATH', saved.PATH],
      ['CC', saved.CC],
      ['ARGO_TS_HELPER_CACHE', saved.cache],
    ] as const)
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    rmSync(log, { force: true });
    process.env.ARGO_TS_HELPER_CACHE = path.join(dir, `cache-${Math.random().toString(36).slice(2)}`);
  });

  const compilerCalls = (): number =>
    existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').length : 0;
  const home = (): string => mkdtempSync(path.join(dir, 'home-'));

  it('compiles once for two fresh homes, each of which gets its own runnable copy', async () => {
    const first = await compileShim(path.join(home(), 'host', 'bin'));
    expect(first).toBeDefined();
    expect(compilerCalls()).toBe(1);
    const second = await compileShim(path.join(home(), 'host', 'bin'));
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
    expect(compilerCalls()).toBe(1);
    // A file of the home's own, not a link out of it, identical to the first.
    expect(lstatSync(second!).isSymbolicLink()).toBe(false);
    expect(readFileSync(second!).equals(readFileSync(first!))).toBe(true);
    // The cache folder holds the binary and nothing half-written.
    expect(readdirSync(process.env.ARGO_TS_HELPER_CACHE!)).toEqual([
      expect.stringMatching(/^argo-shim-[0-9a-f]{12}$/),
    ]);
  });

  it('compiles a changed source anew and runs the new one', async () => {
    const a = await compileHelper(path.join(home(), 'bin'), 'hello', program('one'));
    const b = await compileHelper(path.join(home(), 'bin'), 'hello', program('two'));
    expect(compilerCalls()).toBe(2);
    expect(execFileSync(a!, { encoding: 'utf8' })).toBe('one\n');
    expect(execFileSync(b!, { encoding: 'utf8' })).toBe('two\n');
    // And the first source again, in a third home, comes from the cache.
    const c = await compileHelper(path.join(home(), 'bin'), 'hello', program('one'));
    expect(compilerCalls()).toBe(2);
    expect(execFileSync(c!, { encoding: 'utf8' })).toBe('one\n');
  });

  it('concurrent first runs compile once and all get a working helper', async () => {
    const files = await Promise.all(
      [1, 2, 3].map(() => compileHelper(path.join(home(), 'bin'), 'hello', program('together'))),
    );
    expect(compilerCalls()).toBe(1);
    for (const f of files) expect(execFileSync(f!, { encoding: 'utf8' })).toBe('together\n');
  });

  it('compiles into each home when the cache folder cannot be made', async () => {
    const blocker = path.join(dir, 'a-file');
    writeFileSync(blocker, '');
    process.env.ARGO_TS_HELPER_CACHE = path.join(blocker, 'helpers');
    const a = await compileHelper(path.join(home(), 'bin'), 'hello', program('fallback'));
    const b = await compileHelper(path.join(home(), 'bin'), 'hello', program('fallback'));
    expect(compilerCalls()).toBe(2);
    expect(execFileSync(a!, { encoding: 'utf8' })).toBe('fallback\n');
    expect(execFileSync(b!, { encoding: 'utf8' })).toBe('fallback\n');
  });

  // Root writes through a read-only mode, so only another user can see this case.
  it.runIf(process.getuid?.() !== 0)(
    'compiles into the home when the cache folder is read-only',
    async () => {
      const cache = process.env.ARGO_TS_HELPER_CACHE!;
      mkdirSync(cache);
      chmodSync(cache, 0o555);
      const a = await compileHelper(path.join(home(), 'bin'), 'hello', program('read-only'));
      expect(compilerCalls()).toBe(1);
      expect(execFileSync(a!, { encoding: 'utf8' })).toBe('read-only\n');
      expect(readdirSync(cache)).toEqual([]);
      chmodSync(cache, 0o755);
    },
  );

  it('is placed by ARGO_TS_HELPER_CACHE, else under XDG_CACHE_HOME, and turned off by an empty value', () => {
    expect(helperCacheDir({ ARGO_TS_HELPER_CACHE: '/x/y' })).toBe('/x/y');
    expect(helperCacheDir({ ARGO_TS_HELPER_CACHE: '' })).toBeUndefined();
    expect(helperCacheDir({ XDG_CACHE_HOME: '/c' })).toBe('/c/argo-ts/helpers');
    expect(helperCacheDir({ XDG_CACHE_HOME: 'relative' })).toMatch(/\/\.cache\/argo-ts\/helpers$/);
  });
});
