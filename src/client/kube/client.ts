// The kube backend: the store client over the Kubernetes API, as upstream's CLI works in
// "Kubernetes API mode". The store (and @kubernetes/client-node with it) is loaded when a client is
// opened, so that importing this module costs nothing.
import type { KubeConnectOptions, OpenedKubeStore } from '../../store/kube/index.js';
import { StoreError } from '../../store/types.js';
import { offloadNeedsServer } from '../store/archive.js';
import { StoreClient } from '../store/client.js';
import { ArgoError } from '../types.js';
import { KubeHost } from './host.js';
import type { Actor } from '../../model/service.js';

export class KubeClient extends StoreClient {
  declare readonly backend: 'kube';
  /** Where the configuration came from: kubeconfig file(s), "in-cluster" or "flags". */
  readonly source: string;
  /** The API server's URL. */
  readonly server: string;

  private constructor(opened: OpenedKubeStore, host: KubeHost) {
    super({ store: opened.store, namespace: opened.namespace, host });
    this.source = opened.source;
    this.server = opened.store.server;
    // As upstream's CLI in Kubernetes API mode: the kubeconfig user's claims name the creator
    // (read when something is created: a read has no use for them).
    let identity: Promise<Actor | undefined> | undefined;
    this.creator = () =>
      (identity ??= import('../../server/claims.js').then((m) => m.kubeStoreIdentity(opened.store)));
    // As upstream's CLI there: nodes offloaded to the database are the Argo Server's to read.
    this.offloadUnreadable = offloadNeedsServer;
  }

  /** A client for the cluster the kubectl options select; a configuration that cannot be used is an ArgoError. */
  static async open(opts: KubeConnectOptions): Promise<KubeClient> {
    const { KubeConfigError, openKubeStore, readPodLog } = await import('../../store/kube/index.js');
    try {
      const opened = await openKubeStore(opts);
      return new KubeClient(opened, new KubeHost(opened.store, readPodLog));
    } catch (err) {
      if (err instanceof StoreError) throw new ArgoError(err.message, err.code);
      if (err instanceof KubeConfigError) throw new ArgoError(err.message, 400);
      throw err;
    }
  }
}
