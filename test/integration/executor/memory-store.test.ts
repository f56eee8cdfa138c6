// The in-memory ResourceStore used by executor and controller tests must behave like the real one.
import { describe, expect, it } from 'vitest';
import type { ConfigMap, KubeObject } from '../../../src/model/meta.js';
import type { WatchEvent } from '../../../src/store/types.js';
import { MemoryStore } from '../../helpers/memory-store.js';

const cm = (
  name: string,
  labels: Record<string, string> = {},
  data: Record<string, string> = {},
): ConfigMap => ({
  metadata: { name, namespace: 'ns', labels },
  data,
});

describe('MemoryStore', () => {
  it('creates objects with server fields and hands out copies', async () => {
    const store = new MemoryStore();
    const created = await store.create<ConfigMap>('ConfigMap', cm('a', {}, { k: 'v' }));
    expect(created.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata.resourceVersion).toBe('1');
    expect(created.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(created.apiVersion).toBe('v1');
    created.data!.k = 'changed';
    expect((await store.get<ConfigMap>('ConfigMap', 'ns', 'a'))!.data!.k).toBe('v');
    await expect(store.create('ConfigMap', cm('a'))).rejects.toMatchObject({
      code: 409,
      reason: 'AlreadyExists',
    });
    const generated = await store.create<ConfigMap>('ConfigMap', {
      metadata: { generateName: 'gen-', namespace: 'ns' },
    });
    expect(generated.metadata.name).toMatch(/^gen-[a-z0-9]{5}$/);
    expect(await store.get('ConfigMap', 'ns', 'missing')).toBeUndefined();
  });

  it('updates with optimistic concurrency and merge-patches', async () => {
    const store = new MemoryStore();
    const v1 = await store.create<ConfigMap>('ConfigMap', cm('a', {}, { x: '1', y: '2' }));
    const v2 = await store.update<ConfigMap>('ConfigMap', { ...v1, data: { x: '10' } });
    expect(v2.metadata.resourceVersion).toBe('2');
    await expect(store.update('ConfigMap', { ...v1, data: { x: 'stale' } })).rejects.toMatchObject({
      code: 409,
      reason: 'Conflict',
    });
    const v3 = await store.patch<ConfigMap>('ConfigMap', 'ns', 'a', {
      data: { y: '20', x: null },
      metadata: { labels: { l: 'v' } },
    });
    expect(v3.data).toEqual({ y: '20' });
    expect(v3.metadata.labels).toEqual({ l: 'v' });
    await expect(store.patch('ConfigMap', 'ns', 'nope', { data: {} })).rejects.toMatchObject({ code: 404 });
    // Writing what is already stored changes nothing, not even the version.
    const same = await store.patch<ConfigMap>('ConfigMap', 'ns', 'a', { data: { y: '20' } });
    expect(same.metadata.resourceVersion).toBe(v3.metadata.resourceVersion);
  });

  it('lists by namespace, label and field selector, in pages', async () => {
    const store = new MemoryStore();
    for (const n of ['c', 'a', 'b']) await store.create('ConfigMap', cm(n, { app: n === 'b' ? 'x' : 'y' }));
    await store.create('ConfigMap', { metadata: { name: 'other', namespace: 'ns2' } });
    expect((await store.list('ConfigMap', { namespace: 'ns' })).items.map((o) => o.metadata.name)).toEqual([
      'a',
      'b',
      'c',
    ]);
    expect((await store.list('ConfigMap')).items).toHaveLength(4);
    expect(
      (await store.list('ConfigMap', { labelSelector: 'app=y' })).items.map((o) => o.metadata.name),
    ).toEqual(['a', 'c']);
    expect(
      (await store.list('ConfigMap', { labelSelector: 'app in (x)' })).items.map((o) => o.metadata.name),
    ).toEqual(['b']);
    expect(
      (await store.list('ConfigMap', { fieldSelector: 'metadata.name=c' })).items.map((o) => o.metadata.name),
    ).toEqual(['c']);
    const page1 = await store.list('ConfigMap', { namespace: 'ns', limit: 2 });
    expect(page1.items.map((o) => o.metadata.name)).toEqual(['a', 'b']);
    const page2 = await store.list('ConfigMap', { namespace: 'ns', limit: 2, continue: page1.continue });
    expect(page2.items.map((o) => o.metadata.name)).toEqual(['c']);
    expect(page2.continue).toBeUndefined();
  });

  it('honours finalizers on delete', async () => {
    const store = new MemoryStore();
    await store.create('ConfigMap', { metadata: { name: 'f', namespace: 'ns', finalizers: ['x/y'] } });
    await store.delete('ConfigMap', 'ns', 'f');
    const marked = await store.get<KubeObject>('ConfigMap', 'ns', 'f');
    expect(marked?.metadata.deletionTimestamp).toBeDefined();
    await store.patch('ConfigMap', 'ns', 'f', { metadata: { finalizers: null } });
    expect(await store.get('ConfigMap', 'ns', 'f')).toBeUndefined();
    await expect(store.delete('ConfigMap', 'ns', 'f')).rejects.toMatchObject({ code: 404 });
  });

  it('watches: existing objects first, then every change at once, selectors turning into ADDED/DELETED', async () => {
    const store = new MemoryStore();
    await store.create('ConfigMap', cm('before', { app: 'x' }));
    const all: string[] = [];
    const selected: string[] = [];
    store.watch<ConfigMap>('ConfigMap', { namespace: 'ns' }, (e) =>
      all.push(`${e.type} ${e.object.metadata.name}`),
    );
    store.watch<ConfigMap>('ConfigMap', { labelSelector: 'app=x' }, (e) =>
      selected.push(`${e.type} ${e.object.metadata.name}`),
    );
    await Promise.resolve();
    expect(all).toEqual(['ADDED before']);
    await store.create('ConfigMap', cm('later', { app: 'y' }));
    // Delivered before the write's promise resolves in the caller's next line.
    expect(all).toEqual(['ADDED before', 'ADDED later']);
    await store.patch('ConfigMap', 'ns', 'later', { metadata: { labels: { app: 'x' } } });
    await store.patch('ConfigMap', 'ns', 'before', { metadata: { labels: { app: 'z' } } });
    await store.delete('ConfigMap', 'ns', 'later');
    expect(all).toEqual([
      'ADDED before',
      'ADDED later',
      'MODIFIED later',
      'MODIFIED before',
      'DELETED later',
    ]);
    expect(selected).toEqual(['ADDED before', 'ADDED later', 'DELETED before', 'DELETED later']);
  });

  it('resumes a watch from a resourceVersion and expires versions it no longer has', async () => {
    const store = new MemoryStore({ changeLogRetention: 2 });
    const a = await store.create<ConfigMap>('ConfigMap', cm('a'));
    await store.create('ConfigMap', cm('b'));
    const events: WatchEvent<ConfigMap>[] = [];
    store.watch<ConfigMap>('ConfigMap', { resourceVersion: a.metadata.resourceVersion }, (e) =>
      events.push(e),
    );
    await Promise.resolve();
    expect(events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED b']);
    await store.create('ConfigMap', cm('c'));
    await store.create('ConfigMap', cm('d'));
    const errors: Error[] = [];
    store.watch(
      'ConfigMap',
      { resourceVersion: '1' },
      () => undefined,
      (err) => errors.push(err),
    );
    await Promise.resolve();
    expect(errors[0]).toMatchObject({ code: 410 });
  });
});
