import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/model/meta.js';
import { Informer } from '../../../src/store/informer/index.js';
import { StoreError } from '../../../src/store/types.js';
import { collect, latestOf, openTempStore, tempDir, waitFor, wf } from './helpers.js';

const settle = () => new Promise((r) => setTimeout(r, 30));

describe('SqliteStore watch', () => {
  it('delivers in-process writes in order, before the write call resolves', async () => {
    const store = openTempStore({ pollIntervalMs: 60_000 });
    const w = collect(store, 'Workflow', { namespace: 'argo' });
    await settle();
    await store.create('Workflow', wf('a'));
    // Delivered synchronously after commit, not on the (here: one minute) poll.
    expect(w.summary()).toEqual(['ADDED a']);
    await store.create('Workflow', wf('b'));
    await store.patch('Workflow', 'argo', 'a', { status: { phase: 'Running' } });
    await store.create('Workflow', wf('other-ns', { metadata: { namespace: 'default' } }));
    await store.create('WorkflowTemplate', wf('other-kind'));
    await store.delete('Workflow', 'argo', 'b');
    expect(w.summary()).toEqual(['ADDED a', 'ADDED b', 'MODIFIED a', 'DELETED b']);
    const versions = w.events.map((e) => Number(e.object.metadata.resourceVersion));
    expect(versions).toEqual([...versions].sort((x, y) => x - y));
    expect(w.events[2].object).toMatchObject({ status: { phase: 'Running' } });
    // The DELETED event carries the version of the deletion.
    expect(w.events[3].object.metadata.resourceVersion).toBe(store.currentResourceVersion());
  });

  it('resumes after a resourceVersion without replaying what came before', async () => {
    const store = openTempStore();
    await store.create('Workflow', wf('a'));
    const b = await store.create('Workflow', wf('b'));
    await store.patch('Workflow', 'argo', 'a', { spec: { x: 1 } });
    await store.delete('Workflow', 'argo', 'b');
    const w = collect(store, 'Workflow', { resourceVersion: b.metadata.resourceVersion });
    await w.until(2);
    expect(w.summary()).toEqual(['MODIFIED a', 'DELETED b']);
    await store.create('Workflow', wf('c'));
    expect(w.summary()).toEqual(['MODIFIED a', 'DELETED b', 'ADDED c']);
  });

  it('reports 410 Expired when resuming from a pruned version', async () => {
    const store = openTempStore({ changeLogRetention: 10 });
    for (let i = 0; i < 50; i++) await store.create('ConfigMap', wf(`cm-${i}`));
    const w = collect(store, 'ConfigMap', { resourceVersion: '5' });
    await waitFor(() => w.errors.length > 0, 2000, 'the 410');
    const err = w.errors[0] as StoreError;
    expect(err).toBeInstanceOf(StoreError);
    expect(err.code).toBe(410);
    expect(err.reason).toBe('Expired');
    expect(err.message).toMatch(/^too old resource version: 5 \(\d+\)$/);
    expect(w.events).toEqual([]);
    // A recent version still works.
    const recent = collect(store, 'ConfigMap', {
      resourceVersion: String(Number(store.currentResourceVersion()) - 2),
    });
    await recent.until(2);
    expect(recent.summary()).toEqual(['ADDED cm-48', 'ADDED cm-49']);
    expect(recent.errors).toEqual([]);
  });

  it('turns selector transitions into ADDED and DELETED, as Kubernetes does', async () => {
    const store = openTempStore();
    await store.create('Pod', wf('p', { metadata: { labels: { done: 'false' } } }));
    const w = collect(store, 'Pod', { labelSelector: 'done!=true' });
    await w.until(1);
    await store.patch('Pod', 'argo', 'p', { status: { phase: 'Running' } });
    await store.patch('Pod', 'argo', 'p', { metadata: { labels: { done: 'true' } } });
    await store.patch('Pod', 'argo', 'p', { status: { phase: 'Succeeded' } });
    await store.patch('Pod', 'argo', 'p', { metadata: { labels: { done: 'false' } } });
    await store.patch('Pod', 'argo', 'p', { metadata: { labels: { done: 'true' } } });
    await store.delete('Pod', 'argo', 'p');
    expect(w.summary()).toEqual(['ADDED p', 'MODIFIED p', 'DELETED p', 'ADDED p', 'DELETED p']);
  });

  it('knows what matched when resuming a selector watch', async () => {
    const store = openTempStore();
    await store.create('Pod', wf('in', { metadata: { labels: { done: 'false' } } }));
    const out = await store.create('Pod', wf('out', { metadata: { labels: { done: 'true' } } }));
    await store.patch('Pod', 'argo', 'in', { metadata: { labels: { done: 'true' } } });
    await store.patch('Pod', 'argo', 'out', { status: { phase: 'Succeeded' } });
    await store.patch('Pod', 'argo', 'out', { metadata: { labels: { done: 'false' } } });
    const w = collect(store, 'Pod', {
      labelSelector: 'done=false',
      resourceVersion: out.metadata.resourceVersion,
    });
    await w.until(2);
    await settle();
    // 'in' left the selection; 'out' was never in it, so its status change is not shown; then it joined.
    expect(w.summary()).toEqual(['DELETED in', 'ADDED out']);
  });

  it('filters by field selector and namespace', async () => {
    const store = openTempStore();
    const w = collect(store, 'Workflow', { fieldSelector: 'metadata.name=target', namespace: 'argo' });
    await settle();
    await store.create('Workflow', wf('target'));
    await store.create('Workflow', wf('other'));
    await store.create('Workflow', wf('target', { metadata: { namespace: 'elsewhere' } }));
    await store.patch('Workflow', 'argo', 'target', { status: { phase: 'Running' } });
    expect(w.summary()).toEqual(['ADDED target', 'MODIFIED target']);
  });

  it('shows finalizer deletion as MODIFIED then DELETED', async () => {
    const store = openTempStore();
    const w = collect(store, 'Workflow');
    await settle();
    await store.create('Workflow', wf('f', { metadata: { finalizers: ['x/y'] } }));
    await store.delete('Workflow', 'argo', 'f');
    await store.patch('Workflow', 'argo', 'f', { metadata: { finalizers: null } });
    expect(w.summary()).toEqual(['ADDED f', 'MODIFIED f', 'DELETED f']);
    expect(w.events[1].object.metadata.deletionTimestamp).toBeDefined();
  });

  it('stops delivering after stop()', async () => {
    const store = openTempStore();
    const w = collect(store, 'Workflow');
    await settle();
    await store.create('Workflow', wf('a'));
    w.stop();
    await store.create('Workflow', wf('b'));
    await settle();
    expect(w.summary()).toEqual(['ADDED a']);
  });

  it('never runs callbacks inside a transaction, so they may write', async () => {
    const store = openTempStore();
    const seen: string[] = [];
    const watch = store.watch('Workflow', {}, (e) => {
      seen.push(`${e.type} ${e.object.metadata.name}`);
      if (e.type === 'ADDED' && e.object.metadata.name === 'a') {
        // A write from inside a callback must not deadlock or reorder events.
        void store.create('Workflow', wf('from-callback'));
      }
    });
    await settle();
    const other = collect(store, 'Workflow');
    await settle();
    await store.create('Workflow', wf('a'));
    await store.create('Workflow', wf('b'));
    expect(seen).toEqual(['ADDED a', 'ADDED from-callback', 'ADDED b']);
    expect(other.summary()).toEqual(['ADDED a', 'ADDED from-callback', 'ADDED b']);
    watch.stop();
  });

  it('sees writes made through another store instance on the same file by polling', async () => {
    const dir = tempDir();
    const reader = openTempStore({ pollIntervalMs: 20 }, dir);
    const writer = openTempStore({}, dir);
    const w = collect(reader, 'Workflow');
    await settle();
    await writer.create('Workflow', wf('a'));
    await writer.patch('Workflow', 'argo', 'a', { status: { phase: 'Running' } });
    await waitFor(() => latestOf(w.events).get('a')?.status?.phase === 'Running', 2000, 'a Running');
    // One ADDED, then MODIFIED only if the poll ran between the two writes.
    expect(w.summary()[0]).toBe('ADDED a');
    const seen = w.events.length;
    // Interleaved local and remote writes stay in version order.
    await reader.create('Workflow', wf('b'));
    await writer.create('Workflow', wf('c'));
    await reader.create('Workflow', wf('d'));
    await w.until(seen + 3, 2000);
    expect(w.summary().slice(seen)).toEqual(['ADDED b', 'ADDED c', 'ADDED d']);
  });

  it("selects another store instance's writes by the labels and name the change log keeps", async () => {
    const dir = tempDir();
    const reader = openTempStore({ pollIntervalMs: 20 }, dir);
    const writer = openTempStore({}, dir);
    const byLabel = collect(reader, 'Pod', { labelSelector: 'done=false' });
    const byName = collect(reader, 'Pod', { fieldSelector: 'metadata.name=p', namespace: 'argo' });
    await settle();
    await writer.create('Pod', wf('p', { metadata: { labels: { done: 'false' } } }));
    await writer.create('Pod', wf('q', { metadata: { labels: { done: 'true' } } }));
    await byLabel.until(1, 2000);
    // Each write awaited before the next, so no change is read late (a late watch sees latest states).
    await writer.patch('Pod', 'argo', 'p', { metadata: { labels: { done: 'true' } } });
    await byLabel.until(2, 2000);
    await writer.patch('Pod', 'argo', 'q', { status: { phase: 'Running' } });
    await writer.patch('Pod', 'argo', 'q', { metadata: { labels: { done: 'false' } } });
    await byLabel.until(3, 2000);
    await writer.delete('Pod', 'argo', 'q');
    await byLabel.until(4, 2000);
    await writer.delete('Pod', 'argo', 'p');
    await byName.until(3, 2000);
    await settle();
    // p leaves, q (its status change unseen, outside the selection) joins, then goes.
    expect(byLabel.summary()).toEqual(['ADDED p', 'DELETED p', 'ADDED q', 'DELETED q']);
    expect(byName.summary()).toEqual(['ADDED p', 'MODIFIED p', 'DELETED p']);
    const last = byLabel.events[3].object;
    expect(last.metadata).toMatchObject({ name: 'q', labels: { done: 'false' } });
  });

  it('gives a watch that reads late each object once, at its latest state, and nothing of what came and went', async () => {
    const dir = tempDir();
    const reader = openTempStore({ pollIntervalMs: 60_000 }, dir);
    const writer = openTempStore({}, dir);
    await writer.create('Workflow', wf('kept'));
    const w = collect(reader, 'Workflow');
    const sel = collect(reader, 'Workflow', { labelSelector: 'keep=yes' });
    await w.until(1);
    await sel.until(0);
    await writer.patch('Workflow', 'argo', 'kept', { status: { phase: 'Running' } });
    await writer.create('Workflow', wf('x'));
    await writer.patch('Workflow', 'argo', 'x', { metadata: { labels: { keep: 'yes' } } });
    await writer.patch('Workflow', 'argo', 'x', { status: { phase: 'Running' } });
    await writer.create('Workflow', wf('gone', { metadata: { labels: { keep: 'yes' } } }));
    await writer.delete('Workflow', 'argo', 'gone');
    // A local write makes the reader read the log now, long before its next poll.
    await reader.create('Workflow', wf('local'));
    expect(w.summary()).toEqual(['ADDED kept', 'MODIFIED kept', 'ADDED x', 'ADDED local']);
    expect(w.events[2].object).toMatchObject({
      metadata: { labels: { keep: 'yes' } },
      status: { phase: 'Running' },
    });
    // Each event carries the object at the event's own version, never a later one.
    expect(w.events.map((e) => e.object.metadata.resourceVersion)).toEqual(['1', '2', '5', '8']);
    expect(sel.summary()).toEqual(['ADDED x']);
  });

  it('catches up on more remote writes than one poll reads', async () => {
    const dir = tempDir();
    const reader = openTempStore({ pollIntervalMs: 1000 }, dir);
    const writer = openTempStore({}, dir);
    const w = collect(reader, 'ConfigMap');
    await settle();
    for (let i = 0; i < 1200; i++) await writer.create('ConfigMap', wf(`cm-${String(i).padStart(4, '0')}`));
    // The next local write makes the reader pump the change log at once, in batches.
    await reader.create('ConfigMap', wf('local'));
    expect(w.events).toHaveLength(1201);
    const versions = w.events.map((e) => Number(e.object.metadata.resourceVersion));
    expect(versions).toEqual(Array.from({ length: 1201 }, (_, i) => i + 1));
    expect(w.events[1200].object.metadata.name).toBe('local');
  });

  it('rejects invalid selectors and versions at once', () => {
    const store = openTempStore();
    expect(() => store.watch('Workflow', { labelSelector: 'a in (' }, () => {})).toThrow(
      /invalid label selector/,
    );
    expect(() => store.watch('Workflow', { resourceVersion: 'abc' }, () => {})).toThrow(
      /invalid resourceVersion/,
    );
  });

  it('does not keep the process alive and stops on close', async () => {
    const store = openTempStore({ pollIntervalMs: 10 });
    const w = collect(store, 'Workflow');
    await settle();
    await store.close();
    await settle();
    expect(w.errors).toEqual([]);
  });

  it('hands read-only watches one parsed object per state, and others their own copy', async () => {
    const store = openTempStore({ pollIntervalMs: 60_000 });
    await store.create('Workflow', wf('a'));
    // Joining: the snapshot of the same state is parsed once for the read-only watches.
    const r1 = collect(store, 'Workflow', { namespace: 'argo', readOnly: true });
    const r2 = collect(store, 'Workflow', { namespace: 'argo', readOnly: true });
    const own1 = collect(store, 'Workflow', { namespace: 'argo' });
    const own2 = collect(store, 'Workflow', { namespace: 'argo' });
    for (const w of [r1, r2, own1, own2]) await w.until(1);
    expect(r2.events[0].object).toBe(r1.events[0].object);
    expect(own1.events[0].object).not.toBe(r1.events[0].object);
    // A change: one object for the read-only watches, a copy each for the others.
    await store.patch('Workflow', 'argo', 'a', { status: { phase: 'Running' } });
    for (const w of [r1, r2, own1, own2]) await w.until(2);
    const [shared, again, mine, yours] = [r1, r2, own1, own2].map((w) => w.events[1].object);
    expect(again).toBe(shared);
    expect(mine).not.toBe(shared);
    expect(yours).not.toBe(shared);
    expect(yours).not.toBe(mine);
    expect(shared).toMatchObject({ status: { phase: 'Running' } });
    // A watch that changes its copy changes nobody else's.
    (mine as unknown as { status: { phase: string } }).status.phase = 'Mangled';
    expect(shared).toMatchObject({ status: { phase: 'Running' } });
    expect(yours).toMatchObject({ status: { phase: 'Running' } });
  });

  it("hands a watch the object a patch or delete built, sharing nothing with the caller's patch or result", async () => {
    const store = openTempStore({ pollIntervalMs: 60_000 });
    await store.create('Workflow', wf('a', { status: { phase: 'Pending' } }));
    const w1 = collect(store, 'Workflow', { namespace: 'argo' });
    const w2 = collect(store, 'Workflow', { namespace: 'argo' });
    for (const w of [w1, w2]) await w.until(1);
    const patch = { status: { phase: 'Running', nodes: ['x'] }, spec: { skip: undefined, at: new Date(0) } };
    const result = await store.patch('Workflow', 'argo', 'a', patch);
    const [mine, yours] = [w1, w2].map((w) => w.events[1].object as unknown as Record<string, never>);
    expect(mine).not.toBe(yours);
    expect(mine).not.toBe(result);
    // Each is what the store holds: JSON's view of the patch (a Date as its string, no undefined member).
    const stored = await store.get('Workflow', 'argo', 'a');
    for (const obj of [mine, yours, result]) expect(obj).toStrictEqual(stored);
    // The caller changing its patch or its result changes no watch's object.
    patch.status.nodes.push('y');
    (result as unknown as { status: { phase: string } }).status.phase = 'Mangled';
    expect(mine).toMatchObject({ status: { phase: 'Running', nodes: ['x'] } });
    expect(yours).toMatchObject({ status: { phase: 'Running', nodes: ['x'] } });
    await store.delete('Workflow', 'argo', 'a');
    const [gone, goneToo] = [w1, w2].map((w) => w.events[2].object);
    expect(gone).not.toBe(goneToo);
    expect(gone).toStrictEqual(goneToo);
    expect(w1.summary()).toEqual(['ADDED a', 'MODIFIED a', 'DELETED a']);
  });

  it('gives a read-only informer the object its peers share, and a plain one its own', async () => {
    const store = openTempStore({ pollIntervalMs: 60_000 });
    await store.create('Workflow', wf('a'));
    const cli = collect(store, 'Workflow', { namespace: 'argo', readOnly: true });
    const shared = new Informer<KubeObject>({ store, kind: 'Workflow', readOnly: true });
    const plain = new Informer<KubeObject>({ store, kind: 'Workflow' });
    await shared.start();
    await plain.start();
    await store.patch('Workflow', 'argo', 'a', { status: { phase: 'Running' } });
    await cli.until(2);
    await waitFor(
      () =>
        shared.cache.get('argo/a')?.metadata.resourceVersion ===
        cli.events[1].object.metadata.resourceVersion,
    );
    await waitFor(
      () =>
        plain.cache.get('argo/a')?.metadata.resourceVersion === cli.events[1].object.metadata.resourceVersion,
    );
    expect(shared.cache.get('argo/a')).toBe(cli.events[1].object);
    expect(plain.cache.get('argo/a')).not.toBe(cli.events[1].object);
    expect(plain.cache.get('argo/a')).toEqual(cli.events[1].object);
    shared.stop();
    plain.stop();
  });
});
