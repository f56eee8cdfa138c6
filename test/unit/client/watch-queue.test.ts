import { describe, expect, it } from 'vitest';
import { enqueueLatest } from '../../../src/client/store/streams.js';
import type { WatchEvent } from '../../../src/client/types.js';
import type { KubeObject } from '../../../src/model/meta.js';

const ev = (type: WatchEvent<KubeObject>['type'], name: string, rv: number): WatchEvent<KubeObject> => ({
  type,
  object: { metadata: { name, namespace: 'argo', resourceVersion: String(rv) } },
});
const summary = (q: WatchEvent<KubeObject>[]): string[] =>
  q.map((e) => `${e.type} ${e.object.metadata.name}@${e.object.metadata.resourceVersion}`);

describe('a lagging watch consumer', () => {
  it('keeps only the latest state of each object, in version order', () => {
    const q: WatchEvent<KubeObject>[] = [];
    enqueueLatest(q, ev('ADDED', 'a', 1));
    enqueueLatest(q, ev('ADDED', 'b', 2));
    enqueueLatest(q, ev('MODIFIED', 'a', 3));
    enqueueLatest(q, ev('MODIFIED', 'a', 4));
    enqueueLatest(q, ev('MODIFIED', 'b', 5));
    // The ADDED a client has not yet seen stays an ADDED, now with the newer state.
    expect(summary(q)).toEqual(['ADDED a@4', 'ADDED b@5']);
    enqueueLatest(q, ev('MODIFIED', 'a', 6));
    expect(summary(q)).toEqual(['ADDED b@5', 'ADDED a@6']);
  });

  it('queues a deletion as it is, and a state after it anew', () => {
    const q: WatchEvent<KubeObject>[] = [];
    enqueueLatest(q, ev('MODIFIED', 'a', 1));
    enqueueLatest(q, ev('DELETED', 'a', 2));
    enqueueLatest(q, ev('ADDED', 'a', 3));
    enqueueLatest(q, ev('MODIFIED', 'a', 4));
    expect(summary(q)).toEqual(['MODIFIED a@1', 'DELETED a@2', 'ADDED a@4']);
  });

  it('tells objects of the same name in other namespaces apart', () => {
    const q: WatchEvent<KubeObject>[] = [ev('MODIFIED', 'a', 1)];
    const other = ev('MODIFIED', 'a', 2);
    other.object.metadata.namespace = 'default';
    enqueueLatest(q, other);
    expect(q).toHaveLength(2);
  });
});
