// `argo kubelet`: a HostRuntime over a KubeStore, a loopback endpoint the API server proxies
// pods/exec and pods/log to, and the node Lease that tells the API server where that endpoint is
// (server/kube-api/kubelet-proxy.ts). Pods it runs write their status through the API themselves
// (the host runtime's status writer); nothing here touches a pod.
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { HostRuntime } from '../../executor/host/runtime.js';
import { readPodLogs } from '../../executor/logs.js';
import { NODE_NAME } from '../../executor/host/status-writer.js';
import { ANNOTATION_KUBELET_ENDPOINT, NODE_LEASE_NAMESPACE } from '../../server/kube-api/kubelet-proxy.js';
import type { KubeConnectOptions, KubeStore } from '../../store/kube/index.js';
import { microTime, type Lease } from '../../store/lease.js';
import type { ResourceStore } from '../../store/types.js';
import { FlagError } from '../flags.js';

/** As a real kubelet's node lease: renewed every 10 s, 40 s before it counts as gone. */
const LEASE_DURATION_SECONDS = 40;
const LEASE_RENEW_MS = 10_000;

function say(msg: string, fields: Record<string, string | number> = {}): void {
  const tail = Object.entries(fields).map(([k, v]) => ` ${k}=${JSON.stringify(v)}`);
  process.stdout.write(
    `time=${new Date().toISOString()} level=INFO msg=${JSON.stringify(msg)}${tail.join('')}\n`,
  );
}

function intFlag(flag: string, value: string, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > max)
    throw new FlagError(`invalid argument "${value}" for "--${flag}" flag: not a whole number up to ${max}`);
  return n;
}

export interface KubeletOptions {
  home: string;
  port: string;
  gracePeriod: string;
  kube: KubeConnectOptions;
}

export async function runKubelet(o: KubeletOptions): Promise<void> {
  const port = intFlag('port', o.port, 65535);
  const gracePeriodSeconds = intFlag('grace-period', o.gracePeriod, 86_400);
  const home = path.resolve(o.home);
  const { openKubeStore } = await import('../../store/kube/index.js');
  const opened = await openKubeStore(o.kube);
  const store = opened.store as KubeStore;
  // Pods whose init and wait containers run argoexec reach the API through the same kubeconfig.
  const kubeconfig = o.kube.kubeconfig ?? (existsSync(opened.source) ? opened.source : undefined);
  const runtime = new HostRuntime(store, { home, gracePeriodSeconds, kubeconfig });
  await runtime.start();
  const server = createServer((req, res) => void serve(runtime, home, req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  }).catch((err: NodeJS.ErrnoException) => {
    throw err.code === 'EADDRINUSE'
      ? new FlagError(`port ${port} on 127.0.0.1 is in use; choose another with --port (0 picks a free one)`)
      : err;
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await renewNodeLease(store, NODE_NAME, endpoint);
  const renewing = setInterval(() => {
    renewNodeLease(store, NODE_NAME, endpoint).catch((err: Error) =>
      say('renewing the node lease failed', { error: err.message }),
    );
  }, LEASE_RENEW_MS);
  say('kubelet started', { node: NODE_NAME, exec: endpoint, home, kubeconfig: opened.source });
  const stop = async (why: string): Promise<void> => {
    say(`stopping: ${why}`);
    clearInterval(renewing);
    server.close();
    await runtime.stop();
    await store.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

/**
 * The kubelet's endpoints, at the real kubelet's paths: GET /exec/{namespace}/{pod}/{container}
 * ?command=... (a command in a container this kubelet runs) and GET /containerLogs/{namespace}/
 * {pod}/{container} (its log, from the files the runtime writes under `home`).
 */
async function serve(
  runtime: HostRuntime,
  home: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://kubelet');
  const parts = url.pathname.split('/').slice(1).map(decodeURIComponent);
  const reply = (status: number, body: unknown): void => {
    res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
  };
  const [what, namespace, pod, container] = parts as [string, string, string, string];
  if (req.method !== 'GET' || parts.length !== 4 || (what !== 'exec' && what !== 'containerLogs')) {
    reply(404, { message: `no such kubelet endpoint: ${req.method ?? ''} ${url.pathname}` });
    return;
  }
  try {
    if (what === 'exec') {
      reply(200, await runtime.exec(namespace, pod, container, url.searchParams.getAll('command')));
      return;
    }
    const q = url.searchParams;
    const gone = new AbortController();
    res.on('close', () => gone.abort());
    const lines = readPodLogs(home, namespace, pod, container, {
      follow: q.get('follow') === 'true',
      sinceTime: q.get('sinceTime') ?? undefined,
      sinceSeconds: q.has('sinceSeconds') ? Number(q.get('sinceSeconds')) : undefined,
      tailLines: q.has('tailLines') ? Number(q.get('tailLines')) : undefined,
      timestamps: q.get('timestamps') === 'true',
      signal: gone.signal,
    });
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.flushHeaders();
    for await (const line of lines) res.write(`${line.content}\n`);
    res.end();
  } catch (err) {
    if (res.headersSent) res.destroy(err as Error);
    else reply(500, { message: (err as Error).message });
  }
}

/** Creates or renews this node's Lease, naming the exec endpoint; the node's name holds it. */
async function renewNodeLease(store: ResourceStore, node: string, endpoint: string): Promise<void> {
  const now = microTime(new Date());
  const current = await store.get<Lease>('Lease', NODE_LEASE_NAMESPACE, node);
  const metadata = {
    ...current?.metadata,
    name: node,
    namespace: NODE_LEASE_NAMESPACE,
    annotations: { ...current?.metadata.annotations, [ANNOTATION_KUBELET_ENDPOINT]: endpoint },
  };
  const spec = { holderIdentity: node, leaseDurationSeconds: LEASE_DURATION_SECONDS, renewTime: now };
  if (current)
    await store.update<Lease>('Lease', { ...current, metadata, spec: { ...current.spec, ...spec } });
  else
    await store.create<Lease>('Lease', {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata,
      spec,
    });
}
