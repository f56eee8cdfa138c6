// The memoization cache on its own: misses, hits, maxAge, the entry Argo writes into the cache
// ConfigMap, and the checks Argo makes on keys and ConfigMaps.
import { describe, expect, it } from 'vitest';
import { MemoCache } from '../../../src/controller/memo/index.js';
import type { ConfigMap } from '../../../src/model/meta.js';

/** A ConfigMap cache like the controller's, where queued writes land only when `flush` is called. */
function setup() {
  const stored = new Map<string, ConfigMap>();
  const queued: ConfigMap[] = [];
  let rv = 1;
  const memo = new MemoCache({
    getConfigMap: (ns, name) => stored.get(`${ns}/${name}`),
    writeConfigMap: (cm) => queued.push(cm),
  });
  const flush = (): void => {
    for (const cm of queued.splice(0)) {
      stored.set(`${cm.metadata.namespace}/${cm.metadata.name}`, {
        ...cm,
        metadata: { ...cm.metadata, resourceVersion: String(++rv) },
      });
    }
  };
  return { memo, stored, queued, flush };
}

// Stored timestamps have second precision, as metav1.Time has.
const T0 = new Date('2024-05-01T10:00:00.000Z');
const later = (s: number): Date => new Date(T0.getTime() + s * 1000);
const OUTPUTS = { parameters: [{ name: 'hello', value: 'world' }], exitCode: '0' };

