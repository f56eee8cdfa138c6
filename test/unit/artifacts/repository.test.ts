// The embedded repository: keys as files of a folder, writes that are whole or absent, listings,
// deletes, and keys that cannot leave the folder.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ArtifactKeyError,
  ArtifactNotFoundError,
  LocalDirectoryRepository,
} from '../../../src/artifacts/index.js';

let dir: string;
let repo: LocalDirectoryRepository;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'artifacts-repo-'));
  repo = new LocalDirectoryRepository(path.join(dir, 'repo'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string): string {
  const p = path.join(dir, name);
  mkdirSync(path.dirname(p), { recursive: true });
  writeFileSync(p, content);
  return p;
}

describe('local directory repository', () => {
  it('stores a file under its key and reads it back', async () => {
    await repo.putFile('wf/pod/hello.tgz', file('in.txt', 'hello'));
    expect(await repo.stat('wf/pod/hello.tgz')).toBe('file');
    expect(await repo.stat('wf/pod')).toBe('directory');
    expect(await repo.stat('wf/nothing')).toBeUndefined();
    await repo.get('wf/pod/hello.tgz', path.join(dir, 'out', 'copy'));
    expect(readFileSync(path.join(dir, 'out', 'copy'), 'utf8')).toBe('hello');
    const chunks: Buffer[] = [];
    for await (const c of await repo.openRead('wf/pod/hello.tgz')) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('hello');
  });

  it('replaces an object as a whole and leaves no partial files behind', async () => {
    await repo.putFile('k', file('a', 'first'));
    await repo.putFile('k', file('b', 'second version'));
    expect(await readFile(repo.pathOf('k'), 'utf8')).toBe('second version');
    expect(readdirSync(path.join(dir, 'repo', '.partial'))).toEqual([]);
  });

  it('never shows a half-written object to a reader', async () => {
    const big = 'x'.repeat(8 * 1024 * 1024);
    const src = file('big', big);
    let done = false;
    const writing = repo.putFile('big/obj', src).then(() => (done = true));
    const seen = new Set<number>();
    while (!done) {
      try {
        seen.add((await readFile(repo.pathOf('big/obj'))).length);
      } catch {
        seen.add(-1);
      }
      await new Promise((r) => setImmediate(r));
    }
    await writing;
    seen.add((await readFile(repo.pathOf('big/obj'))).length);
    for (const size of seen) expect([-1, big.length]).toContain(size);
  });

  it('stores a folder under a prefix and merges later folders file by file', async () => {
    file('d1/a.json', '1');
    file('d1/sub/b.json', '2');
    await repo.putDirectory('wf/parts/', path.join(dir, 'd1'));
    file('d2/c.json', '3');
    await repo.putDirectory('wf/parts', path.join(dir, 'd2'));
    expect(await repo.list('wf/parts')).toEqual([
      'wf/parts/a.json',
      'wf/parts/c.json',
      'wf/parts/sub/b.json',
    ]);
    expect(await repo.list('')).toEqual(['wf/parts/a.json', 'wf/parts/c.json', 'wf/parts/sub/b.json']);
    await repo.get('wf/parts', path.join(dir, 'back'));
    expect(readFileSync(path.join(dir, 'back', 'sub', 'b.json'), 'utf8')).toBe('2');
  });

  it('deletes an object or a whole prefix, and empty parent folders with it', async () => {
    await repo.putFile('wf/pod/a', file('a', 'a'));
    await repo.putFile('wf/pod/b', file('b', 'b'));
    await repo.delete('wf/pod/a');
    expect(await repo.list('wf')).toEqual(['wf/pod/b']);
    await repo.delete('wf/pod/b');
    expect(readdirSync(path.join(dir, 'repo')).filter((f) => f !== '.partial')).toEqual([]);
    await repo.putFile('wf/pod/b', file('b', 'b'));
    await repo.delete('wf');
    expect(await repo.list('')).toEqual([]);
    await repo.delete('wf'); // nothing there: not an error
  });

  it('refuses keys that would leave the repository', async () => {
    const src = file('a', 'a');
    await expect(repo.putFile('../escape', src)).rejects.toThrow(ArtifactKeyError);
    await expect(repo.putFile('a/../../escape', src)).rejects.toThrow(ArtifactKeyError);
    await expect(repo.get('.partial/x', path.join(dir, 'x'))).rejects.toThrow(ArtifactNotFoundError);
  });

  it('reports a missing key as not found', async () => {
    await expect(repo.get('missing', path.join(dir, 'x'))).rejects.toThrow(ArtifactNotFoundError);
    await expect(repo.openRead('missing')).rejects.toThrow(ArtifactNotFoundError);
  });
});
