// Pod GC and workflow GC (ttlStrategy) on a cluster: `argo workflow-controller --kubeconfig` as its own process against the fake
// API server (the host runtime as its kubelet), the delay taken from the ConfigMap the controller
// reads, and the pods deleted through the Kubernetes API.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigMap } from '../../src/model/meta.js';
import type { Pod } from '../../src/model/pod.js';
import type { Workflow } from '../../src/model/workflow.js';
import { podNameOf } from '../../src/workflow/pod-name.js';
import { until } from '../helpers/until.js';
import { cliWithHome, repoRoot, type Cli } from './cli.js';
import { startKubeCluster, type KubeCluster } from './kube-cluster.js';

let cluster: KubeCluster;
let cli: Cli;
let work: string;
let controller: ChildProcess;
let output = '';

const DELAY_MS = 1500;

beforeAll(async () => {
  work = mkdtempSync(path.join(os.tmpdir(), 'argo-kube-podgc-'));
  cluster = await startKubeCluster({ controller: false });
  cli = cliWithHome();
  await cluster.api.store.create<ConfigMap>('ConfigMap', {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'workflow-controller-configmap', namespace: 'argo' },
    data: { podGCDeleteDelayDuration: `${DELAY_MS}ms`, podGCGracePeriodSeconds: '0' },
  });
  controller = spawn(
    process.execPath,
    [
      path.join(repoRoot, 'bin/argo.js'),
      'workflow-controller',
      '--kubeconfig',
      cluster.kubeconfig,
      '-n',
      'argo',
      '--pod-cleanup-workers',
      '2',
    ],
    {
      env: {
        ...process.env,
        ARGO_LOCAL: '',
        ARGO_SERVER: '',
        KUBECONFIG: '',
        ARGO_HOME: path.join(work, 'home'),
        ARGO_TS_HEALTH_PORT: '0',
        ARGO_TS_METRICS_PORT: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  controller.stdout!.setEncoding('utf8').on('data', (d: string) => (output += d));
  controller.stderr!.setEncoding('utf8').on('data', (d: string) => (output += d));
});

afterAll(async () => {
  if (controller && controller.exitCode === null) {
    const exited = new Promise((resolve) => controller.on('exit', resolve));
    controller.kill('SIGKILL');
    await exited;
  }
  await cli?.dispose();
  await cluster?.close();
  rmSync(work, { recursive: true, force: true });
});

async function stepPods(workflow: string): Promise<string[]> {
  const pods = await cluster.api.store.list<Pod>('Pod', { namespace: 'default' });
  return pods.items
    .filter((p) => p.metadata.labels?.['workflows.argoproj.io/workflow'] === workflow)
    .map((p) => /\.(\w+)$/.exec(p.metadata.annotations?.['workflows.argoproj.io/node-name'] ?? '')?.[1] ?? '')
    .sort();
}

async function controllerLeads(): Promise<void> {
  await until(`the controller to lead:\n${output}`, 30_000, () =>
    /started leading/.test(output) ? true : undefined,
  );
}

/** A Workflow manifest with this spec written to the test's folder: its path. */
function workflowFile(generateName: string, spec: string): string {
  const file = path.join(work, `${generateName}.yaml`);
  writeFileSync(
    file,
    `apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {generateName: ${generateName}}\nspec:${spec}`,
  );
  return file;
}

describe('pod GC by the cluster controller', { timeout: 90_000 }, () => {
  it('OnPodSuccess: the succeeded pod is deleted through the API after the ConfigMap delay, the failed one kept', async () => {
    await controllerLeads();
    const manifest = workflowFile(
      'kube-pod-gc-',
      `
  entrypoint: main
  podGC: {strategy: OnPodSuccess}
  templates:
  - name: main
    steps:
    - - {name: ok, template: ok}
      - {name: bad, template: bad, continueOn: {failed: true}}
  - name: ok
    container: {image: busybox, command: [sh, -c, 'echo ok']}
  - name: bad
    container: {image: busybox, command: [sh, -c, 'exit 1']}
`,
    );
    const r = await cli.run(['submit', manifest, '--wait', '-o', 'name'], {
      env: cluster.env,
      timeoutMs: 60_000,
    });
    expect(r.code, r.stderr).toBe(0);
    const name = r.stdout.trim();
    const wf = await cluster.api.store.get<Workflow>('Workflow', 'default', name);
    expect(wf?.status?.phase).toBe('Succeeded');
    const okNode = Object.values(wf?.status?.nodes ?? {}).find((n) => n.displayName === 'ok');
    await until(`the ok pod to go:\n${output}`, 30_000, async () =>
      JSON.stringify(await stepPods(name)) === '["bad"]' ? true : undefined,
    );
    // Not before its node finished plus the ConfigMap's delay (finishedAt has whole seconds).
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(okNode?.finishedAt ?? '') + DELAY_MS);
    const deletes = cluster.api.requests.filter(
      (q) => q.method === 'DELETE' && q.path.startsWith('/api/v1/namespaces/default/pods/'),
    );
    expect(deletes.map((q) => q.path)).toEqual([
      `/api/v1/namespaces/default/pods/${podNameOf(wf!, okNode!)}`,
    ]);
    // The kept pod states the strategy and the ConfigMap's delay, as upstream's pods do.
    const kept = (await cluster.api.store.list<Pod>('Pod', { namespace: 'default' })).items.find(
      (p) => p.metadata.labels?.['workflows.argoproj.io/workflow'] === name,
    );
    expect(kept?.metadata.annotations?.['workflows.argoproj.io/pod-gc-strategy']).toBe('OnPodSuccess/1.5s');
    expect(output).toMatch(/podCleanup=2/);
    const got = await cli.run(['get', name], { env: cluster.env });
    expect(got.stdout).toMatch(/^Status:\s+Succeeded$/m);
  });

  it('ttlStrategy: the finished workflow is deleted through the API once its TTL ran out', async () => {
    await controllerLeads();
    const manifest = workflowFile(
      'kube-ttl-',
      `
  entrypoint: main
  ttlStrategy: {secondsAfterSuccess: 1, secondsAfterCompletion: 3600}
  templates:
  - name: main
    container: {image: busybox, command: [sh, -c, 'echo ok']}
`,
    );
    const r = await cli.run(['submit', manifest, '--wait'], { env: cluster.env, timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    const name = /^(kube-ttl-\w+) Succeeded at /m.exec(r.stdout)?.[1];
    expect(name, r.stdout).toBeDefined();
    await until(`the workflow to be deleted:\n${output}`, 30_000, async () =>
      (await cluster.api.store.get<Workflow>('Workflow', 'default', name!)) ? undefined : true,
    );
    const deletes = cluster.api.requests.filter(
      (q) => q.method === 'DELETE' && q.path.includes('/workflows/'),
    );
    expect(deletes.map((q) => q.path)).toEqual([
      `/apis/argoproj.io/v1alpha1/namespaces/default/workflows/${name!}`,
    ]);
    expect(output).toMatch(/workflowTtlWorkers=4/);
  });
});
