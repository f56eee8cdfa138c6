// A task's `dependencies:` list is decided from its dependencies' nodes without the expression
// language; it must decide exactly as the same condition written as `depends` does. Each case runs
// a DAG in which task A ends one way and X waits on it, once listing it and once naming it bare in
// `depends`.
import { describe, expect, it } from 'vitest';
import { WorkflowOperation, type OperatorDeps } from '../../../src/controller/operator.js';
import type { Pod, PodPhase } from '../../../src/model/pod.js';
import type { DAGTask } from '../../../src/model/template.js';
import type { NodeStatus, Workflow } from '../../../src/model/workflow.js';
import { nodeId } from '../../../src/workflow/node-id.js';

const NAME = 'deps';

function workflow(tasks: DAGTask[]): Workflow {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { name: NAME, namespace: 'argo', uid: 'u-1' },
    spec: {
      entrypoint: 'main',
      templates: [
        { name: 'main', dag: { tasks } },
        { name: 'noop', container: { image: 'busybox', command: ['true'] } },
        {
          name: 'echo',
          inputs: { parameters: [{ name: 'm' }] },
          container: { image: 'busybox', command: ['echo', '{{inputs.parameters.m}}'] },
        },
      ],
    },
  };
}

/** Passes as the controller runs them, every pod created ending in `podPhase` before the next. */
function run(
  tasks: DAGTask[],
  podPhase: (node: string) => PodPhase,
  opts: { owned?: boolean } = {},
): Workflow {
  const pods = new Map<string, Pod>();
  let wf = workflow(tasks);
  const deps: OperatorDeps = {
    now: () => new Date('2026-12-07T06:00:00Z'),
    getWorkflowTemplate: () => undefined,
    getClusterWorkflowTemplate: () => undefined,
    getConfigMap: () => undefined,
    getPod: (_ns, name) => pods.get(name),
    getTaskResult: () => undefined,
  };
  for (let pass = 0; pass < 20; pass++) {
    const result = new WorkflowOperation(wf, deps, opts).operate();
    wf = result.workflow;
    for (const pod of result.podsToCreate) {
      const node = pod.metadata.annotations?.['workflows.argoproj.io/node-name'] ?? '';
      pods.set(pod.metadata.name!, { ...structuredClone(pod), status: { phase: podPhase(node) } });
    }
    const phase = wf.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed' || phase === 'Error') return wf;
  }
  throw new Error(`the workflow did not finish: ${wf.status?.phase ?? ''}`);
}

function node(wf: Workflow, task: string): NodeStatus | undefined {
  return wf.status?.nodes?.[nodeId(NAME, `${NAME}.${task}`)];
}

describe('a dependencies list decides as its depends expression does', () => {
  const cases: { ends: string; a: Partial<DAGTask>; phase: PodPhase; x: string }[] = [
    { ends: 'Succeeded', a: {}, phase: 'Succeeded', x: 'Succeeded' },
    { ends: 'Failed', a: {}, phase: 'Failed', x: 'Omitted' },
    { ends: 'Skipped', a: { when: '1 == 2' }, phase: 'Succeeded', x: 'Succeeded' },
  ];
  for (const c of cases) {
    it(`when the dependency ${c.ends}`, () => {
      const a: DAGTask = { name: 'A', template: 'noop', ...c.a };
      const podPhase = (n: string): PodPhase => (n.endsWith('.A') ? c.phase : 'Succeeded');
      // One DAG may not mix the two forms: each runs in its own workflow.
      const listed = node(run([a, { name: 'X', template: 'noop', dependencies: ['A'] }], podPhase), 'X');
      const depends = node(run([a, { name: 'X', template: 'noop', depends: 'A' }], podPhase), 'X');
      expect(listed?.phase).toBe(c.x);
      expect({ phase: listed?.phase, message: listed?.message }).toEqual({
        phase: depends?.phase,
        message: depends?.message,
      });
    });
  }

  it("lets a listed dependency's continueOn admit the failures it names, and only those", () => {
    const failing = (n: string): PodPhase => (n.endsWith('.A') ? 'Failed' : 'Succeeded');
    const onFailure = run(
      [
        { name: 'A', template: 'noop', continueOn: { failed: true } },
        { name: 'X', template: 'noop', dependencies: ['A'] },
      ],
      failing,
    );
    expect(node(onFailure, 'X')?.phase).toBe('Succeeded');
    const onError = run(
      [
        { name: 'A', template: 'noop', continueOn: { error: true } },
        { name: 'X', template: 'noop', dependencies: ['A'] },
      ],
      failing,
    );
    expect(node(onError, 'X')).toMatchObject({
      phase: 'Omitted',
      message: 'omitted: depends condition not met',
    });
  });

  it('runs a listed task once every dependency is done, and omits it when one is not satisfied', () => {
    const wf = run(
      [
        { name: 'A', template: 'noop' },
        { name: 'F', template: 'noop', continueOn: { failed: true } },
        { name: 'G', template: 'noop' },
        { name: 'B', template: 'noop', dependencies: ['A', 'F'] },
        { name: 'C', template: 'noop', dependencies: ['A', 'G'] },
      ],
      (n) => (n.endsWith('.F') || n.endsWith('.G') ? 'Failed' : 'Succeeded'),
    );
    expect(node(wf, 'B')?.phase).toBe('Succeeded');
    expect(node(wf, 'C')).toMatchObject({ phase: 'Omitted', message: 'omitted: depends condition not met' });
  });
});

describe('a task that reads no variables is resolved without its ancestors scope', () => {
  it('still passes outputs down a chain to the tasks that read them', () => {
    const wf = run(
      [
        { name: 'A', template: 'noop' },
        { name: 'B', template: 'noop', dependencies: ['A'] },
        {
          name: 'C',
          template: 'echo',
          dependencies: ['B'],
          arguments: { parameters: [{ name: 'm', value: '{{tasks.A.id}}/{{tasks.B.status}}' }] },
        },
      ],
      () => 'Succeeded',
    );
    const c = node(wf, 'C');
    expect(c?.phase).toBe('Succeeded');
    expect(c?.inputs?.parameters?.[0]?.value).toBe(`${nodeId(NAME, `${NAME}.A`)}/Succeeded`);
  });
});

describe('a DAG run over the same workflow object from pass to pass', () => {
  // The controller hands each pass its own copy from the last write (owned): the DAG template
  // then resolves to the same shared object on every pass, and its graph is kept with it.
  it('ends with the status of a run that copies the workflow for every pass', () => {
    const tasks: DAGTask[] = [];
    for (let i = 0; i < 12; i++)
      tasks.push({ name: `t${i}`, template: 'noop', ...(i >= 3 ? { dependencies: [`t${i - 3}`] } : {}) });
    tasks.push({
      name: 'last',
      template: 'echo',
      dependencies: ['t11'],
      arguments: { parameters: [{ name: 'm', value: '{{tasks.t8.status}}' }] },
    });
    const phase = (n: string): PodPhase => (n.endsWith('.t7') ? 'Failed' : 'Succeeded');
    const copied = run(structuredClone(tasks), phase);
    const owned = run(structuredClone(tasks), phase, { owned: true });
    expect(owned.status?.phase).toBe(copied.status?.phase);
    expect(owned.status?.nodes).toEqual(copied.status?.nodes);
    expect(owned.spec).toEqual(workflow(tasks).spec);
  });
});
