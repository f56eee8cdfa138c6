// The change log stays proportional: no copy of an object per write, a deleted object's rows go
// with it, last states past a byte budget become tombstones, old rows are compacted by age (410
// after), and the file returns near its size before once what was written is deleted.
import { createRequire } from 'node:module';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { StoreError } from '../../../src/store/types.js';
import { collect, openTempStore, tempDir, waitFor, wf } from './helpers.js';

const Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;

/** Reads the log as the file holds it, through a connection of its own. */
function logRows(dbPath: string, name?: string): { rows: number; stateBytes: number } {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db
      .prepare(
        `SELECT count(*) AS rows, coalesce(sum(length(CAST(s.state AS BLOB))), 0) AS stateBytes
         FROM changes c LEFT JOIN last_states s USING (resource_version) WHERE @name IS NULL OR c.name = @name`,
      )
      .get({ name: name ?? null }) as { rows: number; stateBytes: number };
  } finally {
    db.close();
  }
}

const big = (kb: number): string => 'x'.repeat(kb * 1024);

function fileBytes(dbPath: string): number {
  return statSync(dbPath).size;
}

describe('SqliteStore change log', () => {
  it('keeps no copy of the object per write', async () => {
    const dir = tempDir();
    const dbPath = path.join(dir, 'argo.db');
    const store = openTempStore({}, dir);
    await store.create('Workflow', wf('w', { spec: { blob: big(200) } }));
    for (let i = 0; i < 50; i++) await store.patch('Workflow', 'argo', 'w', { status: { step: i } });
    const log = logRows(dbPath);
    expect(log.rows).toBe(51);
    expect(log.stateBytes).toBe(0);
    await store.close();
    // 50 copies would be 10 MB; the object once (plus pages SQLite reuses) is what remains.
    expect(fileBytes(dbPath)).toBeLessThan(1024 * 1024);
  });

  it("drops a deleted object's rows, keeping the deletion with its last state", async () => {
    const dir = tempDir();
    const dbPath = path.join(dir, 'argo.db');
    const store = openTempStore({}, dir);
    await store.create('Workflow', wf('other'));
    const before = store.currentResourceVersion();
    await store.create('Workflow', wf('x', { metadata: { labels: { app: 'a' } } }));
    const born = store.currentResourceVersion();
    for (let i = 0; i < 20; i++) await store.patch('Workflow', 'argo', 'x', { status: { step: i } });
    await store.delete('Workflow', 'argo', 'x');
    expect(logRows(dbPath, 'x')).toEqual({ rows: 1, stateBytes: expect.any(Number) });
    expect(logRows(dbPath, 'x').stateBytes).toBeGreaterThan(0);
    // A watch that saw x gets its deletion with the last state; one from before x never saw it.
    const saw = collect(store, 'Workflow', { resourceVersion: born });
    const never = collect(store, 'Workflow', { resourceVersion: before });
    await saw.until(1);
    await store.create('Workflow', wf('after'));
    await never.until(1);
    expect(saw.summary()).toEqual(['DELETED x', 'ADDED after']);
    expect(saw.events[0].object).toMatchObject({ status: { step: 19 }, metadata: { labels: { app: 'a' } } });
    expect(never.summary()).toEqual(['ADDED after']);
  });

  it('keeps the deletion of an earlier life when the name is created and deleted again', async () => {
    const store = openTempStore();
    await store.create('ConfigMap', wf('c'));
    const sawFirst = store.currentResourceVersion();
    await store.delete('ConfigMap', 'argo', 'c');
    await store.create('ConfigMap', wf('c'));
    await store.delete('ConfigMap', 'argo', 'c');
    const w = collect(store, 'ConfigMap', { resourceVersion: sawFirst });
    await w.until(1);
    await store.create('ConfigMap', wf('end'));
    // The first life's deletion reaches the watch that held it; the second life came and went.
    expect(w.summary()).toEqual(['DELETED c', 'ADDED end']);
  });

  it('turns last states past the byte budget into tombstones with the key and labels', async () => {
    const dir = tempDir();
    const dbPath = path.join(dir, 'argo.db');
    // Compaction runs every other write with a row limit of 20.
    const store = openTempStore({ changeLogRetention: 20, changeLogStateBytes: 30 * 1024 }, dir);
    for (const n of ['a', 'b', 'c']) {
      await store.create('ConfigMap', wf(n, { metadata: { labels: { n } }, data: { v: big(20) } }));
    }
    const from = store.currentResourceVersion();
    await store.delete('ConfigMap', 'argo', 'a');
    await store.delete('ConfigMap', 'argo', 'b');
    await store.delete('ConfigMap', 'argo', 'c');
    await store.create('ConfigMap', wf('d'));
    expect(logRows(dbPath).stateBytes).toBeLessThanOrEqual(30 * 1024);
    const w = collect(store, 'ConfigMap', { resourceVersion: from });
    await w.until(4);
    expect(w.summary()).toEqual(['DELETED a', 'DELETED b', 'DELETED c', 'ADDED d']);
    // The oldest deletions lost their states; each still names the object, its labels and version.
    expect(w.events[0].object).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'a',
        namespace: 'argo',
        resourceVersion: String(Number(from) + 1),
        labels: { n: 'a' },
      },
    });
    expect(w.events[2].object).toMatchObject({ data: { v: big(20) } });
  });

  it('compacts rows by age, as etcd does, and a watch from before gets 410 Gone', async () => {
    // The row limit is far off: only age can compact here.
    const store = openTempStore({ changeLogMaxAgeMs: 50, changeLogRetention: 100_000 });
    await store.create('ConfigMap', wf('first'));
    const deadline = Date.now() + 10_000;
    let err: StoreError | undefined;
    for (let i = 0; !err; i++) {
      if (Date.now() > deadline) throw new Error('the first write was never compacted');
      // Writes go on until the first one is older than the limit and a compaction has run.
      await store.create('ConfigMap', wf(`cm-${i}`));
      const probe = collect(store, 'ConfigMap', { resourceVersion: '1' });
      await waitFor(() => probe.errors.length + probe.events.length > 0, 2000, 'the probe');
      err = probe.errors[0] as StoreError | undefined;
      probe.stop();
    }
    expect(err.code).toBe(410);
    expect(err.message).toMatch(/^too old resource version: 1 \(\d+\)$/);
    expect(Number(store.currentResourceVersion())).toBeLessThan(100_000);
    // The newest row always stays, so a watch from the current version resumes.
    const recent = collect(store, 'ConfigMap', { resourceVersion: store.currentResourceVersion() });
    await store.create('ConfigMap', wf('last'));
    await recent.until(1);
    expect(recent.summary()).toEqual(['ADDED last']);
    expect(recent.errors).toEqual([]);
  });

  it('returns the file near its size before, once what was written is deleted', async () => {
    const dir = tempDir();
    const dbPath = path.join(dir, 'argo.db');
    const first = openTempStore({}, dir);
    await first.create('Workflow', wf('baseline'));
    await first.close();
    const baseline = fileBytes(dbPath);
    const store = openTempStore({}, dir);
    await store.create('Workflow', wf('big', { spec: { blob: big(2048) } }));
    for (let i = 0; i < 200; i++) {
      await store.create(
        'Pod',
        wf(`p-${i}`, { metadata: { labels: { wf: 'big' } }, spec: { blob: big(20) } }),
      );
      await store.patch('Pod', 'argo', `p-${i}`, { status: { phase: 'Succeeded' } });
    }
    for (let i = 0; i < 20; i++) await store.patch('Workflow', 'argo', 'big', { status: { step: i } });
    await store.close();
    const full = fileBytes(dbPath);
    expect(full).toBeGreaterThan(baseline + 5 * 1024 * 1024);
    const again = openTempStore({}, dir);
    await again.delete('Workflow', 'argo', 'big');
    for (let i = 0; i < 200; i++) await again.delete('Pod', 'argo', `p-${i}`);
    await again.close();
    const after = fileBytes(dbPath);
    console.log(`argo.db: baseline ${baseline} B, full ${full} B, after deleting ${after} B`);
    // What stays: the deletions' rows, at most the 256 KiB of last states the log keeps, and free
    // pages below the share worth giving back.
    expect(after).toBeLessThan(baseline + 1024 * 1024);
  });

  it('empties the write-ahead log when a writer closes, while another process keeps the file open', async () => {
    const dir = tempDir();
    const dbPath = path.join(dir, 'argo.db');
    // As an idle detached controller does: the file stays open, so no last-close checkpoint runs.
    const engine = openTempStore({}, dir);
    await engine.create('ConfigMap', wf('engine-was-here'));
    const baseline = fileBytes(dbPath) + fileBytes(`${dbPath}-wal`);
    const cli = openTempStore({}, dir);
    for (let i = 0; i < 100; i++) await cli.create('Pod', wf(`p-${i}`, { spec: { blob: big(20) } }));
    for (let i = 0; i < 100; i++) await cli.delete('Pod', 'argo', `p-${i}`);
    expect(fileBytes(`${dbPath}-wal`)).toBeGreaterThan(1024 * 1024);
    await cli.close();
    const after = fileBytes(dbPath) + fileBytes(`${dbPath}-wal`);
    console.log(`argo.db with its WAL: baseline ${baseline} B, after deleting ${after} B`);
    expect(fileBytes(`${dbPath}-wal`)).toBe(0);
    expect(after).toBeLessThan(baseline + 1024 * 1024);
    // The engine's connection goes on reading and writing the file.
    expect((await engine.get('ConfigMap', 'argo', 'engine-was-here'))?.metadata.name).toBe('engine-was-here');
    await engine.create('ConfigMap', wf('after'));
  });
});

