// `argo workflow-controller` on a cluster: the workflow and cron controllers over the Kubernetes
// API (a KubeStore), as upstream's controller Deployment runs. No host runtime: the cluster's
// kubelets run the pods, which are laid out as upstream's (init/wait running argoexec, emissary).
// Replicas elect a leader with a coordination.k8s.io Lease named `workflow-controller` in the
// controller's namespace; only the leader runs the controllers. The configuration ConfigMap is
// watched: a change restarts the leader's controllers with it (executor image, instanceID). Every
// replica serves /metrics and /healthz (workflow-controller-endpoints.ts).
import os from 'node:os';
import { CONTROLLER_CONFIGMAP } from '../../artifacts/index.js';
import { CONTROLLER_LEASE } from '../../client/local/controller-lease.js';
import { versionInfo } from '../../client/version.js';
import { WorkflowController } from '../../controller/controller.js';
import { configField } from '../../controller/controller-config.js';
import { DEFAULT_WORKFLOW_TTL_WORKERS } from '../../controller/workflow-gc.js';
import {
  CronController,
  cronSyncPeriodFromEnv,
  DEFAULT_CRON_WORKFLOW_WORKERS,
} from '../../controller/cron/index.js';
import type { ConfigMap } from '../../model/meta.js';
import { Informer } from '../../store/informer/index.js';
import { LeaderElector, leaseHolder, readLease } from '../../store/lease.js';
import type { KubeConnectOptions, KubeStore } from '../../store/kube/index.js';
import { parseGoDuration } from '../../workflow/duration.js';
import { serveControllerEndpoints, type MetricsConfig } from './workflow-controller-endpoints.js';

export type Logger = (msg: string, fields?: Record<string, string | number>) => void;

export interface ClusterControllerOptions {
  kube: KubeConnectOptions;
  managedNamespace?: string;
  namespaced?: boolean;
  workflowWorkers?: number;
  podCleanupWorkers?: number;
  workflowTTLWorkers?: number;
  cronWorkflowWorkers?: number;
  /** --configmap */
  configMap: string;
  /** --executor-image: wins over the ConfigMap's executor.image. */
  executorImage?: string;
  env: NodeJS.ProcessEnv;
  log: Logger;
}

/** Upstream's leader election settings (LEADER_ELECTION_* variables), in milliseconds. */
function leaderElectionSettings(env: NodeJS.ProcessEnv): { leaseMs: number; retryMs: number } {
  const duration = (name: string, fallback: string): number => {
    const text = env[name] || fallback;
    let ms: number;
    try {
      ms = parseGoDuration(text);
    } catch (err) {
      throw new Error(`${name}=${text}: ${(err as Error).message}`);
    }
    if (!(ms > 0)) throw new Error(`${name}=${text}: must be a positive duration`);
    return ms;
  };
  return {
    leaseMs: duration('LEADER_ELECTION_LEASE_DURATION', '15s'),
    retryMs: duration('LEADER_ELECTION_RETRY_PERIOD', '5s'),
  };
}

/** The executor image: the flag, else the ConfigMap's executor.image, else the controller's default. */
function executorImageFrom(flag: string | undefined, cm: ConfigMap | undefined): string | undefined {
  if (flag) return flag;
  const executor = configField(cm, 'executor') as { image?: unknown } | undefined;
  return typeof executor?.image === 'string' && executor.image !== '' ? executor.image : undefined;
}

/** The ConfigMap's instanceID ('' for none: then only workflows without the label are ours). */
function instanceIdFrom(cm: ConfigMap | undefined): string {
  const id = configField(cm, 'instanceID');
  return typeof id === 'string' ? id : '';
}

/** A port from the environment (for several controllers on one host), else the default. */
function portFrom(env: NodeJS.ProcessEnv, name: string, fallback: number | undefined): number | undefined {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`${name}=${text}: not a port`);
  return port;
}

