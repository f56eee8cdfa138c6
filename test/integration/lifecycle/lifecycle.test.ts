// Suspend, resume, stop, terminate, node set, retry and resubmit through the local client, with
// the real controller reacting and a fake kubelet running the pods.
import { afterEach, describe, expect, it } from 'vitest';
import type { ArgoError } from '../../../src/client/types.js';
import { podNameOf } from '../../../src/workflow/pod-name.js';
import { Harness, hasNode, NS, nodeNamed } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

async function started(behaviour?: ConstructorParameters<typeof Harness>[0]): Promise<Harness> {
  h = new Harness(behaviour);
  await h.start();
  return h;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A promise the test settles: pods held on it run until `open()` (or for ever). */
function gate(): { held: Promise<void>; open: () => void } {
  let open!: () => void;
  const held = new Promise<void>((r) => (open = r));
  return { held, open };
}

async function rejection(p: Promise<unknown>): Promise<ArgoError> {
  try {
    await p;
  } catch (err) {
    return err as ArgoError;
  }
  throw new Error('expected the call to fail');
}

const TWO_STEPS = `
metadata: {name: two-steps}
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - - {name: a, template: work}
    - - {name: b, template: work}
  - name: work
    container: {image: busybox}
`;

describe('suspend and resume', () => {
  it('a suspended workflow starts nothing new until resumed, then finishes', async () => {
    const { held, open } = gate();
    const h = await started(() => ({ until: held }));
    await h.submit(TWO_STEPS);
    await h.waitFor('two-steps', hasNode('a', 'Pending'));
    const suspended = await h.client.suspendWorkflow(NS, 'two-steps');
    expect(suspended.spec.suspend).toBe(true);
    open();
    // The controller records the finished step in the same write in which it would start the next
    // one, so once `a` shows Succeeded, `b` must not have started.
    let wf = await h.waitFor('two-steps', hasNode('a', 'Succeeded'));
    expect(wf.status?.phase).toBe('Running');
    expect(Object.values(wf.status?.nodes ?? {}).map((n) => n.displayName)).not.toContain('b');
    expect(h.kubelet.started).toHaveLength(1);

    const resumed = await h.client.resumeWorkflow(NS, 'two-steps');
    expect(resumed.spec.suspend).toBeUndefined();
    wf = await h.finished('two-steps');
    expect(wf.status?.phase).toBe('Succeeded');
    expect(h.kubelet.started).toHaveLength(2);
  });

  it('suspending a completed workflow is refused', async () => {
    const h = await started();
    await h.submit(TWO_STEPS);
    await h.waitFor('two-steps', (wf) => wf.metadata.labels?.['workflows.argoproj.io/completed'] === 'true');
    const err = await rejection(h.client.suspendWorkflow(NS, 'two-steps'));
    expect(err.message).toBe('cannot suspend completed workflows');
    expect(err.status).toBe(400);
  });

  it('retries the write when another writer changed the workflow in between', async () => {
    const h = await started(() => ({ until: gate().held }));
    await h.submit(TWO_STEPS);
    await h.waitFor('two-steps', hasNode('a', 'Pending'));
    const update = h.store.update.bind(h.store);
    let raced = false;
    h.store.update = async (kind, obj) => {
      if (kind === 'Workflow' && !raced) {
        raced = true;
        await h.store.patch('Workflow', NS, 'two-steps', { metadata: { labels: { racer: 'was-here' } } });
      }
      return update(kind, obj);
    };
    const wf = await h.client.suspendWorkflow(NS, 'two-steps');
    expect(raced).toBe(true);
    expect(wf.spec.suspend).toBe(true);
    expect(wf.metadata.labels?.racer).toBe('was-here');
  });
});

const APPROVAL = `
metadata: {name: approval}
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - - {name: approve, template: approve}
    - - name: after
        template: work
        arguments: {parameters: [{name: v, value: "{{steps.approve.outputs.parameters.choice}}"}]}
  - name: approve
    suspend: {}
    outputs:
      parameters:
      - name: choice
        valueFrom: {supplied: {}, default: maybe}
  - name: work
    inputs: {parameters: [{name: v}]}
    container: {image: busybox, args: ["{{inputs.parameters.v}}"]}
`;

describe('suspend templates', () => {
  it('resume succeeds the suspend node; its supplied output takes the default', async () => {
    const h = await started();
    await h.submit(APPROVAL);
    await h.waitFor('approval', hasNode('approve', 'Running'));
    await h.client.resumeWorkflow(NS, 'approval');
    const wf = await h.finished('approval');
    expect(wf.status?.phase).toBe('Succeeded');
    expect(nodeNamed(wf, 'approve').outputs?.parameters?.[0]).toMatchObject({
      name: 'choice',
      value: 'maybe',
    });
    expect(nodeNamed(wf, 'after').inputs?.parameters?.[0].value).toBe('maybe');
  });

  it('node set supplies the output, resume by selector lets the workflow go on', async () => {
    const h = await started();
    await h.submit(APPROVAL);
    await h.waitFor('approval', hasNode('approve', 'Running'));
    await h.client.setWorkflow(NS, 'approval', {
      nodeFieldSelector: 'displayName=approve',
      outputParameters: JSON.stringify({ choice: 'yes' }),
    });
    await h.client.resumeWorkflow(NS, 'approval', { nodeFieldSelector: 'displayName=approve' });
    const wf = await h.finished('approval');
    expect(wf.status?.phase).toBe('Succeeded');
    expect(nodeNamed(wf, 'after').inputs?.parameters?.[0].value).toBe('yes');
  });

  it('stop by selector fails the suspend node with the message and the workflow fails', async () => {
    const h = await started();
    await h.submit(APPROVAL);
    await h.waitFor('approval', hasNode('approve', 'Running'));
    await h.client.stopWorkflow(NS, 'approval', {
      nodeFieldSelector: 'displayName=approve',
      message: 'rejected',
    });
    const wf = await h.finished('approval');
    expect(wf.status?.phase).toBe('Failed');
    expect(nodeNamed(wf, 'approve')).toMatchObject({ phase: 'Failed', message: 'rejected' });
    expect(h.kubelet.started).toHaveLength(0);
  });

  it('a selector that matches no waiting node is an error', async () => {
    const h = await started();
    await h.submit(APPROVAL);
    await h.waitFor('approval', hasNode('approve', 'Running'));
    const err = await rejection(
      h.client.resumeWorkflow(NS, 'approval', { nodeFieldSelector: 'displayName=nope' }),
    );
    expect(err.message).toBe(
      'currently, set only targets suspend nodes: no suspend nodes matching nodeFieldSelector: displayName=nope',
    );
  });
});

const WITH_EXIT = `
metadata: {name: with-exit}
spec:
  entrypoint: main
  onExit: cleanup
  templates:
  - name: main
    steps:
    - - {name: wait, template: wait}
  - name: wait
    suspend: {}
  - name: cleanup
    container: {image: busybox}
`;

describe('stop and terminate', () => {
  it('stop runs the exit handler and ends Failed with the strategy in the message', async () => {
    const h = await started();
    await h.submit(WITH_EXIT);
    await h.waitFor('with-exit', hasNode('wait', 'Running'));
    const stopped = await h.client.stopWorkflow(NS, 'with-exit');
    expect(stopped.spec.shutdown).toBe('Stop');
    const wf = await h.finished('with-exit');
    expect(wf.status?.phase).toBe('Failed');
    expect(wf.status?.message).toBe("Stopped with strategy 'Stop'");
    expect(nodeNamed(wf, 'with-exit.onExit').phase).toBe('Succeeded');
    expect(h.kubelet.started).toHaveLength(1);
  });

  it('terminate ends Failed without running the exit handler', async () => {
    const h = await started();
    await h.submit(WITH_EXIT);
    await h.waitFor('with-exit', hasNode('wait', 'Running'));
    await h.client.terminateWorkflow(NS, 'with-exit');
    const wf = await h.finished('with-exit');
    expect(wf.status?.phase).toBe('Failed');
    expect(wf.status?.message).toBe("Stopped with strategy 'Terminate'");
    expect(Object.values(wf.status?.nodes ?? {}).map((n) => n.displayName)).not.toContain('with-exit.onExit');
    expect(h.kubelet.started).toHaveLength(0);
  });

  it('a completed workflow cannot be stopped or terminated', async () => {
    const h = await started();
    await h.submit(WITH_EXIT);
    await h.waitFor('with-exit', hasNode('wait', 'Running'));
    await h.client.terminateWorkflow(NS, 'with-exit');
    await h.finished('with-exit');
    const msg = 'cannot shutdown a completed workflow: workflow: "with-exit", namespace: "default"';
    expect((await rejection(h.client.stopWorkflow(NS, 'with-exit'))).message).toBe(msg);
    expect((await rejection(h.client.terminateWorkflow(NS, 'with-exit'))).message).toBe(msg);
  });
});

const DAG = `
metadata: {name: flaky}
spec:
  entrypoint: main
  templates:
  - name: main
    dag:
      tasks:
      - {name: a, template: work}
      - {name: b, template: work, depends: a}
      - {name: c, template: work, depends: b}
  - name: work
    container: {image: busybox}
`;

const failTask =
  (name: string) => (_t: unknown, pod: { metadata: { annotations?: Record<string, string> } }) => ({
    exitCode: pod.metadata.annotations?.['workflows.argoproj.io/node-name']?.endsWith(`.${name}`) ? 1 : 0,
  });

describe('retry', () => {
  it('re-runs only the failed task of a failed workflow, which then succeeds', async () => {
    const h = await started(failTask('b'));
    await h.submit(DAG);
    let wf = await h.finished('flaky');
    expect(wf.status?.phase).toBe('Failed');
    const podOf = (task: string): string => podNameOf(wf, nodeNamed(wf, task));
    const [podOfA, podOfB] = [podOf('a'), podOf('b')];
    expect(h.kubelet.started).toEqual([podOfA, podOfB]);

    const second = await h.replaceKubelet(() => ({}));
    const retried = await h.client.retryWorkflow(NS, 'flaky');
    expect(retried.status?.phase).toBeUndefined();
    expect(retried.metadata.labels?.['workflows.argoproj.io/completed']).toBeUndefined();
    wf = await h.finished('flaky');
    expect(wf.status?.phase).toBe('Succeeded');
    for (const t of ['a', 'b', 'c']) expect(nodeNamed(wf, t).phase).toBe('Succeeded');
    // a was not run again; b (the failed one) and c (never reached) were.
    expect(second.started).toEqual([podOfB, podOf('c')]);
  });

  it('runs the exit handler again after the retried nodes', async () => {
    const h = await started(failTask('b'));
    await h.submit(DAG.replace('entrypoint: main', 'entrypoint: main\n  onExit: work'));
    let wf = await h.finished('flaky');
    expect(nodeNamed(wf, 'flaky.onExit').phase).toBe('Succeeded');
    const exitPod = podNameOf(wf, nodeNamed(wf, 'flaky.onExit'));
    const second = await h.replaceKubelet(() => ({}));
    const retried = await h.client.retryWorkflow(NS, 'flaky');
    expect(Object.values(retried.status?.nodes ?? {}).map((n) => n.name)).not.toContain('flaky.onExit');
    wf = await h.finished('flaky');
    expect(wf.status?.phase).toBe('Succeeded');
    expect(second.started).toHaveLength(3);
    expect(second.started.at(-1)).toBe(exitPod);
  });

  it('--restart-successful with a selector re-runs a node of a succeeded workflow', async () => {
    const h = await started();
    await h.submit(DAG);
    await h.finished('flaky');
    const second = await h.replaceKubelet(() => ({}));
    await h.client.retryWorkflow(NS, 'flaky', {
      restartSuccessful: true,
      nodeFieldSelector: 'displayName=c',
    });
    const wf = await h.finished('flaky');
    expect(wf.status?.phase).toBe('Succeeded');
    expect(second.started).toHaveLength(1);
  });

  it('refuses to retry a running workflow', async () => {
    const h = await started(() => ({ until: gate().held }));
    await h.submit(DAG);
    await h.waitFor('flaky', (wf) => wf.status?.phase === 'Running');
    const err = await rejection(h.client.retryWorkflow(NS, 'flaky'));
    expect(err.message).toBe('Cannot retry a workflow in phase Running');
    expect(err.status).toBe(400);
  });

  it('-p overrides the arguments the retried nodes run with', async () => {
    const h = await started((_t, pod) => ({
      exitCode: pod.spec.containers[0]?.args?.includes('bad') ? 1 : 0,
    }));
    await h.submit(`
metadata: {name: param}
spec:
  entrypoint: main
  arguments: {parameters: [{name: word, value: bad}]}
  templates:
  - name: main
    container: {image: busybox, args: ["{{workflow.parameters.word}}"]}
`);
    expect((await h.finished('param')).status?.phase).toBe('Failed');
    await h.replaceKubelet((_t, pod) => ({
      exitCode: pod.spec.containers[0]?.args?.includes('bad') ? 1 : 0,
    }));
    const retried = await h.client.retryWorkflow(NS, 'param', { parameters: ['word=good'] });
    expect(retried.spec.arguments?.parameters).toEqual([{ name: 'word', value: 'good' }]);
    expect((await h.finished('param')).status?.phase).toBe('Succeeded');
  });
});

describe('resubmit', () => {
  it('creates a new workflow from the old one, which runs', async () => {
    const h = await started();
    await h.submit(DAG);
    await h.finished('flaky');
    const created = await h.client.resubmitWorkflow(NS, 'flaky');
    expect(created.metadata.name).toMatch(/^flaky-[a-z0-9]{5}$/);
    expect(created.metadata.labels?.['workflows.argoproj.io/resubmitted-from-workflow']).toBe('flaky');
    const wf = await h.finished(created.metadata.name!);
    expect(wf.status?.phase).toBe('Succeeded');
    // The original is untouched.
    expect((await h.client.getWorkflow(NS, 'flaky')).status?.phase).toBe('Succeeded');
  });

  it('memoized re-uses the succeeded tasks of a failed run', async () => {
    const h = await started(failTask('b'));
    await h.submit(DAG);
    await h.finished('flaky');
    const second = await h.replaceKubelet(() => ({}));
    const created = await h.client.resubmitWorkflow(NS, 'flaky', { memoized: true });
    const wf = await h.finished(created.metadata.name!);
    expect(wf.status?.phase).toBe('Succeeded');
    expect(nodeNamed(wf, 'a')).toMatchObject({ type: 'Skipped', phase: 'Skipped' });
    expect(second.started).toHaveLength(2);
  });

  it('memoized is refused for a workflow that succeeded', async () => {
    const h = await started();
    await h.submit(DAG);
    await h.finished('flaky');
    const err = await rejection(h.client.resubmitWorkflow(NS, 'flaky', { memoized: true }));
    expect(err.message).toBe('workflow must be Failed/Error to resubmit in memoized mode');
  });
});

describe('@latest', () => {
  it('names the most recently created workflow of the namespace', async () => {
    const h = await started();
    expect((await rejection(h.client.getWorkflow(NS, '@latest'))).message).toBe('no workflows found');
    await h.submit(TWO_STEPS);
    await sleep(1100); // creation timestamps have second precision
    await h.submit(DAG);
    expect((await h.client.getWorkflow(NS, '@latest')).metadata.name).toBe('flaky');
    const stopped = await h.client.terminateWorkflow(NS, '@latest');
    expect(stopped.metadata.name).toBe('flaky');
    expect(stopped.spec.shutdown).toBe('Terminate');
  });
});