describe('SqliteStore size against what it holds', () => {
  it('stays under 5x a fan-out workflow and its pods, written as a run writes them', async () => {
    const dir = tempDir();
    const dbPath = path.join(dir, 'argo.db');
    const store = openTempStore({}, dir);
    const nodes = 400;
    const label = { 'workflows.argoproj.io/workflow': 'fan' };
    let fan = await store.create('Workflow', wf('fan', { status: { phase: 'Running', nodes: {} } }));
    for (let start = 0; start < nodes; start += 16) {
      for (let i = start; i < start + 16; i++) {
        const pod = `fan-${i}`;
        // About the size of a host-runtime pod: its spec, env and annotations.
        await store.create(
          'Pod',
          wf(pod, { metadata: { labels: label }, spec: { env: big(1) }, status: {} }),
        );
        await store.patch('Pod', 'argo', pod, {
          status: { phase: 'Running', startTime: '2026-01-01T00:00:00Z' },
        });
        await store.create(
          'WorkflowTaskResult',
          wf(pod, { metadata: { labels: label }, outputs: { exitCode: '0' } }),
        );
        await store.patch('Pod', 'argo', pod, { status: { phase: 'Succeeded' } });
        ((fan as { status?: unknown }).status as { nodes: Record<string, unknown> }).nodes[pod] = {
          id: pod,
          name: `fan[0].t(${i})`,
          type: 'Pod',
          phase: 'Succeeded',
          startedAt: '2026-01-01T00:00:00Z',
          finishedAt: '2026-01-01T00:00:01Z',
          outputs: { exitCode: '0' },
        };
      }
      fan = await store.update('Workflow', fan);
    }
    for (let i = 0; i < nodes; i++) await store.delete('WorkflowTaskResult', 'argo', `fan-${i}`);
    const pods = await store.list('Pod', { namespace: 'argo' });
    const held = JSON.stringify(fan).length + pods.items.reduce((n, p) => n + JSON.stringify(p).length, 0);
    await store.close();
    const full = fileBytes(dbPath);
    console.log(`argo.db ${full} B for ${held} B of workflow and pods: ${(full / held).toFixed(2)}x`);
    expect(full).toBeLessThan(5 * held);
  });
});

