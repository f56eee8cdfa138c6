// `argo workflow-controller`: on a cluster when cluster config is found (the rule the CLI's backends
// follow; see workflow-controller-cluster.ts), else on this machine: the embedded engine in the
// foreground. Started detached by the CLI, it exits after a quiet spell (ARGO_TS_CONTROLLER_IDLE_EXIT_SECONDS),
// and, whatever that is, once its ARGO_HOME has been removed.
import { chooseBackend } from '../../client/index.js';
import type { KubeConnectOptions } from '../../store/kube/index.js';
import {
  controllerRunning,
  IDLE_EXIT_ENV,
  spawnDetachedController,
} from '../../client/local/controller-process.js';
import { controllerBusy } from '../../client/local/controller-busy.js';
import { Engine } from '../../client/local/engine.js';
import { StoreFileRemoval } from '../../client/local/store-file-removal.js';
import { argoHome, openStore } from '../../store/index.js';

function log(msg: string, fields: Record<string, string | number> = {}): void {
  const extra = Object.entries(fields)
    .map(([k, v]) => ` ${k}=${typeof v === 'string' && !/^[\w./:@-]*$/.test(v) ? JSON.stringify(v) : v}`)
    .join('');
  process.stdout.write(`time=${new Date().toISOString()} level=INFO msg=${JSON.stringify(msg)}${extra}\n`);
}

export async function runWorkflowController(o: {
  managedNamespace?: string;
  namespaced?: boolean;
  workflowWorkers?: number;
  podCleanupWorkers?: number;
  workflowTtlWorkers?: number;
  cronWorkflowWorkers?: number;
  configmap?: string;
  executorImage?: string;
  /** The root's kubectl flags given on the command line. */
  kube: KubeConnectOptions;
}): Promise<void> {
  if (o.workflowWorkers !== undefined && o.workflowWorkers < 1) {
    throw new Error(`--workflow-workers must be at least 1, got ${o.workflowWorkers}`);
  }
  if (o.podCleanupWorkers !== undefined && o.podCleanupWorkers < 1) {
    throw new Error(`--pod-cleanup-workers must be at least 1, got ${o.podCleanupWorkers}`);
  }
  if (o.workflowTtlWorkers !== undefined && o.workflowTtlWorkers < 1) {
    throw new Error(`--workflow-ttl-workers must be at least 1, got ${o.workflowTtlWorkers}`);
  }
  if (o.cronWorkflowWorkers !== undefined && o.cronWorkflowWorkers < 1) {
    throw new Error(`--cron-workflow-workers must be at least 1, got ${o.cronWorkflowWorkers}`);
  }
  // A controller runs workflows from a store, never through an Argo Server: ARGO_SERVER is for clients.
  const choice = chooseBackend({
    kubeconfig: o.kube.kubeconfig,
    kube: { server: o.kube.server },
    env: { ...process.env, ARGO_SERVER: undefined },
  });
  if (choice.backend === 'kube') {
    const { runClusterController } = await import('./workflow-controller-cluster.js');
    return runClusterController({
      kube: o.kube,
      managedNamespace: o.managedNamespace,
      namespaced: o.namespaced,
      workflowWorkers: o.workflowWorkers,
      podCleanupWorkers: o.podCleanupWorkers,
      workflowTTLWorkers: o.workflowTtlWorkers,
      cronWorkflowWorkers: o.cronWorkflowWorkers,
      configMap: o.configmap || 'workflow-controller-configmap',
      executorImage: o.executorImage,
      env: process.env,
      log,
    });
  }
  const home = argoHome();
  const store = openStore();
  const storeFile = new StoreFileRemoval(store.path);
  // Stopped (SIGTERM, idle), it leaves running containers to the next controller to adopt.
  const engine = new Engine(
    store,
    home,
    log,
    true,
    o.workflowWorkers,
    o.podCleanupWorkers,
    o.cronWorkflowWorkers,
    o.workflowTtlWorkers,
  );
  log(`starting workflow controller (home ${home}, pid ${process.pid})`);
  const idleSeconds = Number(process.env[IDLE_EXIT_ENV] ?? '0');
  let stopping = false;
  const stop = async (why: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log(`stopping: ${why}`);
    await engine.stop();
    // A workflow submitted while we were deciding to go saw our lease and started no controller:
    // now that the lease is free, leave a successor for it.
    const waiting = await store
      .list('Workflow', { labelSelector: 'workflows.argoproj.io/completed!=true' })
      .catch(() => ({ items: [] }));
    // Another live controller leading (this one waited behind it) has them already.
    const successor =
      why.startsWith('idle') &&
      waiting.items.length > 0 &&
      !(await controllerRunning(store, { besidesThisProcess: true }).catch(() => false));
    if (successor) {
      log(`handing ${waiting.items.length} unfinished workflow(s) to a new controller`);
      spawnDetachedController(home);
    }
    await store.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  void engine.start().then(() => log('leading: controller and host runtime started'));
  // Keeps the process alive, and lets a detached controller go once it has had nothing to do.
  let idleSince = Date.now();
  let checking = false;
  const check = async (): Promise<void> => {
    // Its home removed, nothing it does can be seen or adopted any more: it goes, handing nothing over.
    if (storeFile.removed()) return stop(`${store.path} was removed (its ARGO_HOME is gone)`);
    // A store that cannot be read says nothing of the work: counted as busy, the controller stays.
    if (await controllerBusy(engine, store, home).catch(() => true)) idleSince = Date.now();
    else if (idleSeconds > 0 && Date.now() - idleSince >= idleSeconds * 1000)
      return stop(`idle for ${idleSeconds}s`);
  };
  setInterval(() => {
    if (checking || stopping) return;
    checking = true;
    void check().finally(() => (checking = false));
  }, 1000);
  await new Promise<never>(() => undefined);
}
