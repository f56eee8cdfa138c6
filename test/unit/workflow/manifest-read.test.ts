// Reading files and directories of manifests the way `argo lint` and `argo submit` take paths.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManifestError } from '../../../src/workflow/manifest/parse.js';
import { ManifestReadError, readManifestFiles, readManifests } from '../../../src/workflow/manifest/read.js';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'manifests-'));
  writeFileSync(join(dir, 'b.yaml'), 'kind: ConfigMap\nmetadata: {name: b}\n');
  writeFileSync(join(dir, 'a.yml'), 'kind: ConfigMap\nmetadata: {name: a}\n');
  writeFileSync(join(dir, 'c.json'), '{"kind": "ConfigMap", "metadata": {"name": "c"}}');
  writeFileSync(join(dir, 'notes.txt'), 'kind: ConfigMap\n');
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'sub', 'd.yaml'), 'kind: ConfigMap\nmetadata: {name: d}\n');
  writeFileSync(join(dir, 'bad.txt'), 'a: [\n');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readManifestFiles', () => {
  it('walks directories in lexical order, reading manifest extensions only', async () => {
    const sources = await readManifestFiles([dir]);
    expect(sources.map((s) => s.source)).toEqual([
      join(dir, 'a.yml'),
      join(dir, 'b.yaml'),
      join(dir, 'c.json'),
      join(dir, 'sub', 'd.yaml'),
    ]);
  });

  it('can stay at the top level', async () => {
    const sources = await readManifestFiles([dir], { recursive: false });
    expect(sources.map((s) => s.source)).toEqual([
      join(dir, 'a.yml'),
      join(dir, 'b.yaml'),
      join(dir, 'c.json'),
    ]);
  });

  it('reads a named file whatever its extension, unless filtering all paths as lint does', async () => {
    const named = join(dir, 'notes.txt');
    expect((await readManifestFiles([named])).map((s) => s.source)).toEqual([named]);
    expect(await readManifestFiles([named], { extensionFilter: 'all' })).toEqual([]);
  });

  it('reads standard input for -', async () => {
    const sources = await readManifestFiles(['-'], { readStdin: async () => 'kind: X\n' });
    expect(sources).toEqual([{ source: 'stdin', text: 'kind: X\n' }]);
  });

  it('names a path that does not exist', async () => {
    const missing = join(dir, 'missing.yaml');
    await expect(readManifestFiles([missing])).rejects.toThrow(
      new ManifestReadError(missing, `open ${missing}: no such file or directory`),
    );
    await expect(readManifestFiles([missing], { extensionFilter: 'all' })).rejects.toThrow(
      `lstat ${missing}: no such file or directory`,
    );
  });
});

describe('readManifests', () => {
  it('parses every file read', async () => {
    const manifests = await readManifests([dir]);
    expect(manifests.map((m) => (m.object.metadata as { name: string }).name)).toEqual(['a', 'b', 'c', 'd']);
    expect(manifests.map((m) => m.index)).toEqual([0, 0, 0, 0]);
  });

  it('names the file with a syntax error', async () => {
    await expect(readManifests([join(dir, 'bad.txt')])).rejects.toThrow(ManifestError);
    await expect(readManifests([join(dir, 'bad.txt')])).rejects.toThrow(
      new RegExp(`^${join(dir, 'bad.txt')}:\\d+:\\d+: `),
    );
  });
});