describe('SqliteStore schema upgrade', () => {
  it('opens a file whose log held full copies, keeps its deletions, and converts it to incremental vacuum', async () => {
    const dir = tempDir();
    const dbPath = path.join(dir, 'argo.db');
    // The version 1 layout, as files written before this change have it.
    const old = new Database(dbPath);
    old.exec(`
      CREATE TABLE meta (key TEXT PRIMARY KEY, value ANY NOT NULL) STRICT;
      CREATE TABLE objects (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, namespace TEXT NOT NULL,
        name TEXT NOT NULL, uid TEXT NOT NULL, resource_version INTEGER NOT NULL, labels TEXT NOT NULL,
        created TEXT NOT NULL, object TEXT NOT NULL) STRICT;
      CREATE UNIQUE INDEX objects_by_name ON objects (kind, namespace, name);
      CREATE INDEX objects_by_version ON objects (kind, resource_version);
      CREATE TABLE changes (resource_version INTEGER PRIMARY KEY, kind TEXT NOT NULL,
        namespace TEXT NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL, prev_version INTEGER,
        object TEXT NOT NULL) STRICT;
      INSERT INTO meta VALUES ('schema_version', 1);
    `);
    const obj = (name: string, rv: number) =>
      JSON.stringify({
        metadata: { name, namespace: 'argo', resourceVersion: String(rv), labels: { k: name } },
      });
    old
      .prepare(
        "INSERT INTO objects VALUES (1, 'ConfigMap', 'argo', 'kept', 'u1', 3, '{}', '2026-01-01T00:00:00Z', ?)",
      )
      .run(obj('kept', 3));
    const change = old.prepare("INSERT INTO changes VALUES (?, 'ConfigMap', 'argo', ?, ?, ?, ?)");
    change.run(2, 'gone', 'ADDED', null, obj('gone', 2));
    change.run(3, 'kept', 'ADDED', null, obj('kept', 3));
    change.run(4, 'gone', 'DELETED', 2, obj('gone', 4));
    old.close();

    const store = openTempStore({}, dir);
    expect(await store.get('ConfigMap', 'argo', 'kept')).toMatchObject({ metadata: { name: 'kept' } });
    expect(store.currentResourceVersion()).toBe('4');
    const w = collect(store, 'ConfigMap', { resourceVersion: '2' });
    await w.until(2);
    expect(w.summary()).toEqual(['ADDED kept', 'DELETED gone']);
    expect(w.events[1].object).toMatchObject({ metadata: { labels: { k: 'gone' } } });
    await store.close();
    const check = new Database(dbPath, { readonly: true });
    expect(check.pragma('auto_vacuum', { simple: true })).toBe(2);
    check.close();
  });
});

describe('SqliteStore opened to read', () => {
  it('leaves the file as it was: a command that only reads writes nothing to wait on', async () => {
    const dir = tempDir();
    const dbPath = path.join(dir, 'argo.db');
    const writer = openTempStore({}, dir);
    await writer.create('Workflow', wf('w'));
    await writer.close();
    const before = readFileSync(dbPath);

    const reader = openTempStore({}, dir);
    expect(await reader.get('Workflow', 'argo', 'w')).toMatchObject({ metadata: { name: 'w' } });
    expect((await reader.list('Workflow', {})).items).toHaveLength(1);
    await reader.close();
    expect(readFileSync(dbPath).equals(before)).toBe(true);
  });
});
