// Reconcile passes driven directly: a workflow and its pods' states in, the status and the pods to
// create out, one synchronous operate() at a time (see test/helpers/reconcile.ts).
import { describe, expect, it } from 'vitest';
import type { HttpHooks, NodeResult } from '../../../src/controller/http-agent.js';
import type { ResourceHooks } from '../../../src/controller/resource-agent.js';
import { resumeWorkflow } from '../../../src/workflow/lifecycle/suspend.js';
import { Reconciler } from '../../helpers/reconcile.js';

const ECHO = `
    - name: echo
      container: {image: busybox, command: ['true']}`;

/** A suspend step, then a step that runs a pod. */
const suspendThenEcho = (name: string, suspend: string) => `
metadata: {name: ${name}}
spec:
  entrypoint: main
  templates:
    - name: main
      steps:
        - - {name: gate, template: gate}
        - - {name: after, template: echo}
    - name: gate
      suspend: ${suspend}
${ECHO}`;

/** A workflow whose only template fails and is retried up to `limit` times. */
const flaky = (name: string, limit: number) => `
metadata: {name: ${name}}
spec:
  entrypoint: flaky
  templates:
    - name: flaky
      retryStrategy: {limit: ${limit}}
      container: {image: busybox, command: ['false']}
`;

const created = (r: { podsToCreate: { metadata: { annotations?: Record<string, string> } }[] }) =>
  r.podsToCreate.map((p) => p.metadata.annotations?.['workflows.argoproj.io/node-name']);