describe('MemoCache', () => {
  it('misses when the ConfigMap does not exist, and creates it labelled as a cache on save', () => {
    const { memo, queued, flush, stored } = setup();
    expect(memo.load('default', 'cache-config', 'cache-key', undefined, T0)).toBeUndefined();
    expect(queued).toEqual([]);
    memo.save('default', 'cache-config', 'cache-key', 'memoized-abc', OUTPUTS, T0);
    expect(queued).toHaveLength(1);
    expect(queued[0]).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'cache-config',
        namespace: 'default',
        labels: { 'workflows.argoproj.io/configmap-type': 'Cache' },
      },
      data: {
        'cache-key':
          '{"nodeID":"memoized-abc","outputs":{"parameters":[{"name":"hello","value":"world"}],"exitCode":"0"},' +
          '"creationTimestamp":"2024-05-01T10:00:00Z","lastHitTimestamp":"2024-05-01T10:00:00Z"}',
      },
    });
    flush();
    expect(stored.get('default/cache-config')?.metadata.resourceVersion).toBeDefined();
  });

  it('hits with the saved outputs and stamps the hit time', () => {
    const { memo, queued, flush, stored } = setup();
    memo.save('default', 'c', 'k', 'node-1', OUTPUTS, T0);
    flush();
    expect(memo.load('default', 'c', 'k', undefined, later(30))).toEqual({ outputs: OUTPUTS });
    expect(JSON.parse(queued[0].data!.k)).toEqual({
      nodeID: 'node-1',
      outputs: OUTPUTS,
      creationTimestamp: '2024-05-01T10:00:00Z',
      lastHitTimestamp: '2024-05-01T10:00:30Z',
    });
    flush();
    expect(JSON.parse(stored.get('default/c')!.data!.k).lastHitTimestamp).toBe('2024-05-01T10:00:30Z');
  });

  it('misses for a different key, and once an entry is older than maxAge', () => {
    const { memo, flush } = setup();
    memo.save('default', 'c', 'k', 'node-1', OUTPUTS, T0);
    flush();
    expect(memo.load('default', 'c', 'other', undefined, later(1))).toBeUndefined();
    expect(memo.load('default', 'c', 'k', 10_000, later(10))).toEqual({ outputs: OUTPUTS });
    expect(memo.load('default', 'c', 'k', 10_000, later(11))).toBeUndefined();
    // Saving again renews the entry.
    memo.save('default', 'c', 'k', 'node-2', { exitCode: '0' }, later(11));
    expect(memo.load('default', 'c', 'k', 10_000, later(12))).toEqual({ outputs: { exitCode: '0' } });
  });

  it('sees its own writes before the controller has stored them', () => {
    const { memo, queued } = setup();
    memo.save('default', 'c', 'a', 'node-a', OUTPUTS, T0);
    memo.save('default', 'c', 'b', 'node-b', undefined, T0);
    expect(memo.load('default', 'c', 'a', undefined, T0)).toEqual({ outputs: OUTPUTS });
    // A node that produced no outputs is still a hit.
    expect(memo.load('default', 'c', 'b', undefined, T0)).toEqual({});
    // Each queued write carries every entry so far.
    expect(Object.keys(queued.at(-1)!.data!).sort()).toEqual(['a', 'b']);
  });

  it('reads entries written by Argo itself, keeping unknown ConfigMap content', () => {
    const { memo, stored, queued } = setup();
    stored.set('default/cache-config', {
      metadata: {
        name: 'cache-config',
        namespace: 'default',
        resourceVersion: '7',
        labels: { 'workflows.argoproj.io/configmap-type': 'Cache', team: 'x' },
      },
      data: {
        'cache-key':
          '{"nodeID":"memoized-hdckj","outputs":{"parameters":[{"name":"hello","value":"different world","valueFrom":{"path":"/tmp/hello_world.txt"}}],"exitCode":"0"},"creationTimestamp":"2021-10-12T15:14:04Z","lastHitTimestamp":"2021-10-12T15:14:04Z"}',
        keep: 'me',
      },
    });
    expect(
      memo.load('default', 'cache-config', 'cache-key', undefined, T0)?.outputs?.parameters?.[0].value,
    ).toBe('different world');
    expect(memo.load('default', 'cache-config', 'cache-key', 10_000, T0)).toBeUndefined();
    memo.save('default', 'cache-config', 'new-key', 'n', undefined, T0);
    const written = queued.at(-1)!;
    expect(written.metadata.resourceVersion).toBe('7');
    expect(written.metadata.labels).toEqual({ 'workflows.argoproj.io/configmap-type': 'Cache', team: 'x' });
    expect(written.data?.keep).toBe('me');
  });

  it('refuses invalid keys, ConfigMaps that are not caches, and malformed entries with Argo errors', () => {
    const { memo, stored } = setup();
    expect(() => memo.load('default', 'c', 'bad_key', undefined, T0)).toThrow('invalid cache key: bad_key');
    expect(() => memo.save('default', 'c', 'a.b', 'n', undefined, T0)).toThrow('invalid cache key: a.b');
    expect(() => memo.load('default', 'c', '-lead', undefined, T0)).toThrow('invalid cache key: -lead');
    stored.set('default/plain', { metadata: { name: 'plain', namespace: 'default' }, data: { k: '{}' } });
    expect(() => memo.load('default', 'plain', 'k', undefined, T0)).toThrow(
      "memoization configmap doesn't have workflows.argoproj.io/configmap-type label, refusing to use it",
    );
    expect(() => memo.save('default', 'plain', 'k', 'n', undefined, T0)).toThrow(/refusing to use it/);
    stored.set('default/other', {
      metadata: {
        name: 'other',
        namespace: 'default',
        labels: { 'workflows.argoproj.io/configmap-type': 'Parameter' },
      },
    });
    expect(() => memo.load('default', 'other', 'k', undefined, T0)).toThrow(
      "memoization configmap doesn't have label workflows.argoproj.io/configmap-type = Cache, refusing to use it",
    );
    stored.set('default/broken', {
      metadata: {
        name: 'broken',
        namespace: 'default',
        labels: { 'workflows.argoproj.io/configmap-type': 'Cache' },
      },
      data: { k: 'not json' },
    });
    expect(() => memo.load('default', 'broken', 'k', undefined, T0)).toThrow(
      /^malformed cache entry: could not unmarshal JSON; unable to parse: /,
    );
  });
});
