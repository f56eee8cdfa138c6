// How pods start and end on the host: init containers, sidecars, deadlines, deletion.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pod } from '../../../src/model/pod.js';
import type { Template } from '../../../src/model/template.js';
import { processRunning } from '../../helpers/process-state.js';
import {
  NS,
  podFor,
  runPod,
  startHarness,
  taskResult,
  terminated,
  waitForPod,
  type Harness,
} from './harness.js';

let h: Harness;
let shared: string;
beforeAll(async () => {
  h = await startHarness();
  shared = mkdtempSync(path.join(tmpdir(), 'argo-life-'));
});
afterAll(async () => {
  await h.close();
  rmSync(shared, { recursive: true, force: true });
});

async function eventually(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A hostPath volume at /shared, through which a test sees what a container wrote. */
const sharedVolume = () => [{ name: 'shared', hostPath: { path: shared, type: 'Directory' } }];
const sharedMount = [{ name: 'shared', mountPath: '/shared' }];

describe('host runtime lifecycle', () => {
  it('runs init containers in order before the main container', async () => {
    const tmpl: Template = {
      name: 'init',
      initContainers: [
        {
          name: 'one',
          image: 'alpine',
          command: ['sh', '-c', 'sleep 0.2; echo one >> /work/order'],
          volumeMounts: [{ name: 'w', mountPath: '/work' }],
        },
        {
          name: 'two',
          image: 'alpine',
          command: ['sh', '-c', 'echo two >> /work/order'],
          volumeMounts: [{ name: 'w', mountPath: '/work' }],
        },
      ],
      container: {
        image: 'alpine',
        command: ['cat', '/work/order'],
        volumeMounts: [{ name: 'w', mountPath: '/work' }],
      },
      volumes: [{ name: 'w', emptyDir: {} }],
    };
    const seen: string[] = [];
    const watch = h.store.watch<Pod>('Pod', { fieldSelector: 'metadata.name=inits' }, (e) => {
      const phase = e.object.status?.phase ?? 'none';
      if (seen[seen.length - 1] !== phase) seen.push(phase);
    });
    const pod = await runPod(h, podFor('inits', tmpl, { includeScriptOutput: true }));
    watch.stop();
    expect(pod.status?.phase).toBe('Succeeded');
    expect(seen).toEqual(['none', 'Pending', 'Running', 'Succeeded']);
    expect(pod.status?.initContainerStatuses?.map((s) => [s.name, s.state?.terminated?.exitCode])).toEqual([
      ['one', 0],
      ['two', 0],
    ]);
    expect((await taskResult(h, pod))?.outputs?.result).toBe('one\ntwo');
  });

  it('fails the pod when an init container fails, without starting the others', async () => {
    const tmpl: Template = {
      name: 'init-fail',
      initContainers: [
        { name: 'bad', image: 'alpine', command: ['sh', '-c', 'exit 2'] },
        { name: 'never', image: 'alpine', command: ['true'] },
      ],
      container: { image: 'alpine', command: ['true'] },
    };
    const pod = await runPod(h, podFor('initfail', tmpl));
    expect(pod.status?.phase).toBe('Failed');
    expect(pod.status?.initContainerStatuses?.[0].state?.terminated).toMatchObject({
      exitCode: 2,
      reason: 'Error',
    });
    expect(pod.status?.initContainerStatuses?.[1].state?.waiting?.reason).toBe('PodInitializing');
    expect(pod.status?.containerStatuses?.[0].state?.waiting?.reason).toBe('PodInitializing');
    expect(await taskResult(h, pod)).toBeUndefined();
  });

  it('kills sidecars once the main container is done, and the pod takes the main result', async () => {
    const tmpl: Template = {
      name: 'sidecars',
      container: { image: 'alpine', command: ['sh', '-c', 'sleep 0.3; echo main done'] },
      sidecars: [
        { name: 'polite', image: 'alpine', command: ['sleep', '300'] },
        // Ignores SIGTERM (and so do its children): only SIGKILL after the grace period ends it.
        {
          name: 'stubborn',
          image: 'alpine',
          command: ['sh', '-c', 'trap "" TERM; while true; do sleep 1; done'],
        },
      ],
    };
    const started = Date.now();
    const pod = await runPod(
      h,
      podFor('sidecars', tmpl, { includeScriptOutput: true, terminationGracePeriodSeconds: 1 }),
    );
    expect(pod.status?.phase).toBe('Succeeded');
    expect(terminated(pod, 'main')?.exitCode).toBe(0);
    expect(terminated(pod, 'polite')?.exitCode).toBe(143);
    expect(terminated(pod, 'stubborn')?.exitCode).toBe(137);
    expect(Date.now() - started).toBeLessThan(5000);
    expect((await taskResult(h, pod))?.outputs?.result).toBe('main done');
  });

  it('fails the pod when a sidecar fails on its own', async () => {
    const tmpl: Template = {
      name: 'bad-sidecar',
      container: { image: 'alpine', command: ['sh', '-c', 'sleep 0.5'] },
      sidecars: [{ name: 'crash', image: 'alpine', command: ['sh', '-c', 'exit 5'] }],
    };
    const pod = await runPod(h, podFor('badsidecar', tmpl));
    expect(pod.status?.phase).toBe('Failed');
    expect(terminated(pod, 'crash')?.exitCode).toBe(5);
  });

  it('kills the pod at activeDeadlineSeconds, as the kubelet reports it', async () => {
    const started = Date.now();
    const pod = await runPod(
      h,
      podFor(
        'deadline',
        { name: 'd', container: { image: 'alpine', command: ['sleep', '30'] } },
        { activeDeadlineSeconds: 1 },
      ),
    );
    expect(Date.now() - started).toBeLessThan(4000);
    expect(pod.status).toMatchObject({
      phase: 'Failed',
      reason: 'DeadlineExceeded',
      message: 'Pod was active on the node longer than the specified deadline',
    });
    expect(terminated(pod, 'main')?.exitCode).toBe(143);
  });

  it('stops the main container at ARGO_DEADLINE as argoexec does', async () => {
    const pod = await runPod(
      h,
      podFor(
        'stepdeadline',
        { name: 's', container: { image: 'alpine', command: ['sleep', '30'] } },
        { deadline: new Date(Date.now() + 1000) },
      ),
    );
    expect(pod.status?.phase).toBe('Failed');
    expect(pod.status?.message).toBeUndefined();
    expect(terminated(pod, 'main')?.exitCode).toBe(143);
    expect(terminated(pod, 'wait')).toMatchObject({ exitCode: 0, message: 'Step exceeded its deadline' });
  });

  it('kills the whole process group, children of a shell included, when the pod is deleted', async () => {
    const tmpl: Template = {
      name: 'tree',
      container: {
        image: 'alpine',
        // `$$` is Kubernetes' escape for `$`, so the shell's $$ is written $$$$.
        command: ['sh', '-c', 'sleep 300 & echo $! > /shared/child; echo $$$$ > /shared/parent; wait'],
        volumeMounts: sharedMount,
      },
    };
    await h.store.create('Pod', podFor('tree', tmpl, { volumes: sharedVolume() }));
    await waitForPod(h, 'tree', (p) => p.status?.phase === 'Running');
    await eventually(() => {
      try {
        return readFileSync(path.join(shared, 'parent'), 'utf8').trim() !== '';
      } catch {
        return false;
      }
    });
    const child = Number(readFileSync(path.join(shared, 'child'), 'utf8'));
    const parent = Number(readFileSync(path.join(shared, 'parent'), 'utf8'));
    expect(processRunning(child) && processRunning(parent)).toBe(true);
    await h.store.delete('Pod', NS, 'tree');
    await eventually(() => !processRunning(child) && !processRunning(parent));
    expect(await h.store.get('Pod', NS, 'tree')).toBeUndefined();
  });

  it('stops a pod being deleted under a finalizer and still reports how it ended', async () => {
    const pod = podFor(
      'finalized',
      { name: 'f', container: { image: 'alpine', command: ['sh', '-c', 'echo started; sleep 30'] } },
      { includeScriptOutput: true },
    );
    pod.metadata.finalizers = ['workflows.argoproj.io/status'];
    await h.store.create('Pod', pod);
    await waitForPod(h, 'finalized', (p) => p.status?.phase === 'Running');
    await h.store.delete('Pod', NS, 'finalized');
    const done = await waitForPod(h, 'finalized', (p) => p.status?.phase === 'Failed');
    expect(done.metadata.deletionTimestamp).toBeDefined();
    expect(terminated(done, 'main')?.exitCode).toBe(143);
    expect((await taskResult(h, done))?.outputs).toMatchObject({ result: 'started', exitCode: '143' });
    await h.store.patch('Pod', NS, 'finalized', { metadata: { finalizers: null } });
    expect(await h.store.get('Pod', NS, 'finalized')).toBeUndefined();
  });

  it('kills what a finished container left running in the background', async () => {
    const tmpl: Template = {
      name: 'bg',
      container: {
        image: 'alpine',
        command: ['sh', '-c', 'sleep 300 & echo $! > /shared/bg; echo started'],
        volumeMounts: sharedMount,
      },
    };
    const started = Date.now();
    const pod = await runPod(h, podFor('bg', tmpl, { volumes: sharedVolume() }));
    expect(pod.status?.phase).toBe('Succeeded');
    expect(Date.now() - started).toBeLessThan(3000);
    const bg = Number(readFileSync(path.join(shared, 'bg'), 'utf8'));
    await eventually(() => !processRunning(bg));
  });
});
