// Shared set-up for the host runtime tests: a memory store, a runtime on a fresh argo home, pods
// built the way the controller builds them (Argo's pod contract), and waiting for a pod's end.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Container } from '../../../src/model/meta.js';
import type { Pod } from '../../../src/model/pod.js';
import type { Template } from '../../../src/model/template.js';
import type { WorkflowTaskResult } from '../../../src/model/workflow.js';
import { HostRuntime, type HostRuntimeOptions } from '../../../src/executor/index.js';
import { MemoryStore } from '../../helpers/memory-store.js';

export const NS = 'argo';

export interface Harness {
  store: MemoryStore;
  runtime: HostRuntime;
  home: string;
  close(): Promise<void>;
}

/** `store`: the store the runtime works against (one that fails on purpose, say). */
export async function startHarness(
  opts: Partial<HostRuntimeOptions> = {},
  store = new MemoryStore(),
): Promise<Harness> {
  const home = mkdtempSync(path.join(tmpdir(), 'argo-host-'));
  const runtime = new HostRuntime(store, { home, gracePeriodSeconds: 2, ...opts });
  await runtime.start();
  return {
    store,
    runtime,
    home,
    close: async () => {
      await runtime.stop();
      await store.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

export interface PodOptions {
  includeScriptOutput?: boolean;
  deadline?: Date;
  activeDeadlineSeconds?: number;
  terminationGracePeriodSeconds?: number;
  volumes?: Pod['spec']['volumes'];
  workflow?: string;
}

/** The pod the controller creates for a container, script or containerSet template. */
export function podFor(name: string, tmpl: Template, opts: PodOptions = {}): Pod {
  const workflow = opts.workflow ?? 'wf';
  const nodeId = `${workflow}-${name}`;
  const argoEnv = (container: string) => [
    { name: 'ARGO_POD_NAME', value: name },
    { name: 'ARGO_NODE_ID', value: nodeId },
    { name: 'ARGO_WORKFLOW_NAME', value: workflow },
    { name: 'ARGO_WORKFLOW_UID', value: 'wf-uid' },
    { name: 'ARGO_CONTAINER_NAME', value: container },
    { name: 'ARGO_TEMPLATE', value: JSON.stringify(tmpl) },
    { name: 'ARGO_INCLUDE_SCRIPT_OUTPUT', value: String(opts.includeScriptOutput ?? false) },
    ...(opts.deadline
      ? [{ name: 'ARGO_DEADLINE', value: opts.deadline.toISOString().replace(/\.\d{3}Z$/, 'Z') }]
      : []),
  ];
  let mains: Container[];
  if (tmpl.container) mains = [{ ...tmpl.container, name: 'main' }];
  else if (tmpl.script) {
    const { source, ...rest } = tmpl.script;
    mains = [
      { ...rest, name: 'main', args: [...(rest.args ?? []), ...(source ? ['/argo/staging/script'] : [])] },
    ];
  } else {
    mains = (tmpl.containerSet?.containers ?? []).map(({ dependencies: _d, ...c }) => ({
      ...c,
      volumeMounts: [...(tmpl.containerSet?.volumeMounts ?? []), ...(c.volumeMounts ?? [])],
    }));
  }
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: NS,
      labels: { 'workflows.argoproj.io/workflow': workflow, 'workflows.argoproj.io/completed': 'false' },
      annotations: {
        'workflows.argoproj.io/node-id': nodeId,
        'workflows.argoproj.io/node-name': `${workflow}.${name}`,
      },
    },
    spec: {
      containers: [
        ...mains.map((c) => ({ ...c, env: [...(c.env ?? []), ...argoEnv(c.name ?? 'main')] })),
        ...(tmpl.sidecars ?? []),
      ],
      restartPolicy: 'Never',
    },
  };
  if (tmpl.initContainers) pod.spec.initContainers = tmpl.initContainers;
  if (opts.volumes ?? tmpl.volumes) pod.spec.volumes = opts.volumes ?? tmpl.volumes;
  if (opts.activeDeadlineSeconds !== undefined) pod.spec.activeDeadlineSeconds = opts.activeDeadlineSeconds;
  if (opts.terminationGracePeriodSeconds !== undefined)
    pod.spec.terminationGracePeriodSeconds = opts.terminationGracePeriodSeconds;
  return pod;
}

export async function runPod(h: Harness, pod: Pod, timeoutMs = 20_000): Promise<Pod> {
  await h.store.create('Pod', pod);
  return waitForPod(
    h,
    pod.metadata.name!,
    (p) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed',
    timeoutMs,
  );
}

export async function waitForPod(
  h: Harness,
  name: string,
  done: (p: Pod) => boolean,
  timeoutMs = 20_000,
): Promise<Pod> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const pod = await h.store.get<Pod>('Pod', NS, name);
    if (pod && done(pod)) return pod;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(
    `pod ${name} did not get there in ${timeoutMs} ms: ${JSON.stringify((await h.store.get<Pod>('Pod', NS, name))?.status)}`,
  );
}

export function taskResult(h: Harness, pod: Pod): Promise<WorkflowTaskResult | undefined> {
  return h.store.get<WorkflowTaskResult>(
    'WorkflowTaskResult',
    NS,
    pod.metadata.annotations!['workflows.argoproj.io/node-id'],
  );
}

export function terminated(pod: Pod, container: string) {
  return pod.status?.containerStatuses?.find((c) => c.name === container)?.state?.terminated;
}
