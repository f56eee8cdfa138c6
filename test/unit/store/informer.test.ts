import { describe, expect, it } from 'vitest';
import type { ConfigMap } from '../../../src/model/meta.js';
import { byLabel, compareResourceVersions, Informer } from '../../../src/store/informer/index.js';
import { StoreError } from '../../../src/store/types.js';
import { ExpiringStore } from '../../helpers/expiring-store.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { MemoryStore } from '../../helpers/memory-store.js';

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function cm(name: string, data: Record<string, string> = {}, labels?: Record<string, string>): ConfigMap {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'ns', labels }, data };
}

async function setup(opts: Partial<ConstructorParameters<typeof Informer<ConfigMap>>[0]> = {}) {
  const memory = new MemoryStore();
  const store = new ExpiringStore(memory);
  const clock = new FakeClock('2026-01-01T00:00:00Z');
  const events: string[] = [];
  const informer = new Informer<ConfigMap>({
    store,
    kind: 'ConfigMap',
    timers: clock,
    random: () => 0,
    ...opts,
  });
  informer.addHandler({
    onAdd: (o) => events.push(`add ${o.metadata.name}`),
    onUpdate: (old, o) =>
      events.push(old === o ? `resync ${o.metadata.name}` : `update ${o.metadata.name} ${o.data?.v ?? ''}`),
    onDelete: (o) => events.push(`delete ${o.metadata.name}`),
  });
  /** Fires the timers due within `ms` and lets what they start finish. */
  const advance = (ms: number) => clock.advanceTo(new Date(clock.now().getTime() + ms), settle);
  return { memory, store, clock, events, informer, advance };
}

const names = (inf: Informer<ConfigMap>) =>
  inf.cache
    .list()
    .map((o) => o.metadata.name)
    .sort();

