// Containers outlive the runtime that started them: a runtime that lets its pods go (as the engine
// does when it stops) leaves their containers running under their shims, and the next runtime
// adopts them as they are: not killed, not started again, their results recorded even when they
// ended while no runtime watched. A pod deleted while no runtime ran has its containers killed
// when the next one starts. The same holds for pods of the argoexec layout (init and wait running
// argoexec in containers of their own), which the runtime only runs as a kubelet does. (A real
// kill -9 of the controller: test/faults, `npm run test:faults`; of `argo kubelet`:
// test/e2e/kube-kubelet.test.ts and kube-controller-process.test.ts.)
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildPod } from '../../../src/controller/pod-builder.js';
import { HostRuntime, type HostRuntimeOptions } from '../../../src/executor/index.js';
import { detectIsolation } from '../../../src/executor/host/isolation.js';
import type { Pod } from '../../../src/model/pod.js';
import type { Workflow } from '../../../src/model/workflow.js';
import { rfc3339 } from '../../../src/workflow/phase.js';
import { startFakeApiServer, type FakeApiServer } from '../../helpers/fake-apiserver.js';
import { processRunning as running } from '../../helpers/process-state.js';
import { fileLines as lines, until } from '../../helpers/until.js';
import { MemoryStore } from '../../helpers/memory-store.js';
import { NS, podFor, startHarness, taskResult, terminated, waitForPod, type Harness } from './harness.js';

let harnesses: Harness[] = [];
let runtimes: HostRuntime[] = [];
let dirs: string[] = [];
let apis: FakeApiServer[] = [];
afterEach(async () => {
  for (const r of runtimes) await r.stop();
  for (const h of harnesses) await h.close();
  for (const a of apis) await a.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  harnesses = [];
  runtimes = [];
  apis = [];
  dirs = [];
});

/** A host folder containers see as it is (not under /tmp, which each container has its own of). */
function markDir(): string {
  const d = mkdtempSync('/var/tmp/argo-adopt-');
  dirs.push(d);
  return d;
}

/** The shim's state folder of the pod's main container, first start. */
const shimDir = (h: Harness, pod: string) => path.join(h.home, 'host', 'runs', NS, pod, 'main-1');

/** Creates the pod; `shared` is a host folder it sees through a hostPath volume (its other files are its own). */
async function startedPod(h: Harness, name: string, script: string, shared?: string): Promise<void> {
  const volumeMounts = shared ? [{ name: 'shared', mountPath: shared }] : undefined;
  const pod = podFor(
    name,
    { name: 't', container: { image: 'alpine', command: ['sh', '-c', script], volumeMounts } },
    {
      includeScriptOutput: true,
      volumes: shared ? [{ name: 'shared', hostPath: { path: shared } }] : undefined,
    },
  );
  await h.store.create('Pod', pod);
}

/**
 * When the shim recorded the end of the container in `dir` (as a status shows it, to the second),
 * once the clock is past that second: a status written from now on says when the container
 * ended, not when it was found ended.
 */
async function recordedEnd(dir: string): Promise<string> {
  const ms = statSync(path.join(dir, 'exit')).mtimeMs;
  await until('the clock past the recorded end', 5_000, () =>
    Math.floor(Date.now() / 1000) > Math.floor(ms / 1000) ? true : undefined,
  );
  return rfc3339(new Date(ms));
}

async function nextRuntime(h: Harness, opts: Partial<HostRuntimeOptions> = {}): Promise<HostRuntime> {
  const next = new HostRuntime(h.store, { home: h.home, gracePeriodSeconds: 1, ...opts });
  runtimes.push(next);
  await next.start();
  return next;
}

