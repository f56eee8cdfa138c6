import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/model/meta.js';
import { openStore, type SqliteStore } from '../../../src/store/index.js';
import { ConflictError, InvalidError, StoreError } from '../../../src/store/types.js';
import { collect, openTempStore, tempDir, wf } from './helpers.js';
import { keys, seed } from './store-contract.js';

type Obj = KubeObject & { spec?: Record<string, unknown>; status?: Record<string, unknown> };

async function rejection(p: Promise<unknown>): Promise<StoreError> {
  try {
    await p;
  } catch (err) {
    return err as StoreError;
  }
  throw new Error('expected the call to fail');
}

describe('SqliteStore CRUD', () => {
  it('creates with server-assigned fields and reads it back', async () => {
    const store = openTempStore();
    const input = wf('hello', { spec: { entrypoint: 'main' } });
    const created = await store.create<Obj>('Workflow', input);
    expect(created.apiVersion).toBe('argoproj.io/v1alpha1');
    expect(created.kind).toBe('Workflow');
    expect(created.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(created.metadata.generation).toBe(1);
    expect(created.metadata.resourceVersion).toBe('1');
    // The caller's object is not modified.
    expect(input.metadata.uid).toBeUndefined();
    expect(await store.get('Workflow', 'argo', 'hello')).toEqual(created);
    expect(await store.get('Workflow', 'other', 'hello')).toBeUndefined();
    expect(await store.get('WorkflowTemplate', 'argo', 'hello')).toBeUndefined();
  });

  it('assigns a global, increasing resourceVersion across kinds', async () => {
    const store = openTempStore();
    const a = await store.create('Workflow', wf('a'));
    const b = await store.create('ConfigMap', wf('b'));
    const c = await store.patch('Workflow', 'argo', 'a', { status: { phase: 'Running' } });
    expect([a, b, c].map((o) => Number(o.metadata.resourceVersion))).toEqual([1, 2, 3]);
    expect((await store.list('Pod')).resourceVersion).toBe('3');
    expect(store.currentResourceVersion()).toBe('3');
  });

  it('rejects invalid names, naming the value', async () => {
    const store = openTempStore();
    const err = await rejection(store.create('Workflow', wf('Hello_World')));
    expect(err).toBeInstanceOf(InvalidError);
    expect(err.code).toBe(400);
    expect(err.message).toContain('metadata.name: Invalid value: "Hello_World"');
    const gen = await rejection(
      store.create('Workflow', { metadata: { generateName: 'Bad-', namespace: 'argo' } }),
    );
    expect(gen.message).toMatch(/metadata.name: Invalid value: "Bad-[a-z0-9]{5}"/);
    expect(await rejection(store.create('Workflow', { metadata: { name: 'x' } }))).toBeInstanceOf(
      InvalidError,
    );
    expect((await store.list('Workflow')).items).toEqual([]);
  });

  it('tracks generation for spec changes only and skips no-op writes', async () => {
    const store = openTempStore();
    const v1 = await store.create<Obj>('Workflow', wf('w', { spec: { n: 1 } }));
    const status = await store.patch<Obj>('Workflow', 'argo', 'w', { status: { phase: 'Running' } });
    expect(status.metadata.generation).toBe(1);
    const labels = await store.patch<Obj>('Workflow', 'argo', 'w', { metadata: { labels: { a: 'b' } } });
    expect(labels.metadata.generation).toBe(1);
    const spec = await store.patch<Obj>('Workflow', 'argo', 'w', { spec: { n: 2 } });
    expect(spec.metadata.generation).toBe(2);
    const again = await store.patch<Obj>('Workflow', 'argo', 'w', { spec: { n: 2 } });
    expect(again.metadata.resourceVersion).toBe(spec.metadata.resourceVersion);
    expect(store.currentResourceVersion()).toBe(spec.metadata.resourceVersion);
    expect(Number(spec.metadata.resourceVersion)).toBeGreaterThan(Number(v1.metadata.resourceVersion));
  });

  it('hands an update back as the object written when the caller gives it up, stored the same', async () => {
    const store = openTempStore();
    const v1 = await store.create<Obj>('Workflow', wf('w', { spec: { n: 1 } }));
    const status = { phase: 'Running', nodes: { a: { id: 'a', phase: 'Running' } } };
    const given: Obj = { ...v1, status };
    const saved = await store.update<Obj>('Workflow', given, { handOver: true });
    // The caller's status is the saved object's, not a copy read back from the store.
    expect(saved.status).toBe(status);
    expect(saved.metadata.resourceVersion).toBe(String(Number(v1.metadata.resourceVersion) + 1));
    expect(saved.metadata.generation).toBe(1);
    expect(await store.get('Workflow', 'argo', 'w')).toEqual(saved);
    // Without it, the caller's objects are never shared with what the store returns.
    const copied = await store.update<Obj>('Workflow', { ...saved, status: { phase: 'Succeeded' } });
    expect(copied.status).toEqual({ phase: 'Succeeded' });
    expect(await store.get('Workflow', 'argo', 'w')).toEqual(copied);
    // A stale version still conflicts, handed over or not.
    const stale = await rejection(store.update<Obj>('Workflow', { ...saved }, { handOver: true }));
    expect(stale).toBeInstanceOf(ConflictError);
  });

  it('stores a large workflow handed over pass after pass exactly as a plain update would', async () => {
    // A controller's passes: each hands over the workflow it keeps; the store compares the status
    // as text with what it wrote last, and must still skip no-op writes and see every change.
    const store = openTempStore();
    const watch = collect(store, 'Workflow', { resourceVersion: store.currentResourceVersion() });
    const nodes: Record<string, { id: string; phase: string }> = {};
    for (let i = 0; i < 2000; i++) nodes[`n${i}`] = { id: `n${i}`, phase: 'Pending' };
    const v1 = await store.create<Obj>('Workflow', wf('w', { spec: { n: 1 } }));
    let kept = await store.update<Obj>(
      'Workflow',
      { ...v1, status: { phase: 'Running', nodes } },
      { handOver: true },
    );
    const pass = async (change: (o: Obj) => void): Promise<Obj> => {
      change(kept);
      kept = await store.update<Obj>('Workflow', kept, { handOver: true });
      expect(await store.get('Workflow', 'argo', 'w')).toEqual(JSON.parse(JSON.stringify(kept)));
      return kept;
    };
    const nodesOf = (o: Obj) => (o.status as { nodes: typeof nodes }).nodes;
    let rv = kept.metadata.resourceVersion;
    // Nothing changed: no write.
    expect((await pass(() => undefined)).metadata.resourceVersion).toBe(rv);
    // A change that leaves the JSON as long: written.
    await pass((o) => (nodesOf(o).n7.phase = 'Running'));
    expect(kept.metadata.resourceVersion).not.toBe(rv);
    rv = kept.metadata.resourceVersion;
    // The same nodes in another order: equal as objects, so no write.
    await pass((o) => {
      const reordered: typeof nodes = {};
      for (const id of Object.keys(nodesOf(o)).reverse()) reordered[id] = nodesOf(o)[id];
      (o.status as { nodes: typeof nodes }).nodes = reordered;
    });
    expect(kept.metadata.resourceVersion).toBe(rv);
    // A spec change bumps the generation; a label change does not.
    await pass((o) => ((o.spec as { n: number }).n = 2));
    expect(kept.metadata.generation).toBe(2);
    await pass((o) => (o.metadata.labels = { done: 'false' }));
    expect(kept.metadata.generation).toBe(2);
    // Status-only passes in a row (the store keeps the head it had, with each new version), then
    // a spec change: told apart from them, and each precondition holds.
    await pass((o) => (nodesOf(o).n9.phase = 'Running'));
    await pass((o) => (nodesOf(o).n9.phase = 'Failed'));
    expect(kept.metadata.generation).toBe(2);
    await pass((o) => ((o.spec as { n: number }).n = 3));
    expect(kept.metadata.generation).toBe(3);
    // Another writer got in between (another process, here a patch): its write is kept, and the
    // next handed-over update without a precondition replaces it.
    await store.patch('Workflow', 'argo', 'w', { metadata: { annotations: { other: 'yes' } } });
    const stale = await rejection(store.update<Obj>('Workflow', { ...kept }, { handOver: true }));
    expect(stale).toBeInstanceOf(ConflictError);
    const fresh = (await store.get<Obj>('Workflow', 'argo', 'w'))!;
    expect(fresh.metadata.annotations).toEqual({ other: 'yes' });
    kept = fresh;
    await pass((o) => (nodesOf(o).n8.phase = 'Succeeded'));
    expect(kept.metadata.annotations).toEqual({ other: 'yes' });
    // Every write was seen once, in order, with the object as stored.
    await watch.until(10);
    expect(watch.events.map((e) => e.type)).toEqual(['ADDED', ...Array(9).fill('MODIFIED')]);
    const last = watch.events[watch.events.length - 1].object as Obj;
    expect(nodesOf(last).n8.phase).toBe('Succeeded');
    expect(nodesOf(last).n7.phase).toBe('Running');
  });

  it('applies merge patches with preconditions and keeps identity fields', async () => {
    const store = openTempStore();
    const v1 = await store.create<Obj>(
      'Workflow',
      wf('w', { metadata: { labels: { a: '1', b: '2' } }, spec: { x: 1 } }),
    );
    const p = await store.patch<Obj>('Workflow', 'argo', 'w', {
      metadata: { labels: { a: null, c: '3' }, uid: v1.metadata.uid, creationTimestamp: 'x' },
      spec: { y: 2 },
    });
    expect(p.metadata.labels).toEqual({ b: '2', c: '3' });
    expect(p.spec).toEqual({ x: 1, y: 2 });
    expect(p.metadata.creationTimestamp).toBe(v1.metadata.creationTimestamp);
    expect(
      await rejection(
        store.patch('Workflow', 'argo', 'w', { metadata: { resourceVersion: v1.metadata.resourceVersion } }),
      ),
    ).toBeInstanceOf(ConflictError);
    const ok = await store.patch<Obj>('Workflow', 'argo', 'w', {
      metadata: { resourceVersion: p.metadata.resourceVersion },
      status: { phase: 'Succeeded' },
    });
    expect(ok.status).toEqual({ phase: 'Succeeded' });
    expect(
      await rejection(store.patch('Workflow', 'argo', 'w', { metadata: { name: 'other' } })),
    ).toBeInstanceOf(InvalidError);
    expect(await rejection(store.patch('Workflow', 'argo', 'w', [1]))).toBeInstanceOf(InvalidError);
    expect(
      await rejection(store.patch('Workflow', 'argo', 'w', { metadata: { labels: { 'bad key': 'x' } } })),
    ).toBeInstanceOf(InvalidError);
  });

  it('persists across reopen and refuses calls after close', async () => {
    const dir = tempDir();
    const first = openTempStore({}, dir);
    await first.create('Workflow', wf('kept'));
    await first.close();
    expect(await rejection(first.get('Workflow', 'argo', 'kept'))).toBeInstanceOf(StoreError);
    const second = openTempStore({}, dir);
    expect((await second.get('Workflow', 'argo', 'kept'))?.metadata.resourceVersion).toBe('1');
    expect((await second.create('Workflow', wf('next'))).metadata.resourceVersion).toBe('2');
  });

  it('opens the default file under ARGO_HOME, creating the directory', async () => {
    const home = path.join(tempDir(), 'nested', 'home');
    const saved = process.env.ARGO_HOME;
    process.env.ARGO_HOME = home;
    let store: SqliteStore | undefined;
    try {
      store = openStore();
      expect(store.path).toBe(path.join(home, 'argo.db'));
      await store.create('ConfigMap', wf('cm'));
      expect(existsSync(path.join(home, 'argo.db'))).toBe(true);
    } finally {
      await store?.close();
      if (saved === undefined) delete process.env.ARGO_HOME;
      else process.env.ARGO_HOME = saved;
    }
  });
});

describe('SqliteStore list', () => {
  it('orders by namespace then name and filters by namespace', async () => {
    const store = openTempStore();
    await seed(store);
    expect(keys((await store.list('Workflow')).items)).toEqual(['a/w1', 'a/w3', 'b/w1', 'b/w2', 'c/w9']);
    expect(keys((await store.list('Workflow', { namespace: '' })).items)).toHaveLength(5);
    expect(keys((await store.list('Workflow', { namespace: 'b' })).items)).toEqual(['b/w1', 'b/w2']);
    expect((await store.list('Workflow', { namespace: 'zz' })).items).toEqual([]);
  });

  it('filters by label and field selectors', async () => {
    const store = openTempStore();
    await seed(store);
    expect(keys((await store.list('Workflow', { labelSelector: 'app=web,phase!=Failed' })).items)).toEqual([
      'a/w1',
      'b/w2',
    ]);
    expect(
      keys((await store.list('Workflow', { labelSelector: 'phase in (Succeeded,Failed)' })).items),
    ).toEqual(['a/w3', 'b/w1']);
    expect(keys((await store.list('Workflow', { fieldSelector: 'status.phase=Running' })).items)).toEqual([
      'a/w1',
      'b/w2',
      'c/w9',
    ]);
    expect(keys((await store.list('Workflow', { fieldSelector: 'metadata.name=w1' })).items)).toEqual([
      'a/w1',
      'b/w1',
    ]);
    expect(
      keys((await store.list('Workflow', { fieldSelector: 'metadata.name=w1,metadata.namespace=b' })).items),
    ).toEqual(['b/w1']);
    expect(
      keys((await store.list('Workflow', { namespace: 'a', fieldSelector: 'metadata.namespace=b' })).items),
    ).toEqual([]);
    expect(
      keys(
        (await store.list('Workflow', { fieldSelector: 'metadata.name!=w1', labelSelector: 'app=db' })).items,
      ),
    ).toEqual(['a/w3', 'c/w9']);
    await expect(store.list('Workflow', { labelSelector: 'app in (' })).rejects.toThrow(
      /invalid label selector/,
    );
  });
});

describe('SqliteStore speed', () => {
  it('measures creates and updates', async () => {
    const store = openTempStore();
    const n = 2000;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      await store.create(
        'Workflow',
        wf(`w-${i}`, { spec: { entrypoint: 'main', templates: [{ name: 'main' }] } }),
      );
    }
    const t1 = performance.now();
    for (let i = 0; i < n; i++) {
      await store.patch('Workflow', 'argo', `w-${i}`, { status: { phase: 'Running', progress: '0/1' } });
    }
    const t2 = performance.now();
    const list = await store.list('Workflow', { labelSelector: 'x!=y' });
    const t3 = performance.now();
    console.log(
      `store speed: ${Math.round(n / ((t1 - t0) / 1000))} creates/s, ${Math.round(n / ((t2 - t1) / 1000))} patches/s, list of ${list.items.length} in ${Math.round(t3 - t2)} ms`,
    );
    expect(list.items).toHaveLength(n);
  });
});