describe('Informer', () => {
  it('lists, then follows the watch from the list version', async () => {
    const { memory, events, informer } = await setup();
    await memory.create('ConfigMap', cm('a'));
    await informer.start();
    expect(events).toEqual(['add a']);
    await memory.create('ConfigMap', cm('b'));
    await memory.patch('ConfigMap', 'ns', 'a', { data: { v: '2' } });
    await settle();
    expect(events).toEqual(['add a', 'add b', 'update a 2']);
    expect(informer.resourceVersion).toBe(
      (await memory.get<ConfigMap>('ConfigMap', 'ns', 'a'))!.metadata.resourceVersion,
    );
    informer.stop();
  });

  it('re-lists at once on 410 Gone and hands over what changed while disconnected, deletes included', async () => {
    const { memory, store, events, informer, advance } = await setup();
    await memory.create('ConfigMap', cm('keep'));
    await memory.create('ConfigMap', cm('gone'));
    await informer.start();
    store.disconnect();
    await memory.delete('ConfigMap', 'ns', 'gone');
    await memory.patch('ConfigMap', 'ns', 'keep', { data: { v: '2' } });
    await memory.create('ConfigMap', cm('new'));
    await settle();
    expect(names(informer)).toEqual(['gone', 'keep']);
    events.length = 0;
    expect(store.fail('ConfigMap')).toBe(1);
    await advance(0);
    expect(informer.listCount).toBe(2);
    expect(names(informer)).toEqual(['keep', 'new']);
    expect(informer.cache.get('ns/keep')?.data).toEqual({ v: '2' });
    expect(events.sort()).toEqual(['add new', 'delete gone', 'update keep 2']);
    // And it watches again: later changes arrive.
    await memory.create('ConfigMap', cm('later'));
    await settle();
    expect(names(informer)).toEqual(['keep', 'later', 'new']);
    informer.stop();
  });

  it('backs off exponentially, capped, when the watch or the list fails, then converges', async () => {
    const { memory, store, clock, informer, advance } = await setup({
      backoff: { baseMs: 100, maxMs: 500 },
    });
    await informer.start();
    const unavailable = () => new StoreError('connection refused', 503, 'ServiceUnavailable');
    store.failLists(unavailable(), unavailable(), unavailable(), unavailable());
    await memory.create('ConfigMap', cm('x'));
    store.disconnect();
    await memory.create('ConfigMap', cm('y'));
    store.fail('ConfigMap', new StoreError('connection reset', 500, 'InternalError'));
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      const start = clock.now().getTime();
      const next = clock.nextTimer()!.getTime();
      delays.push(next - start);
      await advance(next - start);
    }
    expect(delays).toEqual([100, 200, 400, 500, 500]);
    expect(informer.listCount).toBe(2);
    expect(names(informer)).toEqual(['x', 'y']);
    informer.stop();
  });

  it('adds jitter to the backoff, within the cap', async () => {
    const { store, clock, informer } = await setup({
      backoff: { baseMs: 100, maxMs: 1000 },
      jitter: 0.5,
      random: () => 1,
    });
    await informer.start();
    store.fail('ConfigMap', new Error('connection reset'));
    expect(clock.nextTimer()!.getTime() - clock.now().getTime()).toBe(150);
    informer.stop();
  });

  it('backs off when 410 comes again and again, and starts over after a healthy watch', async () => {
    const { store, clock, informer, advance } = await setup({
      backoff: { baseMs: 100, maxMs: 1000 },
      healthyAfterMs: 60_000,
    });
    await informer.start();
    const nextDelay = () => clock.nextTimer()!.getTime() - clock.now().getTime();
    store.fail('ConfigMap');
    expect(nextDelay()).toBe(0);
    await advance(0);
    store.fail('ConfigMap');
    expect(nextDelay()).toBe(100);
    await advance(100);
    store.fail('ConfigMap');
    expect(nextDelay()).toBe(200);
    await advance(200);
    await advance(60_000);
    store.fail('ConfigMap');
    expect(nextDelay()).toBe(0);
    informer.stop();
  });

  it('resyncs: every cached object is handed to onUpdate again each period', async () => {
    const { memory, events, informer, advance } = await setup({ resyncPeriodMs: 1000 });
    await memory.create('ConfigMap', cm('a'));
    await memory.create('ConfigMap', cm('b'));
    await informer.start();
    events.length = 0;
    await advance(999);
    expect(events).toEqual([]);
    await advance(1);
    expect(events.sort()).toEqual(['resync a', 'resync b']);
    await advance(1000);
    expect(events).toHaveLength(4);
    informer.stop();
    await advance(5000);
    expect(events).toHaveLength(4);
  });

  it('keeps an index by label in step with changes', async () => {
    const { memory, informer } = await setup({ indexers: { wf: byLabel('wf') } });
    await memory.create('ConfigMap', cm('p1', {}, { wf: 'one' }));
    await memory.create('ConfigMap', cm('p2', {}, { wf: 'one' }));
    await memory.create('ConfigMap', cm('p3', {}, { wf: 'two' }));
    await informer.start();
    const byWf = (v: string) =>
      informer.cache
        .byIndex('wf', `ns/${v}`)
        .map((o) => o.metadata.name)
        .sort();
    expect(byWf('one')).toEqual(['p1', 'p2']);
    await memory.patch('ConfigMap', 'ns', 'p2', { metadata: { labels: { wf: 'two' } } });
    await memory.delete('ConfigMap', 'ns', 'p3');
    await settle();
    expect(byWf('one')).toEqual(['p1']);
    expect(byWf('two')).toEqual(['p2']);
    informer.stop();
  });

  it('keeps the version of bookmarks as its latest resourceVersion', async () => {
    const { store, informer } = await setup();
    await informer.start();
    store.bookmark('9000');
    expect(informer.resourceVersion).toBe('9000');
    informer.stop();
  });

  it('rejects start when the first list fails', async () => {
    const { store, informer } = await setup();
    store.failLists(new StoreError('forbidden', 403, 'Forbidden'));
    await expect(informer.start()).rejects.toThrow('forbidden');
  });
});

