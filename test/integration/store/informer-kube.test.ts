// The informer over the kube store and the fake API server, whose watches end every few hundred
// milliseconds and whose change log is compacted meanwhile, as a real API server's is: the watch
// resumes from a compacted version, gets 410 Expired, and the informer re-lists and converges.
import type { ConfigMap } from '../../../src/model/meta.js';
import { afterEach, describe, expect, it } from 'vitest';
import { Informer } from '../../../src/store/informer/index.js';
import { openKubeStore } from '../../../src/store/kube/index.js';
import { startFakeApiServer } from '../../helpers/fake-apiserver.js';
import { tempDir, waitFor } from './helpers.js';

const open: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const close of open.splice(0).reverse()) await close();
});

const cm = (name: string): ConfigMap => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'argo' },
  data: {},
});

describe('Informer on the kube store', () => {
  it('re-lists after 410 Expired from a compacted version and sees what changed, deletes included', async () => {
    const server = await startFakeApiServer({ changeLogRetention: 2, watchTimeoutMs: 300 });
    open.push(() => server.close());
    const { store } = await openKubeStore({ kubeconfig: server.writeKubeconfig(tempDir(), {}) });
    open.push(() => store.close());
    await server.store.create('ConfigMap', cm('keep'));
    await server.store.create('ConfigMap', cm('gone'));
    const logs: string[] = [];
    const informer = new Informer<ConfigMap>({
      store,
      kind: 'ConfigMap',
      namespace: 'argo',
      log: (m) => logs.push(m),
    });
    open.push(() => informer.stop());
    await informer.start();
    await waitFor(() => server.openWatches === 1, 5000, 'the watch to open');
    // The server ends the short watch; the client waits a second before resuming from its version,
    // and meanwhile more changes than the server keeps are made.
    await waitFor(() => server.openWatches === 0, 5000, 'the server to end the watch');
    await server.store.delete('ConfigMap', 'argo', 'gone');
    for (const n of ['a', 'b', 'c']) await server.store.create('ConfigMap', cm(n));
    const names = () =>
      informer.cache
        .list()
        .map((o) => o.metadata.name)
        .sort()
        .join(',');
    await waitFor(() => names() === 'a,b,c,keep', 10_000, 'the cache to converge');
    expect(informer.listCount).toBeGreaterThanOrEqual(2);
    expect(logs.some((m) => /Expired|too old/i.test(m))).toBe(true);
  });
});
