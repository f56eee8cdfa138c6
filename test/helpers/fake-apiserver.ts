// A Kubernetes API server for tests: the product's kube-api endpoint (src/server/kube-api) over a
// MemoryStore, so the kube store, argoexec and kubectl are tested with real clients and no cluster.
// It models the REST paths, verbs, Status errors, selectors, paging, merge and JSON patches,
// Tables, and streaming watches with 410 Expired; pods/log is served from a callback the test
// gives. It is plain HTTP; writeKubeconfig points a kubeconfig at it.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { kubeconfigYaml } from '../../src/server/kube-api/kubeconfig.js';
import {
  startKubeApiServer,
  type KubeApiRequest,
  type PodLogSource,
} from '../../src/server/kube-api/server.js';
import { MemoryStore } from './memory-store.js';

export type { PodLogSource };
export type FakeRequest = KubeApiRequest;

export interface FakeApiServerOptions {
  /** Require `Authorization: Bearer <token>`; without it every request gets 401. */
  token?: string;
  /** Serve this store (default: a new MemoryStore). */
  store?: MemoryStore;
  /** For a new store: how many changes a watch can resume from before 410 Expired. */
  changeLogRetention?: number;
  /** End every watch stream after this long, as real API servers do after a few minutes. */
  watchTimeoutMs?: number;
  /** Serves pods/log; see KubeApiOptions.podLog. */
  podLog?: PodLogSource;
}

export interface KubeconfigOptions {
  /** Default: the server's token (none when it has none). */
  token?: string;
  /** The context's namespace; default "default". */
  namespace?: string;
  /** File name inside the directory; default "kubeconfig". */
  file?: string;
}

export interface FakeApiServer {
  /** http://127.0.0.1:PORT */
  url: string;
  store: MemoryStore;
  /** Every request in arrival order. */
  requests: FakeRequest[];
  /** Watch streams open now. */
  readonly openWatches: number;
  /** Writes a kubeconfig whose current context points at this server; returns its path. */
  writeKubeconfig(dir: string, opts?: KubeconfigOptions): string;
  close(): Promise<void>;
}

export async function startFakeApiServer(opts: FakeApiServerOptions = {}): Promise<FakeApiServer> {
  const store = opts.store ?? new MemoryStore({ changeLogRetention: opts.changeLogRetention });
  const requests: FakeRequest[] = [];
  const server = await startKubeApiServer(store, {
    token: opts.token,
    watchTimeoutMs: opts.watchTimeoutMs,
    podLog: opts.podLog,
    onRequest: (r) => requests.push(r),
  });
  return {
    url: server.url,
    store,
    requests,
    get openWatches() {
      return server.openWatches;
    },
    writeKubeconfig(dir, k = {}) {
      const file = path.join(dir, k.file ?? 'kubeconfig');
      const token = k.token ?? opts.token;
      writeFileSync(file, kubeconfigYaml({ url: server.url, token, namespace: k.namespace, name: 'fake' }));
      return file;
    },
    async close() {
      await server.close();
      if (!opts.store) await store.close();
    },
  };
}
