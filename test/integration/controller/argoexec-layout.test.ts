// The controller's pods in upstream's legacy layout, run by the host runtime as a kubelet would,
// with this package's argoexec doing the executor's work inside them: init stages inputs, the
// emissary runs each command, wait reports outputs as WorkflowTaskResults through the (fake)
// Kubernetes API. One store behind the controller, the runtime and the API server.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowController } from '../../../src/controller/controller.js';
import { buildPod } from '../../../src/controller/pod-builder.js';
import { HostRuntime } from '../../../src/executor/index.js';
import { detectIsolation, overlayRoot } from '../../../src/executor/host/isolation.js';
import type { Pod } from '../../../src/model/pod.js';
import type { NodeStatus, Workflow } from '../../../src/model/workflow.js';
import { startFakeApiServer, type FakeApiServer } from '../../helpers/fake-apiserver.js';
import { MemoryStore } from '../../helpers/memory-store.js';

const scratch = mkdtempSync(path.join(tmpdir(), 'argoexec-layout-'));
const isolation = await detectIsolation(path.join(scratch, 'probe'), 'auto');
const NO_ISOLATION =
  'the argoexec layout needs mount isolation (argo-ns or unshare with mount, as root or in a user namespace), unavailable here';

let store: MemoryStore;
let api: FakeApiServer;
let runtime: HostRuntime;
let controller: WorkflowController;
const runtimeErrors: string[] = [];

beforeAll(async () => {
  if (isolation.kind === 'none') return;
  store = new MemoryStore();
  api = await startFakeApiServer({ store });
  const kubeconfig = api.writeKubeconfig(scratch);
  const home = path.join(scratch, 'home');
  runtime = new HostRuntime(store, {
    home,
    kubeconfig,
    gracePeriodSeconds: 2,
    onError: (err, where) => runtimeErrors.push(`${where}: ${String(err)}`),
  });
  await runtime.start();
  controller = new WorkflowController({ store, home, podLayout: 'argoexec' });
  await controller.start();
});

afterAll(async () => {
  await controller?.stop();
  await runtime?.stop();
  await api?.close();
  rmSync(scratch, { recursive: true, force: true });
});

/** A one-step workflow whose container, with this securityContext, runs `script`; /scratch/out is its output. */
function runWithScratch(name: string, securityContext: string, script: string): Promise<Workflow> {
  return run(`
metadata: {name: ${name}}
spec:
  entrypoint: main
  volumes: [{name: scratch, emptyDir: {}}]
  templates:
  - name: main
    container:
      image: alpine
      securityContext: ${securityContext}
      command: [sh, -c, '${script}']
      volumeMounts: [{name: scratch, mountPath: /scratch}]
    outputs:
      parameters: [{name: out, valueFrom: {path: /scratch/out}}]
`);
}

async function run(manifest: string, timeoutMs = 60_000): Promise<Workflow> {
  const wf = parse(manifest) as Workflow;
  wf.metadata.namespace = 'argo';
  const created = await store.create<Workflow>('Workflow', wf);
  return new Promise<Workflow>((resolve, reject) => {
    const timer = setTimeout(() => {
      w.stop();
      reject(
        new Error(
          `workflow ${created.metadata.name} did not finish; runtime errors: ${runtimeErrors.join('; ')}`,
        ),
      );
    }, timeoutMs);
    const w = store.watch<Workflow>(
      'Workflow',
      { namespace: 'argo', fieldSelector: `metadata.name=${created.metadata.name}` },
      (ev) => {
        if (!ev.object.status?.finishedAt) return;
        clearTimeout(timer);
        w.stop();
        resolve(ev.object);
      },
    );
  });
}

function node(wf: Workflow, displayName: string): NodeStatus {
  const n = Object.values(wf.status?.nodes ?? {}).find((x) => x.displayName === displayName);
  if (!n) throw new Error(`no node ${displayName} in ${JSON.stringify(wf.status, null, 1)}`);
  return n;
}

async function podOf(wf: Workflow, displayName: string): Promise<Pod> {
  const id = node(wf, displayName).id;
  const pods = await store.list<Pod>('Pod', { namespace: 'argo' });
  const pod = pods.items.find((p) => p.metadata.annotations?.['workflows.argoproj.io/node-id'] === id);
  if (!pod) throw new Error(`no pod for ${displayName}`);
  return pod;
}