export async function runClusterController(o: ClusterControllerOptions): Promise<void> {
  const { leaseMs, retryMs } = leaderElectionSettings(o.env);
  // Loaded here, as every user of the Kubernetes client loads it (see store/kube/index.ts).
  const { openKubeStore, execInContainer } = await import('../../store/kube/index.js');
  const opened = await openKubeStore({ ...o.kube, env: o.env });
  const store = opened.store as KubeStore;
  // The controller's own namespace: -n, else the kubeconfig context's, else the service account's.
  const namespace = opened.namespace;
  let managedNamespace = o.managedNamespace || undefined;
  if (!o.namespaced && managedNamespace) {
    o.log('ignoring --managed-namespace because --namespaced is false');
    managedNamespace = undefined;
  }
  if (o.namespaced && !managedNamespace) managedNamespace = namespace;
  const identity = o.env.LEADER_ELECTION_IDENTITY || `${os.hostname()}-${process.pid}`;
  const version = versionInfo().version;
  o.log('Starting Workflow Controller', { version, kubeconfig: opened.source });
  o.log('Current Worker Numbers', {
    workflowWorkers: o.workflowWorkers ?? 32,
    workflowTtlWorkers: o.workflowTTLWorkers ?? DEFAULT_WORKFLOW_TTL_WORKERS,
    podCleanup: o.podCleanupWorkers ?? 4,
    cronWorkflowWorkers: o.cronWorkflowWorkers ?? DEFAULT_CRON_WORKFLOW_WORKERS,
  });

  let controller: WorkflowController | undefined;
  let cron: CronController | undefined;
  let archive: Awaited<ReturnType<typeof import('../../persist/configured.js').openControllerArchive>>;
  let syncDatabase: Awaited<
    ReturnType<typeof import('../../persist/configured.js').openConfiguredSyncDatabase>
  >;
  let running = false;
  let starting: Promise<void> = Promise.resolve();
  const startControllers = async (): Promise<void> => {
    const cm = await store.get<ConfigMap>('ConfigMap', namespace, o.configMap);
    const executorImage = executorImageFrom(o.executorImage, cm);
    const instanceId = instanceIdFrom(cm);
    o.log(`Configuration:\n${cm ? JSON.stringify(cm.data ?? {}) : `ConfigMap ${o.configMap} not found`}`);
    o.log('Workflow Controller', {
      version,
      executorImage: executorImage ?? 'default',
      namespace,
      managedNamespace: managedNamespace ?? '',
      configMap: o.configMap,
      instanceID: instanceId,
    });
    // `synchronization:` names the database `database:` locks live in; without one they fail the workflow.
    const { openControllerArchive, openConfiguredSyncDatabase } = await import('../../persist/configured.js');
    const config = { store, namespace, configMapName: o.configMap };
    syncDatabase = await openConfiguredSyncDatabase(config, { log: (msg) => o.log(msg) }).catch(
      (err: Error) => {
        o.log(`database synchronization is off: ${err.message}`);
        return undefined;
      },
    );
    // `persistence:` names the archive; a database that is down is connected to by the writes that follow.
    archive = await openControllerArchive(config, (msg) => o.log(msg));
    controller = new WorkflowController({
      store,
      namespace: managedNamespace,
      controllerNamespace: namespace,
      configMapName: o.configMap === CONTROLLER_CONFIGMAP ? undefined : o.configMap,
      podLayout: 'argoexec',
      executorImage,
      workflowWorkers: o.workflowWorkers,
      podCleanupWorkers: o.podCleanupWorkers,
      workflowTTLWorkers: o.workflowTTLWorkers,
      instanceId,
      log: (msg) => o.log(msg),
      syncDatabase,
      archive: archive?.writer,
      archivePolicy: archive?.policy,
      hydrator: archive?.hydrator,
      offloadGC: archive?.offloadGC,
      // Sidecars still running once main is done are signalled through pods/exec, as upstream's are.
      podExec: async (ns, pod, container, command) => {
        await execInContainer(store.kubeConfig, ns, pod, container, command);
      },
    });
    await controller.start();
    cron = new CronController({
      store,
      namespace: managedNamespace,
      syncPeriodMs: cronSyncPeriodFromEnv(o.env),
      instanceId,
      workers: o.cronWorkflowWorkers,
      log: (msg) => o.log(msg),
    });
    await cron.start();
    running = true;
  };
  const halt = async (): Promise<void> => {
    running = false;
    await cron?.stop();
    await controller?.stop();
    await syncDatabase?.db.close().catch(() => undefined);
    await archive?.close().catch(() => undefined);
    archive = undefined;
    cron = undefined;
    controller = undefined;
    syncDatabase = undefined;
  };
  const stopControllers = async (): Promise<void> => {
    await starting.catch(() => undefined);
    await halt();
  };

  // The configuration is watched: the leader restarts its controllers with a changed one.
  const config = new Informer<ConfigMap>({
    store,
    kind: 'ConfigMap',
    namespace,
    log: (msg) => o.log(msg),
  });
  await config.start();
  // Named as upstream's replicas name it (without an instance ID), as the embedded engine's is.
  const elector = new LeaderElector(store, {
    name: CONTROLLER_LEASE,
    namespace,
    holder: identity,
    durationSeconds: leaseMs / 1000,
    retryPeriodMs: retryMs,
    onError: (err) => o.log(`leader election: ${err.message}`),
  });
  o.log(`attempting to acquire leader lease ${namespace}/${CONTROLLER_LEASE}...`);
  // Who leads, as client-go's elector reports it ("new leader"), so a waiting replica says whom it waits for.
  let knownLeader: string | undefined;
  const watchLeader = setInterval(() => {
    if (elector.isLeader) return;
    void readLease(store, CONTROLLER_LEASE, namespace)
      .then((lease) => {
        const holder = leaseHolder(lease);
        if (holder && holder !== identity && holder !== knownLeader) {
          knownLeader = holder;
          o.log('new leader', { leader: holder });
        }
      })
      .catch(() => undefined);
  }, retryMs);
  const reload = (why: string): void => {
    if (!elector.isLeader) return;
    o.log(`ConfigMap ${namespace}/${o.configMap} ${why}: reloading the configuration`);
    starting = starting
      .catch(() => undefined)
      .then(halt)
      .then(startControllers)
      .catch((err: Error) => {
        o.log(`cannot start the controllers: ${err.message}`);
        void shutdown('start failure', 1);
      });
  };
  const ours = (cm: ConfigMap): boolean => cm.metadata.name === o.configMap;
  config.addHandler({
    onAdd: (cm) => ours(cm) && reload('created'),
    onUpdate: (old, cm) =>
      ours(cm) && JSON.stringify(old.data ?? {}) !== JSON.stringify(cm.data ?? {}) && reload('changed'),
    onDelete: (cm) => ours(cm) && reload('deleted'),
  });

  const initial = config.cache.get(`${namespace}/${o.configMap}`);
  const metricsConfig = (configField(initial, 'metricsConfig') ?? {}) as MetricsConfig;
  const closeEndpoints = await serveControllerEndpoints(
    {
      isLeader: () => elector.isLeader,
      healthy: () => !elector.isLeader || running,
      stats: () => controller?.stats(),
    },
    {
      metrics: { ...metricsConfig, port: portFrom(o.env, 'ARGO_TS_METRICS_PORT', metricsConfig.port) },
      healthPort: portFrom(o.env, 'ARGO_TS_HEALTH_PORT', 6060)!,
      log: o.log,
    },
  );

  elector.start(
    () => {
      knownLeader = identity;
      o.log('started leading', { id: identity });
      starting = startControllers().catch((err: Error) => {
        // Leading without controllers would hold the work hostage: give the lease up and exit.
        o.log(`cannot start the controllers: ${err.message}`);
        void shutdown('start failure', 1);
      });
    },
    () => {
      o.log('stopped leading', { id: identity });
      void stopControllers();
    },
  );

  let stopping = false;
  const shutdown = async (why: string, code = 0): Promise<void> => {
    if (stopping) return;
    stopping = true;
    o.log(`stopping: ${why}`);
    clearInterval(watchLeader);
    config.stop();
    // The controllers stop before the lease is released, so a successor never overlaps with us.
    await stopControllers();
    await closeEndpoints();
    await elector.stop();
    await store.close();
    process.exit(code);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  await new Promise<never>(() => undefined);
}
