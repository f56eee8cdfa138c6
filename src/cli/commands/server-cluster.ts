// `argo server` on a cluster: the Argo Server API over the Kubernetes API, with no engine of its own
// (the cluster's workflow controller runs what is submitted). In server auth mode every request uses
// the server's own credentials (its service account in a pod, else its kubeconfig); in client auth
// mode each request's bearer token (or Basic user name and password) is sent to the Kubernetes API in their place, so the cluster's
// RBAC decides what the caller may do, as upstream's gatekeeper does.
import { storeSecrets, WorkflowArtifactReader } from '../../artifacts/reader.js';
import { KubeHost } from '../../client/kube/host.js';
import { StoreClient } from '../../client/store/client.js';
import type { Actor } from '../../model/service.js';
import { kubeStoreIdentity } from '../../server/claims.js';
import type { CallerCredentials } from '../../server/auth.js';
import { currentCaller, type CallerDeps, type ServerDeps } from '../../server/index.js';
import type { KubeConnectOptions, KubeStore } from '../../store/kube/index.js';

/** Callers' clients kept for their next request; the least recently used go first. */
const CALLERS_KEPT = 128;

export interface ClusterServer {
  deps: Omit<ServerDeps, 'version'>;
  /** The server's namespace: -n, else the kubeconfig context's or the service account's. */
  namespace: string;
  /** Where the configuration came from: kubeconfig file(s) or "in-cluster". */
  source: string;
  /** The API server's URL. */
  apiServer: string;
  /** Who the server's own credentials name: the actor of requests that use them. */
  identity: Actor | undefined;
  close(): Promise<void>;
}

export async function openClusterServer(o: {
  kube: KubeConnectOptions;
  /** Act as each caller (client auth mode). */
  passCallerToken: boolean;
  home: string;
  /** The controller ConfigMap in the server's namespace, whose `persistence:` names the archive. */
  configMap: string;
  warn: (msg: string) => void;
}): Promise<ClusterServer> {
  // Loaded here, as every user of the Kubernetes client loads it (see store/kube/index.ts).
  const { openKubeStore, readPodLog } = await import('../../store/kube/index.js');
  const opened = await openKubeStore(o.kube);
  const namespace = opened.namespace;
  // As upstream's server, the archive and offloaded nodes are read from the database the
  // controller's configuration names; none configured leaves the server without an archive,
  // answering as upstream's does then. One that cannot be reached (at start or later) is logged,
  // its reads answer 503 meanwhile, and they work again once it is back.
  const { openServerArchive } = await import('../../persist/configured.js');
  const persistence = await openServerArchive(
    { store: opened.store, namespace, configMapName: o.configMap },
    o.warn,
  );
  const clientFor = (store: KubeStore): StoreClient =>
    new StoreClient({ store, namespace, host: new KubeHost(store, readPodLog, persistence) });

  const callers = new Map<string, CallerDeps>();
  const forCaller = (credentials: CallerCredentials): CallerDeps => {
    const key = JSON.stringify(credentials);
    let caller = callers.get(key);
    if (caller) callers.delete(key);
    else {
      const store = opened.store.asCaller(credentials);
      caller = { store, backend: clientFor(store) };
    }
    callers.set(key, caller);
    // A forgotten caller's watches end with their requests; its store holds nothing else open.
    if (callers.size > CALLERS_KEPT) callers.delete(callers.keys().next().value as string);
    return caller;
  };

  const store = opened.store;
  return {
    deps: {
      backend: clientFor(store),
      store,
      // As upstream's artifact server, credentials are read with the caller's rights in client
      // mode: an artifact is no more readable than the Secret that opens it.
      artifacts: new WorkflowArtifactReader({
        home: o.home,
        secret: (namespace, name, key) =>
          storeSecrets(currentCaller()?.store ?? store)!(namespace, name, key),
      }),
      forCaller: o.passCallerToken ? forCaller : undefined,
      archive: persistence?.archive,
      hydrator: persistence?.hydrator,
    },
    namespace,
    source: opened.source,
    apiServer: store.server,
    identity: kubeStoreIdentity(store),
    close: async () => {
      await persistence?.close().catch(() => undefined);
      await store.close();
    },
  };
}