describe.runIf(process.platform === 'linux')('host runtime adoption', () => {
  it('adopts a running container: it is neither killed nor started again, and its result is recorded', async () => {
    const marks = markDir();
    const h = await startHarness({ detachOnStop: true });
    harnesses.push(h);
    await startedPod(h, 'adopted', `echo started >> ${marks}/runs; sleep 1; echo finished`, marks);
    await until('the container to start', 10_000, () =>
      lines(`${marks}/runs`).length === 1 ? true : undefined,
    );
    await h.runtime.stop();
    // Let go of, not finished: no final status, and the container still runs.
    expect((await h.store.get<Pod>('Pod', NS, 'adopted'))?.status?.phase ?? 'none').not.toMatch(
      /Succeeded|Failed/,
    );
    const pid = Number(readFileSync(path.join(shimDir(h, 'adopted'), 'pid'), 'utf8').split(' ')[0]);
    expect(running(pid)).toBe(true);
    await nextRuntime(h);
    const done = await waitForPod(h, 'adopted', (p) => p.status?.phase === 'Succeeded');
    expect((await taskResult(h, done))?.outputs?.result).toBe('finished');
    expect(lines(`${marks}/runs`)).toEqual(['started']);
    // Done with: its journal is gone.
    await until('the journal to go', 10_000, () => (existsSync(shimDir(h, 'adopted')) ? undefined : true));
  });

  it('reports a container that ended while no runtime watched, from what its shim recorded', async () => {
    const h = await startHarness({ detachOnStop: true });
    harnesses.push(h);
    await startedPod(h, 'ended', 'sleep 0.5; echo out-line; echo err-line >&2; exit 3');
    await until('the container to start', 10_000, () =>
      existsSync(path.join(shimDir(h, 'ended'), 'pid')) ? true : undefined,
    );
    await h.runtime.stop();
    await until('its end recorded', 10_000, () =>
      existsSync(path.join(shimDir(h, 'ended'), 'exit')) ? true : undefined,
    );
    const ended = await recordedEnd(shimDir(h, 'ended'));
    await nextRuntime(h);
    const done = await waitForPod(h, 'ended', (p) => p.status?.phase === 'Failed');
    expect(terminated(done, 'main')?.exitCode).toBe(3);
    expect(terminated(done, 'main')?.finishedAt).toBe(ended);
    expect((await taskResult(h, done))?.outputs?.result).toBe('out-line');
    // The log the shim wrote while no runtime ran, in the kubelet's format.
    const log = readFileSync(path.join(h.home, 'logs', NS, 'ended', 'main.log'), 'utf8');
    expect(log).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z out-line$/m);
    expect(log).toMatch(/Z err-line$/m);
  });

  it('kills the containers of a pod deleted while no runtime ran, once the next one starts', async () => {
    const h = await startHarness({ detachOnStop: true });
    harnesses.push(h);
    await startedPod(h, 'orphan', 'sleep 300');
    const pidFile = path.join(shimDir(h, 'orphan'), 'pid');
    await until('the container to start', 10_000, () => (existsSync(pidFile) ? true : undefined));
    const pid = Number(readFileSync(pidFile, 'utf8').split(' ')[0]);
    await h.runtime.stop();
    expect(running(pid)).toBe(true);
    await h.store.delete('Pod', NS, 'orphan');
    await nextRuntime(h);
    await until('the orphan to be killed', 10_000, () => (running(pid) ? undefined : true));
    expect(existsSync(path.join(h.home, 'host', 'runs', NS, 'orphan'))).toBe(false);
  });
});

const probe = mkdtempSync('/var/tmp/argo-adopt-probe-');
const isolation = await detectIsolation(probe, 'auto');
rmSync(probe, { recursive: true, force: true });

describe.runIf(process.platform === 'linux' && isolation.kind !== 'none')(
  'host runtime adoption of argoexec-layout pods',
  () => {
    /** The pod our controller makes in Argo's layout for a one-container step running `script`, `shared` mounted. */
    function layoutPod(name: string, script: string, shared: string): Pod {
      const tmpl = {
        name: 'main',
        container: {
          image: 'busybox',
          command: ['sh', '-c', script],
          volumeMounts: [{ name: 'shared', mountPath: shared }],
        },
      };
      const wf: Workflow = {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Workflow',
        metadata: { name: 'wf', namespace: NS, uid: 'wf-uid' },
        spec: {
          entrypoint: 'main',
          templates: [tmpl],
          volumes: [{ name: 'shared', hostPath: { path: shared } }],
        },
      };
      return buildPod({
        wf,
        execSpec: wf.spec,
        node: { id: `wf-${name}`, name: `wf.${name}`, displayName: name, type: 'Pod', phase: 'Pending' },
        podName: name,
        tmpl,
        includeScriptOutput: false,
        onExitPod: false,
        layout: 'argoexec',
      });
    }

    it('reports a main container that ended while no runtime watched with its own exit, started once', async () => {
      const marks = markDir();
      const store = new MemoryStore();
      const api = await startFakeApiServer({ store });
      apis.push(api);
      const kubeconfig = api.writeKubeconfig(marks);
      const h = await startHarness({ detachOnStop: true, kubeconfig }, store);
      harnesses.push(h);
      await store.create(
        'Pod',
        layoutPod('layout', `echo started >> ${marks}/runs; sleep 1; echo last-line; exit 3`, marks),
      );
      await until('main to start', 20_000, () => (lines(`${marks}/runs`).length === 1 ? true : undefined));
      await h.runtime.stop();
      await until('its end recorded', 20_000, () =>
        existsSync(path.join(shimDir(h, 'layout'), 'exit')) ? true : undefined,
      );
      const ended = await recordedEnd(shimDir(h, 'layout'));
      await nextRuntime(h, { kubeconfig });
      const done = await waitForPod(h, 'layout', (p) => p.status?.phase === 'Failed', 30_000);
      expect(terminated(done, 'main')?.exitCode).toBe(3);
      expect(terminated(done, 'main')?.finishedAt).toBe(ended);
      // wait, running on while no runtime ran, saw main's end and reported it.
      expect(terminated(done, 'wait')?.exitCode).toBe(0);
      expect(done.status?.initContainerStatuses?.[0]?.state?.terminated?.exitCode).toBe(0);
      expect(lines(`${marks}/runs`)).toEqual(['started']);
      const log = readFileSync(path.join(h.home, 'logs', NS, 'layout', 'main.log'), 'utf8');
      expect(log).toMatch(/Z last-line$/m);
    });
  },
);
