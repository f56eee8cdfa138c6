// The cluster controller's HTTP endpoints, where upstream's controller serves them: Prometheus
// metrics on :9090/metrics (the ConfigMap's metricsConfig can move or disable them) and the
// liveness probe's /healthz on :6060. Metric names are upstream's (argo_workflows_*); each is read
// from the controller when scraped. Standby replicas serve both too, reporting is_leader 0.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Gauge, Registry } from 'prom-client';

export interface ControllerState {
  isLeader(): boolean;
  /** Leading and the controllers started (or not leading): the probe's answer. */
  healthy(): boolean;
  /** The running controller's counts; undefined while not leading. */
  stats():
    { workflows: Record<string, number>; pods: Record<string, number>; queueDepth: number } | undefined;
}

export interface MetricsConfig {
  enabled?: boolean;
  path?: string;
  port?: number;
}

export interface EndpointOptions {
  metrics: MetricsConfig;
  /** Upstream's health port; ARGO_TS_HEALTH_PORT overrides it (several controllers on one host). */
  healthPort: number;
  log: (msg: string, fields?: Record<string, string | number>) => void;
}

const WORKFLOW_PHASES = ['Pending', 'Running', 'Succeeded', 'Failed', 'Error'];
const POD_PHASES = ['Pending', 'Running', 'Succeeded', 'Failed'];

function registry(state: ControllerState): Registry {
  const r = new Registry();
  const byPhase = (
    name: string,
    help: string,
    label: 'status' | 'phase',
    phases: string[],
    pick: 'workflows' | 'pods',
  ) =>
    new Gauge({
      name,
      help,
      labelNames: [label],
      registers: [r],
      collect() {
        const counts = state.stats()?.[pick] ?? {};
        for (const phase of new Set([...phases, ...Object.keys(counts)]))
          this.set({ [label]: phase }, counts[phase] ?? 0);
      },
    });
  // Upstream labels a workflow's phase "status" here (its workflow gauge's attribute) but a pod's
  // "phase" (its pods gauge's): dashboards built on upstream's query them by those names.
  byPhase(
    'argo_workflows_gauge',
    'Number of Workflows currently accessible by the controller by status',
    'status',
    WORKFLOW_PHASES,
    'workflows',
  );
  byPhase(
    'argo_workflows_pods_gauge',
    'Number of Pods from Workflows currently accessible by the controller by status',
    'phase',
    POD_PHASES,
    'pods',
  );
  new Gauge({
    name: 'argo_workflows_is_leader',
    help: 'Emits 1 if leader, 0 otherwise',
    registers: [r],
    collect() {
      this.set(state.isLeader() ? 1 : 0);
    },
  });
  new Gauge({
    name: 'argo_workflows_queue_depth_gauge',
    help: 'Depth of the queue',
    labelNames: ['queue_name'],
    registers: [r],
    collect() {
      this.set({ queue_name: 'workflow_queue' }, state.stats()?.queueDepth ?? 0);
    },
  });
  return r;
}

async function listen(server: Server, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/** Starts both endpoints; resolves with a function that closes them. */
export async function serveControllerEndpoints(
  state: ControllerState,
  o: EndpointOptions,
): Promise<() => Promise<void>> {
  const servers: Server[] = [];
  const health = createServer((req, res) => {
    if ((req.url ?? '').split('?')[0] !== '/healthz') {
      res.writeHead(404).end();
      return;
    }
    const ok = state.healthy();
    res.writeHead(ok ? 200 : 503, { 'Content-Type': 'text/plain' }).end(ok ? 'ok\n' : 'not ready\n');
  });
  servers.push(health);
  const healthPort = await listen(health, o.healthPort);
  o.log('Starting health check server', { port: healthPort });

  if (o.metrics.enabled !== false) {
    const path = o.metrics.path || '/metrics';
    const reg = registry(state);
    const metrics = createServer((req, res) => {
      if ((req.url ?? '').split('?')[0] !== path) {
        res.writeHead(404).end();
        return;
      }
      reg
        .metrics()
        .then((text) => res.writeHead(200, { 'Content-Type': reg.contentType }).end(text))
        .catch((err: Error) => res.writeHead(500).end(err.message));
    });
    servers.push(metrics);
    const port = await listen(metrics, o.metrics.port ?? 9090);
    o.log('Starting prometheus metrics server', { address: `:${port}${path}` });
  }
  return async () => {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  };
}
