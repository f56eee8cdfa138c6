// Artifact archives as argoexec makes and reads them: tar+gzip with the base name on top (and the
// compression level honoured), zip, and unpacking a single top entry straight to the destination.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isTarball, packTarGz, packZip, unpack } from '../../../src/artifacts/index.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'artifacts-archive-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const at = (...p: string[]): string => path.join(dir, ...p);

function tree(): string {
  mkdirSync(at('src', 'out', 'sub'), { recursive: true });
  writeFileSync(at('src', 'out', 'a.txt'), 'alpha');
  writeFileSync(at('src', 'out', 'sub', 'b.txt'), 'beta');
  return at('src', 'out');
}

describe('tar+gzip', () => {
  it('round-trips a file to the destination path itself', async () => {
    writeFileSync(at('hello.txt'), 'hello world\n');
    await packTarGz(at('hello.txt'), at('art.tgz'));
    expect(await isTarball(at('art.tgz'))).toBe(true);
    await unpack(at('art.tgz'), at('dest', 'message'), 'tgz');
    expect(readFileSync(at('dest', 'message'), 'utf8')).toBe('hello world\n');
  });

  it('round-trips a folder', async () => {
    await packTarGz(tree(), at('art.tgz'));
    await unpack(at('art.tgz'), at('dest'), 'tgz');
    expect(readFileSync(at('dest', 'sub', 'b.txt'), 'utf8')).toBe('beta');
    expect(readFileSync(at('dest', 'a.txt'), 'utf8')).toBe('alpha');
  });

  it('compresses as the level says (0 stores, 9 shrinks)', async () => {
    writeFileSync(at('big.txt'), 'abc'.repeat(100_000));
    await packTarGz(at('big.txt'), at('l0.tgz'), 0);
    await packTarGz(at('big.txt'), at('l9.tgz'), 9);
    expect(statSync(at('l0.tgz')).size).toBeGreaterThan(300_000);
    expect(statSync(at('l9.tgz')).size).toBeLessThan(5_000);
    await unpack(at('l0.tgz'), at('back'), 'tgz');
    expect(readFileSync(at('back'), 'utf8')).toBe('abc'.repeat(100_000));
  });

  it('tells a tarball from a plain or merely gzipped file', async () => {
    writeFileSync(at('plain'), 'not an archive');
    expect(await isTarball(at('plain'))).toBe(false);
    const { gzipSync } = await import('node:zlib');
    writeFileSync(at('just.gz'), gzipSync(Buffer.from('x'.repeat(2000))));
    expect(await isTarball(at('just.gz'))).toBe(false);
  });
});

describe('zip', () => {
  it('round-trips a folder and a file', async () => {
    await packZip(tree(), at('art.zip'));
    await unpack(at('art.zip'), at('dest'), 'zip');
    expect(readFileSync(at('dest', 'sub', 'b.txt'), 'utf8')).toBe('beta');
    writeFileSync(at('one.txt'), 'one');
    await packZip(at('one.txt'), at('one.zip'));
    await unpack(at('one.zip'), at('single'), 'zip');
    expect(readFileSync(at('single'), 'utf8')).toBe('one');
  });
});
