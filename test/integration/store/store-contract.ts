// The ResourceStore contract as tests any implementation must pass, so the kube store is held to
// what the SQLite store does: same objects back, same error classes and messages, same watch order.
// Assertions avoid exact resourceVersion numbers, which only a store with one writer can promise.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/model/meta.js';
import {
  AlreadyExistsError,
  ConflictError,
  InvalidError,
  NotFoundError,
  StoreError,
  type ResourceStore,
} from '../../../src/store/types.js';
import { collect, wf } from './helpers.js';

type Obj = KubeObject & { spec?: Record<string, unknown>; status?: Record<string, unknown> };

export async function rejection(p: Promise<unknown>): Promise<StoreError> {
  try {
    await p;
  } catch (err) {
    return err as StoreError;
  }
  throw new Error('expected the call to fail');
}

export const keys = (items: KubeObject[]) => items.map((o) => `${o.metadata.namespace}/${o.metadata.name}`);
const rv = (o: KubeObject) => Number(o.metadata.resourceVersion);

/** Five workflows over three namespaces (labels app and phase) and one workflow template. */
export async function seed(store: ResourceStore): Promise<void> {
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

export function describeStoreContract(name: string, open: () => Promise<ResourceStore>): void {
  describe(`${name} keeps the ResourceStore contract`, () => {
    it('creates with server-assigned fields and reads it back', async () => {
      const store = await open();
      const input = wf('hello', { spec: { entrypoint: 'main' } });
      const created = await store.create<Obj>('Workflow', input);
      expect(created.apiVersion).toBe('argoproj.io/v1alpha1');
      expect(created.kind).toBe('Workflow');
      expect(created.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
      expect(created.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(created.metadata.generation).toBe(1);
      expect(rv(created)).toBeGreaterThan(0);
      expect(created.spec).toEqual({ entrypoint: 'main' });
      expect(input.metadata.uid).toBeUndefined();
      expect(await store.get('Workflow', 'argo', 'hello')).toEqual(created);
      expect(await store.get('Workflow', 'other', 'hello')).toBeUndefined();
      expect(await store.get('WorkflowTemplate', 'argo', 'hello')).toBeUndefined();
    });

    it('generates names from generateName', async () => {
      const store = await open();
      const o = await store.create<KubeObject>('Workflow', {
        metadata: { generateName: 'hello-', namespace: 'argo' },
      });
      expect(o.metadata.name).toMatch(/^hello-[a-z0-9]{5}$/);
      expect(await store.get('Workflow', 'argo', o.metadata.name!)).toEqual(o);
    });

    it('reports already-exists, not-found, conflicts and invalid objects as StoreErrors', async () => {
      const store = await open();
      const v1 = await store.create<Obj>('Workflow', wf('w', { spec: { n: 1 } }));

      const exists = await rejection(store.create('Workflow', wf('w')));
      expect(exists).toBeInstanceOf(AlreadyExistsError);
      expect(exists.message).toBe('workflows.argoproj.io "w" already exists');
      expect(exists.code).toBe(409);

      const missing = await rejection(store.update('Workflow', wf('nope')));
      expect(missing).toBeInstanceOf(NotFoundError);
      expect(missing.message).toBe('workflows.argoproj.io "nope" not found');
      expect(missing.code).toBe(404);
      expect(await rejection(store.patch('Workflow', 'argo', 'nope', {}))).toBeInstanceOf(NotFoundError);
      expect(await rejection(store.delete('Workflow', 'argo', 'nope'))).toBeInstanceOf(NotFoundError);

      const v2 = await store.update<Obj>('Workflow', { ...v1, spec: { n: 2 } });
      expect(rv(v2)).toBeGreaterThan(rv(v1));
      expect(v2.metadata.generation).toBe(2);
      const stale = await rejection(store.update<Obj>('Workflow', { ...v1, spec: { n: 3 } }));
      expect(stale).toBeInstanceOf(ConflictError);
      expect(stale.code).toBe(409);
      expect(stale.message).toMatch(/the object has been modified/);

      const bad = await rejection(store.create('Workflow', wf('Hello_World')));
      expect(bad).toBeInstanceOf(InvalidError);
      expect(bad.message).toContain('metadata.name: Invalid value: "Hello_World"');
      expect(await rejection(store.create('Workflow', { metadata: { name: 'x' } }))).toBeInstanceOf(
        InvalidError,
      );
      expect((await store.list('Workflow')).items.map((o) => o.metadata.name)).toEqual(['w']);
    });

    it('updates unconditionally when no resourceVersion is given', async () => {
      const store = await open();
      const v1 = await store.create<Obj>('Workflow', wf('w', { spec: { n: 1 } }));
      await store.patch('Workflow', 'argo', 'w', { status: { phase: 'Running' } });
      const { resourceVersion: _rv, ...meta } = v1.metadata;
      const v3 = await store.update<Obj>('Workflow', { ...v1, metadata: meta, spec: { n: 4 } });
      expect(v3.spec).toEqual({ n: 4 });
      expect(v3.metadata.uid).toBe(v1.metadata.uid);
      expect(v3.metadata.creationTimestamp).toBe(v1.metadata.creationTimestamp);
    });

    it('applies JSON merge patches: null removes a key, identity stays, stale versions conflict', async () => {
      const store = await open();
      const v1 = await store.create<Obj>(
        'Workflow',
        wf('w', { metadata: { labels: { a: '1', b: '2' } }, spec: { x: 1, keep: { deep: true } } }),
      );
      const p = await store.patch<Obj>('Workflow', 'argo', 'w', {
        metadata: { labels: { a: null, c: '3' }, creationTimestamp: 'x' },
        spec: { x: null, y: 2 },
      });
      expect(p.metadata.labels).toEqual({ b: '2', c: '3' });
      expect(p.spec).toEqual({ keep: { deep: true }, y: 2 });
      expect(p.metadata.creationTimestamp).toBe(v1.metadata.creationTimestamp);
      expect(p.metadata.uid).toBe(v1.metadata.uid);
      expect(await store.get('Workflow', 'argo', 'w')).toEqual(p);
      expect(
        await rejection(
          store.patch('Workflow', 'argo', 'w', {
            metadata: { resourceVersion: v1.metadata.resourceVersion },
          }),
        ),
      ).toBeInstanceOf(ConflictError);
      const ok = await store.patch<Obj>('Workflow', 'argo', 'w', {
        metadata: { resourceVersion: p.metadata.resourceVersion },
        status: { phase: 'Succeeded' },
      });
      expect(ok.status).toEqual({ phase: 'Succeeded' });
      expect(await rejection(store.patch('Workflow', 'argo', 'w', [1]))).toBeInstanceOf(InvalidError);
      expect(
        await rejection(store.patch('Workflow', 'argo', 'w', { metadata: { labels: { 'bad key': 'x' } } })),
      ).toBeInstanceOf(InvalidError);
    });

    it('deletes with a resourceVersion precondition', async () => {
      const store = await open();
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
      const again = await store.create('Workflow', wf('w'));
      expect(again.metadata.uid).not.toBe(v1.metadata.uid);
    });

    it('keeps objects with finalizers until the last one is removed', async () => {
      const store = await open();
      await store.create('Workflow', wf('w', { metadata: { finalizers: ['x/y'] } }));
      await store.delete('Workflow', 'argo', 'w');
      const marked = await store.get<Obj>('Workflow', 'argo', 'w');
      expect(marked?.metadata.deletionTimestamp).toMatch(/Z$/);
      const last = await store.patch<Obj>('Workflow', 'argo', 'w', { metadata: { finalizers: null } });
      expect(last.metadata.finalizers).toBeUndefined();
      expect(await store.get('Workflow', 'argo', 'w')).toBeUndefined();
    });

    it('ignores the namespace of cluster-scoped kinds', async () => {
      const store = await open();
      const c = await store.create('ClusterWorkflowTemplate', { metadata: { name: 'c', namespace: 'argo' } });
      expect(c.metadata.namespace).toBeUndefined();
      expect(await store.get('ClusterWorkflowTemplate', 'anything', 'c')).toEqual(c);
      expect((await store.list('ClusterWorkflowTemplate', { namespace: 'argo' })).items).toHaveLength(1);
      await store.patch('ClusterWorkflowTemplate', '', 'c', { spec: { a: 1 } });
      await store.delete('ClusterWorkflowTemplate', 'x', 'c');
      expect(await store.get('ClusterWorkflowTemplate', '', 'c')).toBeUndefined();
    });

    it('folds Secret stringData into base64 data', async () => {
      const store = await open();
      const s = await store.create('Secret', {
        metadata: { name: 's', namespace: 'argo' },
        stringData: { k: 'v' },
      } as KubeObject);
      expect(s).toMatchObject({ apiVersion: 'v1', kind: 'Secret', data: { k: 'dg==' } });
      expect(s).not.toHaveProperty('stringData');
      expect(await store.get('Secret', 'argo', 's')).toEqual(s);
    });

    it('lists across namespaces with label and field selectors', async () => {
      const store = await open();
      await seed(store);
      const all = await store.list('Workflow');
      expect(keys(all.items)).toEqual(['a/w1', 'a/w3', 'b/w1', 'b/w2', 'c/w9']);
      expect(all.items.every((o) => o.apiVersion === 'argoproj.io/v1alpha1' && o.kind === 'Workflow')).toBe(
        true,
      );
      expect(Number(all.resourceVersion)).toBeGreaterThan(0);
      expect(keys((await store.list('Workflow', { namespace: '' })).items)).toHaveLength(5);
      expect(keys((await store.list('Workflow', { namespace: 'b' })).items)).toEqual(['b/w1', 'b/w2']);
      expect(keys((await store.list('Workflow', { labelSelector: 'app=web,phase!=Failed' })).items)).toEqual([
        'a/w1',
        'b/w2',
      ]);
      expect(
        keys((await store.list('Workflow', { labelSelector: 'phase in (Succeeded,Failed)' })).items),
      ).toEqual(['a/w3', 'b/w1']);
      expect(
        keys((await store.list('Workflow', { namespace: 'a', fieldSelector: 'status.phase=Running' })).items),
      ).toEqual(['a/w1']);
      expect(
        keys(
          (await store.list('Workflow', { fieldSelector: 'metadata.name!=w1', labelSelector: 'app=db' }))
            .items,
        ),
      ).toEqual(['a/w3', 'c/w9']);
      const badSelector = await rejection(store.list('Workflow', { labelSelector: 'app in (' }));
      expect(badSelector).toBeInstanceOf(InvalidError);
      expect(badSelector.message).toMatch(/invalid label selector/);
    });

    it('pages with limit and continue', async () => {
      const store = await open();
      await seed(store);
      const seen: string[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const page = await store.list('Workflow', { limit: 2, continue: token });
        seen.push(...keys(page.items));
        token = page.continue;
        pages++;
      } while (token);
      expect(seen).toEqual(['a/w1', 'a/w3', 'b/w1', 'b/w2', 'c/w9']);
      expect(pages).toBe(3);
      expect((await store.list('Workflow', { limit: 5 })).continue).toBeUndefined();
    });

    it('watches from a resourceVersion: ADDED, MODIFIED, DELETED in order', async () => {
      const store = await open();
      const a = await store.create('Workflow', wf('a'));
      const w = collect(store, 'Workflow', {
        namespace: 'argo',
        resourceVersion: a.metadata.resourceVersion,
      });
      await store.create('Workflow', wf('b'));
      await store.patch('Workflow', 'argo', 'b', { status: { phase: 'Running' } });
      await store.create('Workflow', wf('elsewhere', { metadata: { namespace: 'other' } }));
      await store.create('WorkflowTemplate', wf('other-kind'));
      await store.delete('Workflow', 'argo', 'a');
      await w.until(3);
      expect(w.summary()).toEqual(['ADDED b', 'MODIFIED b', 'DELETED a']);
      expect(w.events[1].object).toMatchObject({
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Workflow',
        status: { phase: 'Running' },
      });
      const versions = w.events.map((e) => rv(e.object));
      expect(versions).toEqual([...versions].sort((x, y) => x - y));
      expect(w.errors).toEqual([]);
    });

    it('starts a watch without a resourceVersion with ADDED for what exists', async () => {
      const store = await open();
      await store.create('Workflow', wf('z'));
      await store.create('Workflow', wf('a'));
      await store.create('Workflow', wf('m', { metadata: { labels: { keep: 'no' } } }));
      const w = collect(store, 'Workflow', { labelSelector: 'keep!=no' });
      await w.until(2);
      expect(w.summary()).toEqual(['ADDED a', 'ADDED z']);
      await store.create('Workflow', wf('n'));
      await store.patch('Workflow', 'argo', 'm', { metadata: { labels: { keep: 'yes' } } });
      await w.until(4);
      expect(w.summary()).toEqual(['ADDED a', 'ADDED z', 'ADDED n', 'ADDED m']);
    });

    it('delivers nothing after stop()', async () => {
      const store = await open();
      const w = collect(store, 'ConfigMap', { namespace: 'argo' });
      await store.create('ConfigMap', wf('one'));
      await w.until(1);
      w.stop();
      await store.create('ConfigMap', wf('two'));
      await new Promise((r) => setTimeout(r, 100));
      expect(w.summary()).toEqual(['ADDED one']);
    });
  });
}
