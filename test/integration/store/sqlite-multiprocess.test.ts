import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHILD_SCRIPT } from './child-script.js';
import { compileStore } from './compile-store.js';
import { collect, latestOf, openTempStore, tempDir, waitFor } from './helpers.js';

let workDir: string;

beforeAll(() => {
  // Not tempDir(): that one is removed after each test, and this one serves them all.
  workDir = mkdtempSync(path.join(tmpdir(), 'argo-store-child-'));
  compileStore(workDir);
  writeFileSync(path.join(workDir, 'child.mjs'), CHILD_SCRIPT);
});

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runChild(
  mode: string,
  dbPath: string,
  args: unknown = {},
  timeoutMs = 20_000,
): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['child.mjs', mode, dbPath, JSON.stringify(args)], {
      cwd: workDir,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`child ${mode} did not exit within ${timeoutMs}ms; stderr: ${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('SqliteStore across processes', () => {
  it('loses no update when two processes increment the same objects', async () => {
    const dir = tempDir();
    const dbPath = path.join(dir, 'argo.db');
    const store = openTempStore({}, dir);
    const ops = 200;
    const objects = 10;
    const startAt = Date.now() + 500;
    const results = await Promise.all(
      [1, 2].map(() => runChild('increment', dbPath, { ops, objects, workers: 4, startAt })),
    );
    for (const r of results) expect(r.stderr + `exit ${r.code}`).toBe('exit 0');
    const conflicts = results.map((r) => JSON.parse(r.stdout).conflicts as number);
    const list = await store.list<{ metadata: { name?: string }; data?: { count: string } }>('ConfigMap');
    expect(list.items).toHaveLength(objects);
    for (const cm of list.items) expect(cm.data?.count).toBe(String((2 * ops) / objects));
    // Every successful update is one version: 10 creates + 400 updates, nothing more, nothing lost.
    expect(list.resourceVersion).toBe(String(objects + 2 * ops));
    console.log(`two processes, ${2 * ops} increments: ${conflicts.join(' + ')} conflicts retried`);
  });

  it('delivers writes made by another process to a watch here', async () => {
    const dir = tempDir();
    const store = openTempStore({ pollIntervalMs: 25 }, dir);
    const w = collect(store, 'Workflow');
    await new Promise((r) => setTimeout(r, 20));
    const child = await runChild('write', path.join(dir, 'argo.db'), { count: 5 });
    expect(child.stderr + `exit ${child.code}`).toBe('exit 0');
    // A watch reading the log late sees each object's latest state (child-0's ADDED may come with
    // its final state, when the poll ran after the patch), every object first as ADDED.
    await waitFor(
      () => latestOf(w.events).get('child-0')?.status?.phase === 'Succeeded' && latestOf(w.events).size === 5,
      3000,
      'every child and the final state of child-0',
    );
    for (let i = 0; i < 5; i++) {
      expect(w.summary().find((s) => s.endsWith(` child-${i}`))).toBe(`ADDED child-${i}`);
    }
    const versions = w.events.map((e) => Number(e.object.metadata.resourceVersion));
    expect(versions).toEqual([...new Set(versions)].sort((a, b) => a - b));
  });

  it('lets a process with an open watch and store exit on its own', async () => {
    const child = await runChild('watch-and-leave', path.join(tempDir(), 'argo.db'), {}, 10_000);
    expect(child.stderr).toBe('');
    expect(child.stdout.trim()).toBe('done');
    expect(child.code).toBe(0);
  });

  it('gives a contested lease to exactly one process', async () => {
    const dir = tempDir();
    const dbPath = path.join(dir, 'argo.db');
    openTempStore({}, dir); // creates the schema before the race
    for (let round = 0; round < 3; round++) {
      const startAt = Date.now() + 400;
      const results = await Promise.all(
        ['a', 'b', 'c'].map((holder) =>
          runChild('lease', dbPath, { name: `lease-${round}`, holder, startAt }),
        ),
      );
      const wins = results.map((r) => {
        expect(r.stderr).toBe('');
        return JSON.parse(r.stdout).won as boolean;
      });
      expect(wins.filter(Boolean)).toHaveLength(1);
    }
  });
});
