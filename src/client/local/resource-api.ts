// The Kubernetes API the local engine's resource templates act on: the embedded store served on
// loopback (the same server `argo kube-api serve` runs), started on the first resource step and
// guarded by a token made for this process. Objects a step creates are the store's: Workflows are
// run by the local controller, Pods by the host runtime, other kinds are kept as they are written.
import { randomBytes } from 'node:crypto';
import type { KubeApiServer } from '../../server/kube-api/server.js';
import type { DynamicClient } from '../../store/kube/dynamic.js';
import type { ResourceStore } from '../../store/types.js';

export class LocalResourceApi {
  private connecting?: Promise<{ server: KubeApiServer; client: DynamicClient }>;

  constructor(private readonly store: ResourceStore) {}

  /** The client, starting the server on first use. */
  readonly client = async (): Promise<DynamicClient> => {
    this.connecting ??= this.connect();
    this.connecting.catch(() => (this.connecting = undefined));
    return (await this.connecting).client;
  };

  async close(): Promise<void> {
    const connected = this.connecting;
    this.connecting = undefined;
    const c = await connected?.catch(() => undefined);
    await c?.server.close();
  }

  private async connect(): Promise<{ server: KubeApiServer; client: DynamicClient }> {
    const [{ startKubeApiServer }, { KubeConfig }, { DynamicClient }] = await Promise.all([
      import('../../server/kube-api/server.js'),
      import('../../store/kube/library.js'),
      import('../../store/kube/dynamic.js'),
    ]);
    const token = randomBytes(24).toString('base64url');
    const server = await startKubeApiServer(this.store, { host: '127.0.0.1', port: 0, token });
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'argo-local', server: server.url, skipTLSVerify: true }],
      users: [{ name: 'argo-local', token }],
      contexts: [{ name: 'argo-local', cluster: 'argo-local', user: 'argo-local' }],
      currentContext: 'argo-local',
    });
    return { server, client: new DynamicClient(kc) };
  }
}
