// The run journal a runtime keeps per pod: a runtime that stops and lets its pods go names no owner
// in each record, and a pod that already ended (its record removed) is simply passed over.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunJournal } from '../../../src/executor/host/run-journal.js';

let home: string;
beforeEach(() => {
  home = mkdtempSync(path.join(os.tmpdir(), 'run-journal-'));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

describe('RunJournal', () => {
  it('records who runs the pod, and lets it go with an empty owner', () => {
    const j = new RunJournal(home, 'default', 'pod-a');
    j.begin('uid-1', 'runtime-1');
    expect(j.read()).toEqual({ uid: 'uid-1', owner: 'runtime-1' });
    j.claim('uid-1', '');
    expect(j.read()).toEqual({ uid: 'uid-1', owner: '' });
  });

  it('passes over a pod whose record is already removed, as a stop after the pod ended does', async () => {
    const j = new RunJournal(home, 'default', 'pod-b');
    j.begin('uid-2', 'runtime-1');
    await j.remove();
    expect(() => j.claim('uid-2', '')).not.toThrow();
    expect(j.read()).toBeUndefined();
    expect(RunJournal.all(home)).toEqual([]);
  });
});
