import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/model/meta.js';
import { openStore, type SqliteStore } from '../../../src/store/index.js';
import {
  AlreadyExistsError,
  ConflictError,
  InvalidError,
  NotFoundError,
  StoreError,
} from '../../../src/store/types.js';
import { openTempStore, tempDir, wf } from './helpers.js';

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

  it('generates names from generateName', async () => {
    const store = openTempStore();
    const names = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const o = await store.create('Workflow', { metadata: { generateName: 'hello-', namespace: 'argo' } });
      expect(o.metadata.name).toMatch(/^hello-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      expect(o.metadata.generateName).toBe('hello-');
      names.add(o.metadata.name!);
    }
    expect(names.size).toBe(50);
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

  it('reports already-exists, not-found and conflicts as Kubernetes does', async () => {
    const store = openTempStore();
    const v1 = await store.create<Obj>('Workflow', wf('w', { spec: { n: 1 } }));

    const exists = await rejection(store.create('Workflow', wf('w')));
    expect(exists).toBeInstanceOf(AlreadyExistsError);
    expect(exists.message).toBe('workflows.argoproj.io "w" already exists');
    expect(exists.code).toBe(409);

    const missing = await rejection(store.update('Workflow', wf('nope')));
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing.message).toBe('workflows.argoproj.io "nope" not found');
    expect(await rejection(store.patch('Workflow', 'argo', 'nope', {}))).toBeInstanceOf(NotFoundError);
    expect(await rejection(store.delete('Workflow', 'argo', 'nope'))).toBeInstanceOf(NotFoundError);

    const v2 = await store.update<Obj>('Workflow', { ...v1, spec: { n: 2 } });
    expect(v2.metadata.resourceVersion).not.toBe(v1.metadata.resourceVersion);
    const stale = await rejection(store.update<Obj>('Workflow', { ...v1, spec: { n: 3 } }));
    expect(stale).toBeInstanceOf(ConflictError);
    expect(stale.message).toMatch(/the object has been modified/);
    // Without a resourceVersion the update is unconditional.
    const { resourceVersion: _rv, ...meta } = v1.metadata;
    const v3 = await store.update<Obj>('Workflow', { ...v1, metadata: meta, spec: { n: 4 } });
    expect(v3.spec).toEqual({ n: 4 });
    expect(v3.metadata.uid).toBe(v1.metadata.uid);
    expect(v3.metadata.creationTimestamp).toBe(v1.metadata.creationTimestamp);
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

  it('deletes with a resourceVersion precondition', async () => {
    const store = openTempStore();
    const v1 = await store.create('Workflow', wf('w'));
    await store.patch('Workflow', 'argo', 'w', { status: { phase: 'Running' } });
    expect(
      await rejection(
        store.delete('Workflow', 'argo', 'w', { resourceVersion: v1.metadata.resourceVersion }),
      ),
    ).toBeInstanceOf(ConflictError);
    const current = await store.get('Workflow', 'argo', 'w');
    await store.delete('Workflow', 'argo', 'w', { resourceVersion: current!.metadata.resourceVersion });
    expect(await store.get('Workflow', 'argo', 'w')).toBeUndefined();
    // The name is free again, with a new uid.
    const again = await store.create('Workflow', wf('w'));
    expect(again.metadata.uid).not.toBe(v1.metadata.uid);
  });

  it('keeps objects with finalizers until the last one is removed', async () => {
    const store = openTempStore();
    await store.create(
      'Workflow',
      wf('w', { metadata: { finalizers: ['workflows.argoproj.io/artifact-gc', 'x/y'] } }),
    );
    await store.delete('Workflow', 'argo', 'w');
    const marked = await store.get<Obj>('Workflow', 'argo', 'w');
    expect(marked?.metadata.deletionTimestamp).toMatch(/Z$/);
    // Deleting again changes nothing.
    await store.delete('Workflow', 'argo', 'w');
    expect((await store.get('Workflow', 'argo', 'w'))?.metadata.resourceVersion).toBe(
      marked?.metadata.resourceVersion,
    );
    // deletionTimestamp cannot be cleared, and no finalizer can be added.
    const cleared = await store.update<Obj>('Workflow', {
      ...marked!,
      metadata: { ...marked!.metadata, deletionTimestamp: undefined, finalizers: ['x/y'] },
    });
    expect(cleared.metadata.deletionTimestamp).toBe(marked?.metadata.deletionTimestamp);
    expect(
      await rejection(store.patch('Workflow', 'argo', 'w', { metadata: { finalizers: ['x/y', 'new/one'] } })),
    ).toBeInstanceOf(InvalidError);
    expect(await store.get('Workflow', 'argo', 'w')).toBeDefined();
    const last = await store.patch<Obj>('Workflow', 'argo', 'w', { metadata: { finalizers: null } });
    expect(last.metadata.finalizers).toBeUndefined();
    expect(await store.get('Workflow', 'argo', 'w')).toBeUndefined();
  });

  it('ignores the namespace of cluster-scoped kinds', async () => {
    const store = openTempStore();
    const c = await store.create('ClusterWorkflowTemplate', { metadata: { name: 'c', namespace: 'argo' } });
    expect(c.metadata.namespace).toBeUndefined();
    expect(await store.get('ClusterWorkflowTemplate', 'anything', 'c')).toEqual(c);
    expect((await store.list('ClusterWorkflowTemplate', { namespace: 'argo' })).items).toHaveLength(1);
    await store.patch('ClusterWorkflowTemplate', '', 'c', { spec: { a: 1 } });
    await store.delete('ClusterWorkflowTemplate', 'x', 'c');
    expect(await store.get('ClusterWorkflowTemplate', '', 'c')).toBeUndefined();
  });

  it('stores Secret stringData as base64 data', async () => {
    const store = openTempStore();
    const s = await store.create('Secret', {
      metadata: { name: 's', namespace: 'argo' },
      stringData: { k: 'v' },
    } as KubeObject);
    expect(s).toMatchObject({ data: { k: 'dg==' } });
    expect(s).not.toHaveProperty('stringData');
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
  async function seed(store: SqliteStore): Promise<void> {
    for (const [ns, name, phase, app] of [
      ['b', 'w2', 'Running', 'web'],
      ['a', 'w3', 'Succeeded', 'db'],
      ['b', 'w1', 'Failed', 'web'],
      ['a', 'w1', 'Running', 'web'],
      ['c', 'w9', 'Running', 'db'],
    ]) {
      await store.create('Workflow', {
        metadata: { name, namespace: ns, labels: { app, phase } },
        status: { phase },
      } as KubeObject);
    }
    await store.create('WorkflowTemplate', { metadata: { name: 'w1', namespace: 'a' } });
  }
  const keys = (items: KubeObject[]) => items.map((o) => `${o.metadata.namespace}/${o.metadata.name}`);

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

  it('pages with limit and continue', async () => {
    const store = openTempStore();
    await seed(store);
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await store.list('Workflow', { limit: 2, continue: token });
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...keys(page.items));
      token = page.continue;
      pages++;
    } while (token);
    expect(seen).toEqual(['a/w1', 'a/w3', 'b/w1', 'b/w2', 'c/w9']);
    expect(pages).toBe(3);
    // Exactly one page: no continue token.
    expect((await store.list('Workflow', { limit: 5 })).continue).toBeUndefined();
    // Paging applies after filtering.
    const first = await store.list('Workflow', { limit: 1, labelSelector: 'app=db' });
    expect(keys(first.items)).toEqual(['a/w3']);
    const second = await store.list('Workflow', {
      limit: 1,
      labelSelector: 'app=db',
      continue: first.continue,
    });
    expect(keys(second.items)).toEqual(['c/w9']);
    expect(second.continue).toBeUndefined();
    await expect(store.list('Workflow', { continue: 'garbage' })).rejects.toThrow(/invalid continue token/);
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
