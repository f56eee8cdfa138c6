import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreFileRemoval } from '../../../src/client/local/store-file-removal.js';

let home: string;
let file: string;

beforeEach(() => {
  home = mkdtempSync(path.join(os.tmpdir(), 'argo-store-file-'));
  file = path.join(home, 'argo.db');
  writeFileSync(file, 'db');
});

afterEach(() => rmSync(home, { recursive: true, force: true }));

describe('StoreFileRemoval', () => {
  it('says nothing while the file opened is where it was, written to or not', () => {
    const watch = new StoreFileRemoval(file);
    writeFileSync(file, 'more', { flag: 'a' });
    expect(watch.removed()).toBe(false);
  });

  it('tells the file removed with its home', () => {
    const watch = new StoreFileRemoval(file);
    rmSync(home, { recursive: true, force: true });
    expect(watch.removed()).toBe(true);
  });

  it('tells the file replaced by another at its path (a new home where the old one was)', () => {
    const watch = new StoreFileRemoval(file);
    const other = path.join(home, 'other.db');
    writeFileSync(other, 'db');
    renameSync(other, file);
    expect(watch.removed()).toBe(true);
  });

  it('tells nothing of a file that was not there when it began', () => {
    const watch = new StoreFileRemoval(path.join(home, 'none.db'));
    expect(watch.removed()).toBe(false);
  });
});
