// Reconcile passes of a wide DAG under the workflow's parallelism, driven directly: workflow and
// pod states in, status and pods to create out. Tasks waiting for room are linked to what they
// depend on but get no node, while tasks that are decided without running (a `when` that is false)
// get theirs in the same pass, whatever the parallelism.
import { describe, expect, it } from 'vitest';
import { WorkflowOperation, type OperatorDeps } from '../../../src/controller/operator.js';
import type { Pod } from '../../../src/model/pod.js';
import type { DAGTask } from '../../../src/model/template.js';
import type { NodeStatus, Workflow } from '../../../src/model/workflow.js';
import { nodeId } from '../../../src/workflow/node-id.js';

const NAME = 'wide';

function workflow(tasks: DAGTask[], parallelism: number): Workflow {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { name: NAME, namespace: 'argo', uid: 'u-1' },
    spec: {
      entrypoint: 'main',
      parallelism,
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

/** Runs passes as the controller would, the pods it created reaching `podPhase` in between. */
class Harness {
  readonly pods = new Map<string, Pod>();
  wf: Workflow;

  constructor(wf: Workflow) {
    this.wf = wf;
  }

  /** The ARGO_INCLUDE_SCRIPT_OUTPUT of each pod created, by node name. */
  readonly scriptOutput = new Map<string, string | undefined>();

  pass(): { created: string[] } {
    const deps: OperatorDeps = {
      now: () => new Date('2026-12-07T06:00:00Z'),
      getWorkflowTemplate: () => undefined,
      getClusterWorkflowTemplate: () => undefined,
      getConfigMap: () => undefined,
      getPod: (_ns, name) => this.pods.get(name),
      getTaskResult: () => undefined,
    };
    const result = new WorkflowOperation(this.wf, deps).operate();
    this.wf = result.workflow;
    for (const pod of result.podsToCreate) {
      this.pods.set(pod.metadata.name!, structuredClone(pod));
      const env = pod.spec.containers.flatMap((c) => c.env ?? []);
      this.scriptOutput.set(
        pod.metadata.annotations?.['workflows.argoproj.io/node-name'] ?? '',
        env.find((e) => e.name === 'ARGO_INCLUDE_SCRIPT_OUTPUT')?.value,
      );
    }
    return {
      created: result.podsToCreate.map(
        (p) => p.metadata.annotations?.['workflows.argoproj.io/node-name'] ?? '',
      ),
    };
  }

  finishAll(): void {
    for (const pod of this.pods.values()) pod.status = { phase: 'Succeeded' };
  }

  node(task: string): NodeStatus | undefined {
    return this.wf.status?.nodes?.[nodeId(NAME, `${NAME}.${task}`)];
  }
}

describe('a DAG under the workflow parallelism', () => {
  const mids = Array.from({ length: 6 }, (_, i) => `mid${i}`);
  const tasks: DAGTask[] = [
    { name: 'first', template: 'noop' },
    ...mids.map((name) => ({ name, template: 'noop', depends: 'first' })),
    {
      name: 'dyn',
      template: 'echo',
      depends: 'first',
      arguments: { parameters: [{ name: 'm', value: '{{tasks.first.id}}' }] },
    },
    { name: 'never', template: 'noop', depends: 'first', when: '{{tasks.first.status}} == Failed' },
    { name: 'last', template: 'noop', depends: [...mids, 'dyn'].join(' && ') },
  ];

  it('starts only as many pods as it allows, links every waiting task and decides skipped ones at once', () => {
    const h = new Harness(workflow(tasks, 2));
    expect(h.pass().created).toEqual([`${NAME}.first`]);
    h.finishAll();
    // The first pass after `first` finishes: two pods, the rest wait with no node.
    expect(h.pass().created).toEqual([`${NAME}.mid0`, `${NAME}.mid1`]);
    expect(h.node('first')?.phase).toBe('Succeeded');
    for (const t of ['mid2', 'mid3', 'mid4', 'mid5', 'dyn', 'last']) expect(h.node(t)).toBeUndefined();
    expect(h.node('never')).toMatchObject({
      phase: 'Skipped',
      type: 'Skipped',
      message: "when 'Succeeded == Failed' evaluated false",
    });
    // Every dependent is a child of `first` already, in the order of the tasks.
    expect(h.node('first')?.children).toEqual(
      [...mids, 'dyn', 'never'].map((t) => nodeId(NAME, `${NAME}.${t}`)),
    );
  });

  it('runs the waiting tasks as room frees up, in task order, and finishes', () => {
    const h = new Harness(workflow(tasks, 2));
    const started: string[] = [];
    for (let i = 0; i < 20 && h.wf.status?.phase !== 'Succeeded'; i++) {
      started.push(...h.pass().created);
      h.finishAll();
    }
    expect(h.wf.status?.phase).toBe('Succeeded');
    expect(started).toEqual(['first', ...mids, 'dyn', 'last'].map((t) => `${NAME}.${t}`));
    // The task with a variable in its arguments got it substituted when it ran.
    expect(h.node('dyn')?.inputs?.parameters).toEqual([{ name: 'm', value: h.node('first')?.id }]);
  });

  it("keeps a container's output when another task refers to its result, in either form", () => {
    const refTasks: DAGTask[] = [
      { name: 'a', template: 'noop' },
      { name: 'b', template: 'noop' },
      { name: 'c', template: 'noop' },
      { name: 'a2', template: 'noop' },
      {
        name: 'use',
        template: 'echo',
        depends: 'a && b && c && a2',
        arguments: {
          parameters: [{ name: 'm', value: "{{tasks.a.outputs.result}} {{=tasks['b'].outputs.result}}" }],
        },
      },
    ];
    const h = new Harness(workflow(refTasks, 10));
    h.pass();
    expect(Object.fromEntries(h.scriptOutput)).toEqual({
      [`${NAME}.a`]: 'true',
      [`${NAME}.b`]: 'true',
      [`${NAME}.c`]: 'false',
      // A name that only ends like a referenced one is not referenced.
      [`${NAME}.a2`]: 'false',
    });
  });
});