const TITLE =
  isolation.kind === 'none'
    ? `argoexec pod layout (skipped: ${NO_ISOLATION})`
    : 'argoexec pod layout on the host runtime';

// Each test runs a whole workflow of process pods (init, emissary, wait) and waits up to run()'s
// 60 s for it; the test's own limit must not cut that wait short on a loaded machine.
describe.skipIf(isolation.kind === 'none')(TITLE, { timeout: 90_000 }, () => {
  it('passes an output parameter and a script result from step to step', async () => {
    const wf = await run(`
metadata: {name: params}
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - - {name: gen, template: gen}
      - {name: calc, template: calc}
    - - name: use
        template: use
        arguments:
          parameters:
          - {name: p, value: "{{steps.gen.outputs.parameters.p}}"}
          - {name: r, value: "{{steps.calc.outputs.result}}"}
  - name: gen
    container:
      image: alpine
      command: [sh, -c]
      args: ["mkdir -p /outputs/argoexec-layout && printf 'hello there' > /outputs/argoexec-layout/p.txt"]
    outputs:
      parameters:
      - {name: p, valueFrom: {path: /outputs/argoexec-layout/p.txt}}
  - name: calc
    script:
      image: alpine
      command: [sh]
      source: |
        echo $((6 * 7))
  - name: use
    inputs:
      parameters: [{name: p}, {name: r}]
    container:
      image: argoproj/argosay:v2
      args: [echo, "{{inputs.parameters.p}} {{inputs.parameters.r}}", /tmp/out.txt]
    outputs:
      parameters:
      - {name: both, valueFrom: {path: /tmp/out.txt}}
`);
    expect(wf.status?.phase, JSON.stringify(wf.status?.nodes, null, 1)).toBe('Succeeded');
    expect(node(wf, 'gen').outputs?.parameters?.[0]).toMatchObject({ name: 'p', value: 'hello there' });
    expect(node(wf, 'gen').outputs?.exitCode).toBe('0');
    expect(node(wf, 'calc').outputs?.result).toBe('42');
    expect(node(wf, 'use').outputs?.parameters?.[0]).toMatchObject({ name: 'both', value: 'hello there 42' });
    // Outputs outside /tmp and the volumes were main's own, not written to the host.
    expect(existsSync('/outputs/argoexec-layout')).toBe(false);

    // The pods are upstream's layout, and the outputs came from argoexec over the API server.
    const pod = await podOf(wf, 'calc');
    expect(pod.spec.initContainers?.map((c) => c.name)).toEqual(['init']);
    expect(pod.spec.containers.map((c) => [c.name, c.command?.slice(0, 2)])).toEqual([
      ['wait', ['argoexec', 'wait']],
      ['main', ['/var/run/argo/argoexec', 'emissary']],
    ]);
    expect(pod.status?.containerStatuses?.map((c) => [c.name, c.state?.terminated?.exitCode])).toEqual([
      ['wait', 0],
      ['main', 0],
    ]);
    const created = api.requests.filter(
      (r) => r.method === 'POST' && r.path.endsWith('/workflowtaskresults'),
    );
    expect(created.map((r) => r.path)).toContain(
      '/apis/argoproj.io/v1alpha1/namespaces/argo/workflowtaskresults',
    );
    expect(runtimeErrors).toEqual([]);
  });

  it('passes an output artifact to the next step through the embedded artifact repository', async () => {
    const wf = await run(`
metadata: {name: artifacts}
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - - {name: produce, template: produce}
    - - name: consume
        template: consume
        arguments:
          artifacts:
          - {name: in, from: "{{steps.produce.outputs.artifacts.out}}"}
  - name: produce
    container:
      image: alpine
      command: [sh, -c]
      args: ["mkdir -p /tmp/out/sub && echo first > /tmp/out/a.txt && echo second > /tmp/out/sub/b.txt"]
    outputs:
      artifacts:
      - {name: out, path: /tmp/out}
  - name: consume
    inputs:
      artifacts:
      - {name: in, path: /work/in}
    container:
      image: alpine
      command: [sh, -c]
      args: ["cat /work/in/a.txt /work/in/sub/b.txt | tr '\\\\n' ' ' > /tmp/got"]
    outputs:
      parameters:
      - {name: got, valueFrom: {path: /tmp/got}}
`);
    expect(wf.status?.phase, JSON.stringify(wf.status?.nodes, null, 1)).toBe('Succeeded');
    const out = node(wf, 'produce').outputs?.artifacts?.[0];
    expect(out).toMatchObject({ name: 'out', path: '/tmp/out' });
    expect(out?.s3?.key).toMatch(/\.tgz$/);
    expect(node(wf, 'consume').outputs?.parameters?.[0]?.value).toBe('first second ');
    const pod = await podOf(wf, 'consume');
    expect(pod.spec.containers.find((c) => c.name === 'main')?.volumeMounts).toContainEqual({
      name: 'input-artifacts',
      mountPath: '/work/in',
      subPath: 'in',
    });
  });

  it('fails a step with the exit code of its command', async () => {
    const wf = await run(`
metadata: {name: failing}
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - - {name: bad, template: bad}
  - name: bad
    container: {image: alpine, command: [sh, -c, "echo about to fail; exit 3"]}
`);
    expect(wf.status?.phase).toBe('Failed');
    const bad = node(wf, 'bad');
    expect(bad.phase).toBe('Failed');
    expect(bad.message).toBe('main: Error (exit code 3)');
    expect(bad.outputs?.exitCode).toBe('3');
  });

  it("errors a step whose init or wait container failed, with the executor's termination message", async () => {
    const wf = await run(`
metadata: {name: executor-errors}
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - - {name: no-input, template: no-input}
      - {name: no-output, template: no-output}
  - name: no-input
    inputs:
      artifacts:
      - {name: gone, path: /tmp/gone, s3: {key: nowhere/gone.tgz}}
    container: {image: alpine, command: [cat, /tmp/gone]}
  - name: no-output
    container: {image: alpine, command: ["true"]}
    outputs:
      parameters:
      - {name: p, valueFrom: {path: /tmp/never-written}}
`);
    expect(wf.status?.phase).toBe('Failed');
    const noInput = node(wf, 'no-input');
    expect(noInput.phase).toBe('Error');
    expect(noInput.message).toMatch(/^init: Error \(exit code 64\): .*gone/);
    const noOutput = node(wf, 'no-output');
    expect(noOutput.phase).toBe('Error');
    expect(noOutput.message).toBe(
      'wait: Error (exit code 64): open /var/run/argo/outputs/parameters/tmp/never-written: no such file or directory',
    );
    expect(noOutput.outputs?.exitCode).toBe('0');
  });

  it('stops a step at its deadline', async () => {
    const started = Date.now();
    const wf = await run(`
metadata: {name: deadline}
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - - {name: slow, template: slow}
  - name: slow
    activeDeadlineSeconds: 3
    container: {image: alpine, command: [sleep, "60"]}
`);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(wf.status?.phase).toBe('Failed');
    const slow = node(wf, 'slow');
    expect(slow.phase).toBe('Failed');
    expect(slow.message).toBe('Pod was active on the node longer than the specified deadline');
  });

  it('runs a containerSet, its containers under the emissary waiting on their dependencies', async () => {
    const wf = await run(`
metadata: {name: cset}
spec:
  entrypoint: main
  templates:
  - name: main
    volumes: [{name: work, emptyDir: {}}]
    containerSet:
      volumeMounts: [{name: work, mountPath: /work}]
      containers:
      - {name: a, image: alpine, command: [sh, -c, "sleep 0.5; echo from-a > /work/a"]}
      - {name: b, image: alpine, command: [sh, -c, "cat /work/a > /work/b"], dependencies: [a]}
      - {name: main, image: alpine, command: [sh, -c, "cat /work/b"], dependencies: [b]}
    outputs:
      parameters:
      - {name: b, valueFrom: {path: /work/b}}
`);
    expect(wf.status?.phase, JSON.stringify(wf.status?.nodes, null, 1)).toBe('Succeeded');
    expect(node(wf, 'cset').outputs?.parameters?.[0]?.value).toBe('from-a');
    expect(node(wf, 'b').phase).toBe('Succeeded');
  });

  it('stops a sidecar once main is done; the node succeeds though the pod failed', async () => {
    const started = Date.now();
    const wf = await run(`
metadata: {name: sidecar}
spec:
  entrypoint: main
  templates:
  - name: main
    container: {image: alpine, command: [sh, -c, "sleep 0.5; echo done"]}
    sidecars:
    - {name: server, image: alpine, command: [sleep, "600"]}
`);
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(wf.status?.phase, JSON.stringify(wf.status?.nodes, null, 1)).toBe('Succeeded');
    const pod = await podOf(wf, 'sidecar');
    // As on Kubernetes: a container killed by a signal makes the pod Failed; the controller knows better.
    expect(pod.status?.phase).toBe('Failed');
    expect(pod.status?.containerStatuses?.map((c) => [c.name, c.state?.terminated?.exitCode])).toEqual([
      ['wait', 0],
      ['main', 0],
      ['server', 143],
    ]);
    expect(pod.spec.containers.find((c) => c.name === 'server')?.command).toEqual([
      '/var/run/argo/argoexec',
      'emissary',
      '--loglevel',
      'info',
      '--log-format',
      'text',
      '--gloglevel',
      '0',
      '--',
      'sleep',
      '600',
    ]);
  });

  it.skipIf(!(isolation.kind === 'helper' && !isolation.user))(
    'a container running as another user (runAsUser 8737, as resource pods run argoexec) writes its emptyDir and termination log, as on a kubelet',
    async () => {
      const wf = await runWithScratch(
        'as-user',
        '{runAsUser: 8737, runAsNonRoot: true}',
        'id -u > /scratch/out && cat /scratch/out > /dev/termination-log',
      );
      expect(wf.status?.phase, JSON.stringify(wf.status?.nodes, null, 1)).toBe('Succeeded');
      expect(node(wf, 'as-user').outputs?.parameters?.[0]?.value).toBe('8737');
      const pod = await podOf(wf, 'as-user');
      const main = pod.status?.containerStatuses?.find((c) => c.name === 'main');
      expect(main?.state?.terminated?.message?.trim()).toBe('8737');
    },
  );

  it.skipIf(!overlayRoot(isolation))(
    'readOnlyRootFilesystem: the container cannot write its root, but writes its volumes',
    async () => {
      const wf = await runWithScratch(
        'read-only-root',
        '{readOnlyRootFilesystem: true}',
        'if touch /probe-ro-root 2>/dev/null; then echo writable; else echo read-only; fi > /scratch/out',
      );
      expect(wf.status?.phase, JSON.stringify(wf.status?.nodes, null, 1)).toBe('Succeeded');
      expect(node(wf, 'read-only-root').outputs?.parameters?.[0]?.value).toBe('read-only');
    },
  );

  it('fails the node of a container whose command it cannot know, creating no pod', async () => {
    const wf = await run(`
metadata: {name: unknown-image}
spec:
  entrypoint: main
  templates:
  - name: main
    container: {image: example.com/mystery:1}
`);
    expect(wf.status?.phase).toBe('Error');
    expect(node(wf, 'unknown-image').message).toMatch(
      /^failed to look-up entrypoint\/cmd for image "example.com\/mystery:1", you must either explicitly specify the command/,
    );
  });
});

