// A stand-in cluster for running the CLI in Kubernetes API mode: the fake API server, our own
// workflow controller in the test process watching it through a KubeStore (as a controller
// deployed in a cluster watches the real API server), and a kubelet, `argo kubelet`, as a process
// of its own (kubelet-process.ts) running the pods. pods/log and pods/exec are proxied to the
// kubelet the pod's node Lease names (src/server/kube-api/kubelet-proxy.ts), as a real API
// server proxies them to the node's kubelet. Pods labelled INJECT_SIDECAR_LABEL=true get one more container
// as they are created, as a service mesh's admission webhook injects its proxy: neither the
// workflow nor its emissary know of it.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WorkflowController } from '../../src/controller/controller.js';
import { execThroughKubelet, logsThroughKubelet } from '../../src/server/kube-api/kubelet-proxy.js';
import { openKubeStore, type KubeStore } from '../../src/store/kube/index.js';
import type { Pod } from '../../src/model/pod.js';
import { startFakeApiServer, type FakeApiServer, type FakeUser } from '../helpers/fake-apiserver.js';
import { startKubeletProcess, type KubeletProcess } from './kubelet-process.js';

export const INJECT_SIDECAR_LABEL = 'test.argo-ts.io/inject-sidecar';
/** The container injected into pods labelled INJECT_SIDECAR_LABEL: it runs until it is signalled. */
export const INJECTED_SIDECAR = 'injected-proxy';

export interface KubeCluster {
  api: FakeApiServer;
  /** The kubeconfig pointing at the API server (context namespace: "default"). */
  kubeconfig: string;
  /** Environment overrides for the CLI: KUBECONFIG set, no Argo Server, no forced local backend. */
  env: NodeJS.ProcessEnv;
  /** The `argo kubelet` process running the pods. */
  kubelet: KubeletProcess;
  close(): Promise<void>;
}

export interface KubeClusterOptions {
  /**
   * Run our workflow controller in this process (default). Off, the cluster has only the API
   * server and the kubelet: the test runs `argo workflow-controller` itself, which lays pods out
   * as upstream's (argoexec in them; the kubelet gives such pods its kubeconfig for the API).
   */
  controller?: boolean;
  /**
   * Users of the API server by bearer token (see FakeApiServerOptions.users). The cluster's own
   * kubeconfig (controller, kubelet) uses the first token, which should be allowed everything.
   */
  users?: Record<string, FakeUser>;
  /** How often watches get a BOOKMARK (the API server's default: about a minute). */
  bookmarkIntervalMs?: number;
}

export async function startKubeCluster(opts: KubeClusterOptions = {}): Promise<KubeCluster> {
  const inProcessController = opts.controller ?? true;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'argo-kube-e2e-'));
  const home = path.join(dir, 'node');
  // pods/log and pods/exec go where the kubelet's node Lease in the API server's own store says.
  const served: { api?: FakeApiServer } = {};
  const api = await startFakeApiServer({
    users: opts.users,
    bookmarkIntervalMs: opts.bookmarkIntervalMs,
    podLog: (namespace, pod, container, q, signal) =>
      logsThroughKubelet(served.api!.store)(namespace, pod, container, q, signal),
    podExec: (namespace, pod, container, command) =>
      execThroughKubelet(served.api!.store)(namespace, pod, container, command),
    admitPod: injectSidecar,
  });
  served.api = api;
  const kubeconfig = api.writeKubeconfig(dir);
  const kubelet = await startKubeletProcess(kubeconfig, home);
  const { store } = await openKubeStore({ kubeconfig });
  const controller = inProcessController
    ? new WorkflowController({ store, home, controllerNamespace: 'argo' })
    : undefined;
  await controller?.start();
  const env: NodeJS.ProcessEnv = {
    KUBECONFIG: kubeconfig,
    // The CLI's own ARGO_HOME stays empty: nothing may run or be kept on the CLI's side.
    ARGO_HOME: path.join(dir, 'cli-home'),
    // Empty rather than absent, so they override what the CLI helper's environment sets.
    ARGO_LOCAL: '',
    ARGO_SERVER: '',
    ARGO_NAMESPACE: '',
  };
  return {
    api,
    kubeconfig,
    env,
    kubelet,
    async close() {
      await controller?.stop();
      await kubelet.stop();
      await (store as KubeStore).close();
      await api.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function injectSidecar(pod: Pod): void {
  if (pod.metadata.labels?.[INJECT_SIDECAR_LABEL] !== 'true') return;
  pod.spec.containers.push({ name: INJECTED_SIDECAR, image: 'busybox', command: ['sleep', '3600'] });
}