// A client puts what it wrote in the cache so its next read sees it; the write's answer can arrive
// after the watch has brought later events, and then must not undo them.
describe('Informer.setUnlessStale', () => {
  it('keeps a later version the watch brought while the write was returning', async () => {
    const { memory, informer } = await setup();
    await memory.create('ConfigMap', cm('a'));
    await informer.start();
    const written = await memory.patch<ConfigMap>('ConfigMap', 'ns', 'a', { data: { v: '2' } });
    await memory.patch('ConfigMap', 'ns', 'a', { data: { v: '3' } });
    await settle();
    expect(informer.setUnlessStale(written)).toBe(false);
    expect(informer.cache.get('ns/a')?.data).toEqual({ v: '3' });
    informer.stop();
  });

  it('does not bring back an object the watch saw deleted after the written version', async () => {
    const { memory, events, informer } = await setup();
    await memory.create('ConfigMap', cm('a'));
    await informer.start();
    const written = await memory.patch<ConfigMap>('ConfigMap', 'ns', 'a', { data: { v: '2' } });
    await memory.delete('ConfigMap', 'ns', 'a');
    await settle();
    expect(events).toContain('delete a');
    expect(informer.setUnlessStale(written)).toBe(false);
    expect(informer.cache.has('ns/a')).toBe(false);
    // Nor a pod-like create whose ADDED and DELETED both came before its answer.
    const created = await memory.create<ConfigMap>('ConfigMap', cm('b'));
    await memory.delete('ConfigMap', 'ns', 'b');
    await settle();
    expect(informer.setUnlessStale(created)).toBe(false);
    expect(names(informer)).toEqual([]);
    informer.stop();
  });

  it('stores a version the watch has not delivered yet, and never goes back to an earlier one', async () => {
    const { memory, store, informer } = await setup();
    const first = await memory.create<ConfigMap>('ConfigMap', cm('a'));
    await informer.start();
    store.disconnect();
    const written = await memory.patch<ConfigMap>('ConfigMap', 'ns', 'a', { data: { v: '2' } });
    expect(informer.setUnlessStale(written)).toBe(true);
    expect(informer.cache.get('ns/a')).toBe(written);
    expect(informer.setUnlessStale(first)).toBe(false);
    expect(informer.cache.get('ns/a')).toBe(written);
    // The same version replaces the cached copy (the writer's may carry more).
    const copy = structuredClone(written);
    expect(informer.setUnlessStale(copy)).toBe(true);
    expect(informer.cache.get('ns/a')).toBe(copy);
    // A create the watch has not reported yet is cached at once.
    const created = await memory.create<ConfigMap>('ConfigMap', cm('b'));
    expect(informer.setUnlessStale(created)).toBe(true);
    expect(names(informer)).toEqual(['a', 'b']);
    informer.stop();
  });

  it('stores objects whose versions are not integers, as it cannot order them', async () => {
    const { informer } = await setup();
    await informer.start();
    const a = cm('a');
    a.metadata.resourceVersion = 'x7';
    expect(informer.setUnlessStale(a)).toBe(true);
    const b = { ...cm('a', { v: '2' }), metadata: { ...a.metadata, resourceVersion: 'x6' } };
    expect(informer.setUnlessStale(b)).toBe(true);
    expect(informer.cache.get('ns/a')).toBe(b);
    informer.stop();
  });
});

describe('compareResourceVersions', () => {
  it('orders integer versions by value, not as text, and leaves others unordered', () => {
    expect(compareResourceVersions('10', '9')).toBe(1);
    expect(compareResourceVersions('9', '10')).toBe(-1);
    expect(compareResourceVersions('12', '12')).toBe(0);
    expect(compareResourceVersions('12', '13')).toBe(-1);
    expect(compareResourceVersions('a', '1')).toBeUndefined();
    expect(compareResourceVersions(undefined, '1')).toBeUndefined();
    expect(compareResourceVersions('', '1')).toBeUndefined();
  });
});
