// The controller runs a pass when something the workflow depends on changes (a pod, a lock, a
// timer) or when the pass before asked for another (OperateResult.again), never for the events of
// its own writes. So a pass that does not ask again must leave nothing that a pass run without a
// reason would do: these drive workflows that way, checking after every pass that an unprompted
// pass would be idle, and that each shape still runs to the end Argo gives it.
import { describe, expect, it } from 'vitest';
import type { OperateResult } from '../../../src/controller/operator.js';
import type { NodeStatus } from '../../../src/model/workflow.js';
import { Reconciler } from '../../helpers/reconcile.js';

const ECHO = `
    - name: echo
      container: {image: busybox, command: ['true']}
    - name: fail
      container: {image: busybox, command: ['false']}`;

/** Passes run as the controller runs them: this one, then again while it asks. */
function passAndFollowUps(r: Reconciler): number {
  let passes = 0;
  let result: OperateResult;
  do {
    result = r.pass();
    passes++;
    expect(passes, 'a pass that keeps asking for another').toBeLessThan(10);
  } while (result.again);
  // The property the controller relies on: nothing is left for a pass nobody asked for.
  const unprompted = r.pass();
  expect(
    { updated: unprompted.updated, podsToCreate: unprompted.podsToCreate.length, again: unprompted.again },
    `an unprompted pass after ${passes} changed something`,
  ).toEqual({ updated: false, podsToCreate: 0, again: false });
  return passes;
}

/** A pod of the template `fail` exits 1; one given a `code` parameter exits with that. */
function exitCodeOf(node: NodeStatus): number {
  const code = node.inputs?.parameters?.find((p) => p.name === 'code')?.value;
  return code !== undefined ? Number(code) : node.templateName === 'fail' ? 1 : 0;
}

/**
 * Runs the workflow to its end: the first pass, then one pod ending at a time (exitCodeOf), each
 * followed by the passes that event and their requests cause.
 */
function drive(manifest: string): { r: Reconciler; passes: number; pods: number } {
  const r = new Reconciler(manifest);
  let passes = passAndFollowUps(r);
  let pods = 0;
  while (r.wf.metadata.labels?.['workflows.argoproj.io/completed'] !== 'true') {
    const [next] = r.activePods();
    expect(next, `stuck ${r.wf.status?.phase ?? ''} with no pod running`).toBeDefined();
    r.finish(next!, exitCodeOf(r.node(next!)));
    pods++;
    passes += passAndFollowUps(r);
    expect(pods).toBeLessThan(100);
  }
  return { r, passes, pods };
}

describe('passes the operator asks for', () => {
  it('costs one pass per step of a sequential workflow (and one more at the start)', () => {
    const steps = Array.from({ length: 5 }, (_, i) => `        - - {name: s${i}, template: echo}`).join('\n');
    const { r, passes, pods } = drive(`
metadata: {name: seq}
spec:
  entrypoint: main
  templates:
    - name: main
      steps:
${steps}
${ECHO}`);
    expect(r.wf.status?.phase).toBe('Succeeded');
    expect(pods).toBe(5);
    // The first pass marks the workflow Running; the one it asks for records the PodRunning
    // condition, as upstream's pass after its own write does. Then each pod's end is one pass.
    expect(passes).toBe(2 + 5);
  });

  it('stops a loop held to one item at a time at the first failure (failFast)', () => {
    // The shape of examples/loops-arbitrary-sequential-steps.yaml.
    const { r, pods } = drive(`
metadata: {name: loop}
spec:
  entrypoint: main
  templates:
    - name: main
      parallelism: 1
      failFast: true
      steps:
        - - name: unit
            template: exit
            arguments: {parameters: [{name: code, value: '{{item}}'}]}
            withItems: [0, 0, 1, 0, 0]
    - name: exit
      inputs: {parameters: [{name: code}]}
      container: {image: busybox, command: [sh, -c, 'exit {{inputs.parameters.code}}']}
${ECHO}`);
    expect(r.wf.status?.phase).toBe('Failed');
    expect(r.wf.status?.message).toBe('template has failed or errored children and failFast enabled');
    expect(pods).toBe(3);
  });

  it('ends a failFast DAG whose failed task leaves the others unstarted', () => {
    const { r } = drive(`
metadata: {name: dag}
spec:
  entrypoint: main
  templates:
    - name: main
      parallelism: 1
      dag:
        failFast: true
        tasks:
          - {name: a, template: fail}
          - {name: b, template: echo}
          - {name: c, template: echo, dependencies: [a]}
${ECHO}`);
    expect(r.wf.status?.phase).toBe('Failed');
  });

  it('runs a fan-out under the workflow parallelism, nested steps and an exit handler to the end', () => {
    const { r, pods } = drive(`
metadata: {name: mixed}
spec:
  entrypoint: main
  parallelism: 2
  onExit: echo
  templates:
    - name: main
      steps:
        - - {name: fan, template: echo, withSequence: {count: '5'}}
        - - {name: inner, template: inner}
    - name: inner
      parallelism: 1
      steps:
        - - {name: x, template: echo}
          - {name: y, template: fail, continueOn: {failed: true}}
        - - {name: z, template: echo}
${ECHO}`);
    expect(r.wf.status?.phase).toBe('Succeeded');
    expect(pods).toBe(5 + 3 + 1);
  });
});

describe('passes the operator asks for, in more shapes', () => {
  it('runs step hooks, continueOn and a DAG of `depends` and `when` to the end', () => {
    const { r, pods } = drive(`
metadata: {name: more}
spec:
  entrypoint: main
  templates:
    - name: main
      steps:
        - - name: flaky
            template: fail
            continueOn: {failed: true}
          - name: hooked
            template: echo
            hooks:
              running: {template: echo, expression: 'steps.hooked.status == "Running"'}
              exit: {template: echo}
        - - {name: graph, template: graph}
    - name: graph
      dag:
        tasks:
          - {name: a, template: echo}
          - {name: b, template: fail, depends: a}
          - {name: c, template: echo, depends: 'b.Failed', when: '1 == 1'}
          - {name: d, template: echo, depends: 'b.Succeeded'}
${ECHO}`);
    expect(r.wf.status?.phase).toBe('Failed');
    expect(r.node('c').phase).toBe('Succeeded');
    expect(r.node('d').phase).toBe('Omitted');
    expect(pods).toBeGreaterThanOrEqual(6);
  });

  it('retries a pod until its attempts are used up', () => {
    const { r, pods } = drive(`
metadata: {name: retry}
spec:
  entrypoint: main
  templates:
    - name: main
      steps:
        - - {name: try, template: retried}
    - name: retried
      retryStrategy: {limit: 2}
      container: {image: busybox, command: ['false']}
      inputs: {parameters: [{name: code, value: '1'}]}
${ECHO}`);
    expect(r.wf.status?.phase).toBe('Failed');
    expect(pods).toBe(3);
  });
});