describe('a reconcile pass', () => {
  it('advances steps when a pod succeeds, and writes nothing when nothing changed', () => {
    const r = new Reconciler(`
metadata: {name: steps}
spec:
  entrypoint: main
  templates:
    - name: main
      steps:
        - - {name: a, template: echo}
        - - {name: b, template: echo}
${ECHO}`);
    const first = r.pass();
    expect(r.wf.status?.phase).toBe('Running');
    expect(created(first)).toEqual(['steps[0].a']);
    expect(r.node('a')).toMatchObject({ type: 'Pod', phase: 'Pending', boundaryID: 'steps' });
    expect(r.node('[0]').type).toBe('StepGroup');

    r.pass(); // notes that no pod runs yet (the PodRunning condition)
    const idle = r.pass();
    expect(idle.updated).toBe(false);
    expect(idle.podsToCreate).toEqual([]);

    r.finish('a');
    const second = r.pass();
    expect(r.node('a').phase).toBe('Succeeded');
    expect(r.node('[0]').phase).toBe('Succeeded');
    expect(created(second)).toEqual(['steps[1].b']);

    r.finish('b');
    r.pass();
    expect(r.wf.status?.phase).toBe('Succeeded');
    expect(r.node('steps')).toMatchObject({ type: 'Steps', phase: 'Succeeded', progress: '2/2' });
    expect(r.wf.metadata.labels?.['workflows.argoproj.io/completed']).toBe('true');
  });

  it('starts a DAG task once all its dependencies have succeeded', () => {
    const r = new Reconciler(`
metadata: {name: diamond}
spec:
  entrypoint: main
  templates:
    - name: main
      dag:
        tasks:
          - {name: A, template: echo}
          - {name: B, template: echo, dependencies: [A]}
          - {name: C, template: echo, dependencies: [A]}
          - {name: D, template: echo, dependencies: [B, C]}
${ECHO}`);
    expect(created(r.pass())).toEqual(['diamond.A']);
    r.finish('A');
    expect(created(r.pass()).sort()).toEqual(['diamond.B', 'diamond.C']);
    r.finish('B');
    expect(created(r.pass())).toEqual([]);
    expect(r.nodes().map((n) => n.displayName)).not.toContain('D');
    r.finish('C');
    expect(created(r.pass())).toEqual(['diamond.D']);
    r.finish('D');
    r.pass();
    expect(r.node('diamond')).toMatchObject({ type: 'DAG', phase: 'Succeeded' });
    expect(r.wf.status?.phase).toBe('Succeeded');
  });

  it('does not run a task whose dependency failed, and fails the DAG', () => {
    const r = new Reconciler(`
metadata: {name: dag-fail}
spec:
  entrypoint: main
  templates:
    - name: main
      dag:
        tasks:
          - {name: A, template: echo}
          - {name: B, template: echo, dependencies: [A]}
${ECHO}`);
    r.pass();
    r.finish('A', 1);
    const after = r.pass();
    expect(created(after)).toEqual([]);
    expect(r.node('A').phase).toBe('Failed');
    expect(r.wf.status?.phase).toBe('Failed');
  });

  it('puts a failed pod with a retryStrategy under a Retry node and starts the next attempt', () => {
    const r = new Reconciler(flaky('retry', 2));
    expect(created(r.pass())).toEqual(['retry(0)']);
    expect(r.node('retry')).toMatchObject({ type: 'Retry', phase: 'Running' });

    r.finish('retry(0)', 1);
    const second = r.pass();
    expect(r.node('retry(0)')).toMatchObject({ type: 'Pod', phase: 'Failed', outputs: { exitCode: '1' } });
    expect(created(second)).toEqual(['retry(1)']);
    expect(r.node('retry').children).toEqual([r.node('retry(0)').id, r.node('retry(1)').id]);
    expect(r.node('retry').phase).toBe('Running');

    r.finish('retry(1)');
    r.pass();
    expect(r.node('retry').phase).toBe('Succeeded');
    expect(r.wf.status?.phase).toBe('Succeeded');
  });

  it('fails the Retry node when its attempts are used up', () => {
    const r = new Reconciler(flaky('give-up', 1));
    r.pass();
    r.finish('give-up(0)', 1);
    r.pass();
    r.finish('give-up(1)', 1);
    const last = r.pass();
    expect(created(last)).toEqual([]);
    expect(r.node('give-up').phase).toBe('Failed');
    expect(r.nodes().filter((n) => n.type === 'Pod')).toHaveLength(2);
    expect(r.wf.status?.phase).toBe('Failed');
  });

  it('holds a suspend node Running, asks to be woken when its duration ends, and moves on after it', () => {
    const r = new Reconciler(suspendThenEcho('pause', '{duration: "20s"}'));
    const first = r.pass();
    expect(r.node('gate')).toMatchObject({ type: 'Suspend', phase: 'Running' });
    expect(first.podsToCreate).toEqual([]);
    expect(first.requeueAfterMs).toBe(20_000);

    r.advance(15_000);
    expect(r.pass().requeueAfterMs).toBe(5_000);
    expect(r.node('gate').phase).toBe('Running');

    r.advance(5_000);
    const done = r.pass();
    expect(r.node('gate').phase).toBe('Succeeded');
    expect(created(done)).toEqual(['pause[1].after']);
  });

  it('keeps an indefinite suspend waiting until the workflow is resumed', () => {
    const r = new Reconciler(suspendThenEcho('approve', '{}'));
    r.pass();
    r.advance(3_600_000);
    const waiting = r.pass();
    expect(waiting.podsToCreate).toEqual([]);
    expect(waiting.requeueAfterMs).toBeUndefined();
    expect(r.node('gate').phase).toBe('Running');

    r.wf = resumeWorkflow(r.wf, {}, r.now());
    expect(created(r.pass())).toEqual(['approve[1].after']);
  });

  it('holds items back while a template parallelism is reached, and starts one as one ends', () => {
    const r = new Reconciler(`
metadata: {name: par}
spec:
  entrypoint: main
  templates:
    - name: main
      parallelism: 2
      steps:
        - - {name: item, template: echo, withItems: [a, b, c, d, e]}
${ECHO}`);
    expect(created(r.pass())).toEqual(['par[0].item(0:a)', 'par[0].item(1:b)']);
    // Held-back items get no node until they can start.
    expect(r.nodes().filter((n) => n.type === 'Pod')).toHaveLength(2);
    expect(r.pass().podsToCreate).toEqual([]);

    r.finish('item(0:a)');
    expect(created(r.pass())).toEqual(['par[0].item(2:c)']);
    expect(r.activePods()).toEqual(['item(1:b)', 'item(2:c)']);

    r.finish('item(1:b)');
    r.finish('item(2:c)');
    expect(created(r.pass())).toEqual(['par[0].item(3:d)', 'par[0].item(4:e)']);
    r.finish('item(3:d)');
    r.finish('item(4:e)');
    r.pass();
    expect(r.wf.status?.phase).toBe('Succeeded');
  });

  it('holds DAG tasks back under the workflow parallelism', () => {
    const r = new Reconciler(`
metadata: {name: wide}
spec:
  entrypoint: main
  parallelism: 1
  templates:
    - name: main
      dag:
        tasks:
          - {name: A, template: echo}
          - {name: B, template: echo}
          - {name: C, template: echo}
${ECHO}`);
    expect(created(r.pass())).toHaveLength(1);
    for (let i = 0; i < 2; i++) {
      const [running] = r.activePods();
      r.finish(running);
      expect(created(r.pass())).toHaveLength(1);
      expect(r.activePods()).toHaveLength(1);
    }
    r.finish(r.activePods()[0]);
    r.pass();
    expect(r.wf.status?.phase).toBe('Succeeded');
  });

  it('deletes the running pod and fails its node once the workflow is past activeDeadlineSeconds', () => {
    const r = new Reconciler(`
metadata: {name: late}
spec:
  entrypoint: echo
  activeDeadlineSeconds: 10
  templates:
${ECHO}`);
    expect(r.pass().requeueAfterMs).toBe(10_000);
    const pod = r.podOf('late').metadata.name;
    r.advance(11_000);
    const over = r.pass();
    expect(over.podsToDelete).toEqual([pod]);
    expect(r.node('late')).toMatchObject({ phase: 'Failed', message: 'Step exceeded its deadline' });
    expect(r.wf.status?.phase).toBe('Failed');
  });

  it('makes an Error node for a kind the engine cannot run (plugin), without a pod', () => {
    const r = new Reconciler(`
metadata: {name: plug}
spec:
  entrypoint: main
  templates:
    - name: main
      steps:
        - - {name: p, template: p}
    - name: p
      plugin: {hello: {}}
`);
    expect(r.pass().podsToCreate).toEqual([]);
    expect(r.node('p')).toMatchObject({
      phase: 'Error',
      message: 'plugin templates are not supported by the local engine yet',
    });
    expect(r.wf.status?.phase).toBe('Failed');
  });

  it('runs each kind of template its own way: a pod for script, data and containerSet, none for resource', () => {
    const r = new Reconciler(`
metadata: {name: kinds}
spec:
  entrypoint: main
  templates:
    - name: main
      dag:
        tasks:
          - {name: script, template: script}
          - {name: data, template: data}
          - {name: set, template: set}
          - {name: res, template: res}
    - name: script
      script: {image: python, source: 'print(1)'}
    - name: data
      data:
        source: {artifactPaths: {name: in, s3: {bucket: b, key: k}}}
        transformation: [{expression: 'filter(data, {# endsWith ".csv"})'}]
    - name: set
      containerSet: {containers: [{name: main, image: busybox}]}
    - name: res
      resource: {action: create, manifest: 'kind: ConfigMap'}
`);
    expect(created(r.pass()).sort()).toEqual(['kinds.data', 'kinds.script', 'kinds.set']);
    expect(r.node('res')).toMatchObject({ type: 'Pod', phase: 'Error' });
    expect(r.node('res').message).toContain('resource templates need Kubernetes');
  });

  it('starts an HTTP node on the HTTP agent and folds in its result', () => {
    const started: string[] = [];
    let done: NodeResult | undefined = undefined;
    const r = new Reconciler(`
metadata: {name: call}
spec:
  entrypoint: get
  templates:
    - name: get
      http: {url: 'http://example.invalid/x'}
`);
    const agent: HttpHooks = { start: (_wf, _id, http) => void started.push(http.url), result: () => done };
    r.deps.http = agent;
    expect(r.pass().podsToCreate).toEqual([]);
    expect(r.node('call')).toMatchObject({ type: 'HTTP', phase: 'Pending' });
    expect(started).toEqual(['http://example.invalid/x']);

    done = { phase: 'Succeeded', outputs: { result: 'ok' } };
    r.pass();
    expect(r.node('call')).toMatchObject({ phase: 'Succeeded', outputs: { result: 'ok' } });
    expect(r.wf.status?.phase).toBe('Succeeded');
  });

  it('does a resource node on the resource agent, without a pod, and folds in its result', () => {
    const started: string[] = [];
    let done: NodeResult | undefined = undefined;
    const r = new Reconciler(`
metadata: {name: res}
spec:
  entrypoint: make
  templates:
    - name: make
      resource: {action: create, manifest: 'kind: ConfigMap'}
`);
    const agent: ResourceHooks = {
      start: (_wf, _id, t) => void started.push(t.resource!.action),
      result: () => done,
    };
    r.deps.resource = agent;
    expect(r.pass().podsToCreate).toEqual([]);
    expect(r.node('res')).toMatchObject({ type: 'Pod', phase: 'Running' });
    expect(started).toEqual(['create']);

    // No pod ever exists for it: a pass while the step runs leaves it Running (not "pod deleted").
    r.pass();
    expect(r.node('res')).toMatchObject({ phase: 'Running' });

    done = { phase: 'Failed', message: "failure condition 'status.phase in (Failed)' evaluated true" };
    r.pass();
    expect(r.node('res')).toMatchObject({ phase: 'Failed', message: done.message });
    expect(r.wf.status?.phase).toBe('Failed');
  });
});
