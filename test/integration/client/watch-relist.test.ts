// The store client's watch stream (behind `argo watch`, `argo wait` and `submit --wait` on the kube
// backend, and the server's watch route) outlives an expired resourceVersion: it re-lists and goes
// on, as Kubernetes clients must, instead of failing with "too old resource version". The live
// case (a stream open when the API server compacts) is in test/e2e/kube-controller-process.test.ts.
import { expect, it } from 'vitest';
import { watchToIterable } from '../../../src/client/store/streams.js';
import type { ConfigMap } from '../../../src/model/meta.js';
import { MemoryStore } from '../../helpers/memory-store.js';

const cm = (name: string): ConfigMap => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'argo' },
});

it('watchToIterable from an expired version re-lists what is there now and watches on from it', async () => {
  const store = new MemoryStore();
  const a = await store.create('ConfigMap', cm('a'));
  await store.create('ConfigMap', cm('b'));
  await store.delete('ConfigMap', 'argo', 'b');
  await store.patch('ConfigMap', 'argo', 'a', { data: { k: 'v' } });
  await store.create('ConfigMap', cm('c'));
  await store.compact();

  const controller = new AbortController();
  const stream = watchToIterable<ConfigMap>(
    store,
    'ConfigMap',
    'argo',
    { resourceVersion: a.metadata.resourceVersion },
    controller.signal,
  );
  const next = async () => {
    const ev = (await stream.next()).value as { type: string; object: ConfigMap };
    return `${ev.type} ${ev.object.metadata.name} ${JSON.stringify(ev.object.data ?? {})}`;
  };
  expect([await next(), await next()].sort()).toEqual(['ADDED a {"k":"v"}', 'ADDED c {}']);
  const more = next();
  await store.create('ConfigMap', cm('d'));
  expect(await more).toBe('ADDED d {}');
  controller.abort();
  await stream.return(undefined);
  await store.close();
});
