// The Argo Server's watch route streams each workflow event to every watcher through the store
// client's watchWorkflows: nodes a controller offloaded are read from the database once per event
// (once per offloaded version), and compressed nodes are decompressed once per event, not once
// per watcher, as they were before.
import { expect, it } from 'vitest';
import { StoreClient } from '../../../src/client/store/client.js';
import type { ClientHost } from '../../../src/client/store/host.js';
import type { Workflow } from '../../../src/model/workflow.js';
import { compressNodes } from '../../../src/persist/compressed-nodes.js';
import { WorkflowHydrator } from '../../../src/persist/hydrator.js';
import type { NodeStatusOffload } from '../../../src/persist/node-offload.js';
import { MemoryStore } from '../../helpers/memory-store.js';

const WATCHERS = 5;

const nodesOf = (phase: 'Running' | 'Succeeded') => ({
  n: { id: 'n', name: 'n', displayName: 'n', type: 'Pod' as const, phase, templateName: 'main' },
});

it('reads offloaded nodes once per event for all the watchers of a workflow', async () => {
  const rows = new Map<string, ReturnType<typeof nodesOf>>([
    ['v1', nodesOf('Running')],
    ['v2', nodesOf('Succeeded')],
  ]);
  const reads: string[] = [];
  const offload = {
    get: async (uid: string, version: string) => {
      reads.push(version);
      // Slow enough that the watchers' reads of one event overlap.
      await new Promise((r) => setTimeout(r, 20));
      return structuredClone(rows.get(version)!);
    },
  } as unknown as NodeStatusOffload;
  const hydrator = new WorkflowHydrator(offload, false);
  const store = new MemoryStore();
  const host = {
    backend: 'kube',
    ensureController: async () => undefined,
    hydrator: async () => hydrator,
  } as unknown as ClientHost;
  const client = new StoreClient({ store, namespace: 'default', host });
  const wf = await store.create<Workflow>('Workflow', {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { name: 'big', namespace: 'default' },
    spec: { entrypoint: 'main', templates: [{ name: 'main', container: { image: 'alpine' } }] },
    status: { phase: 'Running', offloadNodeStatusVersion: 'v1' },
  });

  const ac = new AbortController();
  const streams = Array.from({ length: WATCHERS }, () => {
    const events = client.watchWorkflows('default', { fieldSelector: 'metadata.name=big' }, ac.signal);
    return events[Symbol.asyncIterator]();
  });
  const phases = async (): Promise<string[]> =>
    Promise.all(
      streams.map(async (s) => {
        const ev = (await s.next()).value as { object: Workflow };
        return `${ev.object.status?.phase} ${ev.object.status?.nodes?.n?.phase}`;
      }),
    );
  expect(await phases()).toEqual(Array(WATCHERS).fill('Running Running'));
  expect(reads).toEqual(['v1']);
  await store.update<Workflow>('Workflow', {
    ...wf,
    metadata: { ...wf.metadata, resourceVersion: undefined },
    status: { phase: 'Succeeded', offloadNodeStatusVersion: 'v2' },
  });
  expect(await phases()).toEqual(Array(WATCHERS).fill('Succeeded Succeeded'));
  expect(reads).toEqual(['v1', 'v2']);
  ac.abort();
  await Promise.all(streams.map((s) => s.return?.(undefined)));
  await store.close();
});

it('decompresses compressed nodes once per event for all the watchers, with or without a database', async () => {
  for (const hydrator of [new WorkflowHydrator(undefined, false), undefined]) {
    const store = new MemoryStore();
    const host = {
      backend: 'kube',
      ensureController: async () => undefined,
      ...(hydrator ? { hydrator: async () => hydrator } : {}),
    } as unknown as ClientHost;
    const client = new StoreClient({ store, namespace: 'default', host });
    const wf = await store.create<Workflow>('Workflow', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      metadata: { name: 'big', namespace: 'default' },
      spec: { entrypoint: 'main', templates: [{ name: 'main', container: { image: 'alpine' } }] },
      status: { phase: 'Running', compressedNodes: compressNodes(nodesOf('Running')) },
    });
    const ac = new AbortController();
    const streams = Array.from({ length: WATCHERS }, () => {
      const events = client.watchWorkflows('default', { fieldSelector: 'metadata.name=big' }, ac.signal);
      return events[Symbol.asyncIterator]();
    });
    const next = (): Promise<Workflow[]> =>
      Promise.all(streams.map(async (s) => ((await s.next()).value as { object: Workflow }).object));
    const first = await next();
    expect(first.map((w) => w.status?.nodes?.n?.phase)).toEqual(Array(WATCHERS).fill('Running'));
    expect(first.every((w) => w.status?.compressedNodes === undefined)).toBe(true);
    // One decompression: every watcher's copy holds the same nodes object.
    expect(new Set(first.map((w) => w.status?.nodes)).size).toBe(1);
    await store.update<Workflow>('Workflow', {
      ...wf,
      metadata: { ...wf.metadata, resourceVersion: undefined },
      status: { phase: 'Succeeded', compressedNodes: compressNodes(nodesOf('Succeeded')) },
    });
    const second = await next();
    // The next event is decompressed afresh (its resourceVersion differs), once again.
    expect(second.map((w) => w.status?.nodes?.n?.phase)).toEqual(Array(WATCHERS).fill('Succeeded'));
    expect(new Set(second.map((w) => w.status?.nodes)).size).toBe(1);
    ac.abort();
    await Promise.all(streams.map((s) => s.return?.(undefined)));
    await store.close();
  }
});