describe('argoexec pod layout without mount isolation', () => {
  it('fails the pod at once, saying what it needs', async () => {
    const noIsolation = new MemoryStore();
    const home = path.join(scratch, 'plain-home');
    const plain = new HostRuntime(noIsolation, { home, isolation: 'none', onError: () => undefined });
    await plain.start();
    try {
      const owner: Workflow = {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Workflow',
        metadata: { name: 'plain', namespace: 'argo', uid: 'u' },
        spec: {},
      };
      const pod = buildPod({
        wf: owner,
        execSpec: owner.spec,
        node: { id: 'plain-1', name: 'plain', displayName: 'plain', type: 'Pod', phase: 'Pending' },
        podName: 'plain-1',
        tmpl: { name: 't', container: { image: 'alpine', command: ['true'] } },
        includeScriptOutput: false,
        onExitPod: false,
        layout: 'argoexec',
      });
      await noIsolation.create('Pod', pod);
      await plain.idle();
      let status = (await noIsolation.get<Pod>('Pod', 'argo', 'plain-1'))?.status;
      for (let i = 0; i < 100 && status?.phase !== 'Failed'; i++) {
        await new Promise((r) => setTimeout(r, 50));
        status = (await noIsolation.get<Pod>('Pod', 'argo', 'plain-1'))?.status;
      }
      expect(status?.phase).toBe('Failed');
      expect(status?.message).toMatch(
        /^this pod runs argoexec in its init and wait containers .* needs mount isolation/,
      );
    } finally {
      await plain.stop();
    }
  });
});
