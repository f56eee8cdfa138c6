// The status.nodes tree the controller builds, in Argo's exact shape: ids, names, display names,
// types, boundaries, children and outbound nodes.
import { describe, expect, it } from 'vitest';
import { nodeId } from '../../../src/workflow/node-id.js';
import { nodeByName as byName, runWorkflow } from '../../helpers/run-workflow.js';

const STEPS = `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: st}
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - - name: one
        template: echo
    - - name: two-a
        template: echo
      - name: two-b
        template: echo
  - name: echo
    container: {image: busybox, command: [echo, hi]}
`;

describe('steps', () => {
  it('builds the root, step groups and pods with Argo ids and links', async () => {
    const { wf } = await runWorkflow(STEPS);
    const id = (n: string): string => nodeId('st', n);
    expect(wf.status?.phase).toBe('Succeeded');
    const root = byName(wf, 'st');
    expect(root).toMatchObject({
      id: 'st',
      type: 'Steps',
      displayName: 'st',
      templateName: 'main',
      phase: 'Succeeded',
    });
    expect(root.children).toEqual([id('st[0]')]);
    expect(root.outboundNodes).toEqual([id('st[1].two-a'), id('st[1].two-b')]);
    const g0 = byName(wf, 'st[0]');
    expect(g0).toMatchObject({
      type: 'StepGroup',
      displayName: '[0]',
      boundaryID: 'st',
      children: [id('st[0].one')],
    });
    expect(g0.templateName).toBeUndefined();
    const one = byName(wf, 'st[0].one');
    expect(one).toMatchObject({
      type: 'Pod',
      displayName: 'one',
      templateName: 'echo',
      boundaryID: 'st',
      children: [id('st[1]')],
    });
    expect(one.templateScope).toBe('local/st');
    expect(byName(wf, 'st[1]').children).toEqual([id('st[1].two-a'), id('st[1].two-b')]);
    expect(byName(wf, 'st[1].two-b').children).toBeUndefined();
    expect(wf.status?.progress).toBe('3/3');
    expect(root.progress).toBe('3/3');
  });

  it('fails the step group and the workflow with the child that failed', async () => {
    const { wf } = await runWorkflow(STEPS, {
      behaviour: (_t, pod) => ({
        exitCode: pod.metadata.annotations?.['workflows.argoproj.io/node-name'] === 'st[0].one' ? 3 : 0,
      }),
    });
    expect(wf.status?.phase).toBe('Failed');
    const one = byName(wf, 'st[0].one');
    expect(one.phase).toBe('Failed');
    expect(one.message).toBe('main: Error (exit code 3)');
    expect(one.outputs?.exitCode).toBe('3');
    expect(byName(wf, 'st[0]').message).toBe(`child '${one.id}' failed`);
    expect(wf.status?.message).toBe(`child '${one.id}' failed`);
    expect(Object.values(wf.status?.nodes ?? {}).some((n) => n.name === 'st[1]')).toBe(false);
  });
});

describe('dag', () => {
  const DIAMOND = `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: dd}
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
  - name: echo
    container: {image: busybox, command: [echo, hi]}
`;
  it('links tasks through their dependencies', async () => {
    const { wf } = await runWorkflow(DIAMOND);
    const id = (n: string): string => nodeId('dd', n);
    expect(wf.status?.phase).toBe('Succeeded');
    expect(byName(wf, 'dd')).toMatchObject({
      type: 'DAG',
      children: [id('dd.A')],
      outboundNodes: [id('dd.D')],
    });
    expect(byName(wf, 'dd.A')).toMatchObject({
      displayName: 'A',
      boundaryID: 'dd',
      children: [id('dd.B'), id('dd.C')],
    });
    expect(byName(wf, 'dd.B').children).toEqual([id('dd.D')]);
    expect(byName(wf, 'dd.C').children).toEqual([id('dd.D')]);
  });

  it('omits a task whose depends is not met and continues the others', async () => {
    const wfText = `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: dep}
spec:
  entrypoint: main
  templates:
  - name: main
    dag:
      tasks:
      - {name: A, template: fail}
      - {name: on-fail, template: echo, depends: A.Failed}
      - {name: on-success, template: echo, depends: A.Succeeded}
  - name: echo
    container: {image: busybox, command: [echo, hi]}
  - name: fail
    container: {image: busybox, command: [sh, -c, 'exit 1']}
`;
    const { wf } = await runWorkflow(wfText, { behaviour: (t) => ({ exitCode: t.name === 'fail' ? 1 : 0 }) });
    expect(byName(wf, 'dep.on-fail').phase).toBe('Succeeded');
    expect(byName(wf, 'dep.on-success')).toMatchObject({
      type: 'Skipped',
      phase: 'Omitted',
      message: 'omitted: depends condition not met',
    });
    // A target branch ended in a failure, so the DAG fails.
    expect(wf.status?.phase).toBe('Failed');
  });
});

describe('conditions and loops', () => {
  it('skips a step whose when is false, with Argo message', async () => {
    const { wf } = await runWorkflow(
      `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: wh}
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - - {name: flip, template: flip}
    - - {name: heads, template: echo, when: "{{steps.flip.outputs.result}} == heads"}
      - {name: tails, template: echo, when: "{{steps.flip.outputs.result}} == tails"}
  - name: flip
    script: {image: python, command: [python], source: print("tails")}
  - name: echo
    container: {image: busybox, command: [echo, hi]}
`,
      { behaviour: (t) => ({ stdout: t.name === 'flip' ? 'tails\n' : '' }) },
    );
    expect(wf.status?.phase).toBe('Succeeded');
    expect(byName(wf, 'wh[0].flip').outputs?.result).toBe('tails');
    expect(byName(wf, 'wh[1].heads')).toMatchObject({
      type: 'Skipped',
      phase: 'Skipped',
      message: "when 'tails == heads' evaluated false",
    });
    expect(byName(wf, 'wh[1].tails').phase).toBe('Succeeded');
  });

  it('expands withItems into named children and aggregates their outputs', async () => {
    const { wf } = await runWorkflow(
      `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: lp}
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - - name: gen
        template: gen
        arguments: {parameters: [{name: x, value: "{{item}}"}]}
        withItems: [a, b, 3]
    - - name: sum
        template: show
        arguments: {parameters: [{name: all, value: "{{steps.gen.outputs.parameters.out}}"}]}
    outputs:
      parameters:
      - name: all
        valueFrom: {parameter: "{{steps.gen.outputs.parameters}}"}
  - name: gen
    inputs: {parameters: [{name: x}]}
    container: {image: busybox, command: [echo, "{{inputs.parameters.x}}"]}
    outputs: {parameters: [{name: out, valueFrom: {path: /tmp/out}}]}
  - name: show
    inputs: {parameters: [{name: all}]}
    container: {image: busybox, command: [echo, "{{inputs.parameters.all}}"]}
`,
      {
        behaviour: (t) => ({
          parameters: { out: `v-${(t.inputs?.parameters?.[0]?.value as string) ?? ''}` },
        }),
      },
    );
    expect(wf.status?.phase).toBe('Succeeded');
    expect(byName(wf, 'lp[0].gen(0:a)').displayName).toBe('gen(0:a)');
    expect(byName(wf, 'lp[0].gen(2:3)').inputs?.parameters?.[0]).toMatchObject({ name: 'x', value: '3' });
    expect(byName(wf, 'lp[1].sum').inputs?.parameters?.[0].value).toBe('["v-a","v-b","v-3"]');
    expect(byName(wf, 'lp').outputs?.parameters?.[0]).toEqual({
      name: 'all',
      value: '[{"out":"v-a"},{"out":"v-b"},{"out":"v-3"}]',
    });
  });

  it('limits running children with template parallelism', async () => {
    const { wf, kubelet } = await runWorkflow(
      `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: par}
spec:
  entrypoint: main
  templates:
  - name: main
    parallelism: 2
    steps:
    - - {name: s, template: echo, withSequence: {count: "5"}}
  - name: echo
    container: {image: busybox, command: [echo, hi]}
`,
      { behaviour: () => ({ runMs: 30 }) },
    );
    expect(wf.status?.phase).toBe('Succeeded');
    expect(kubelet.started).toHaveLength(5);
    expect(kubelet.maxRunning).toBeLessThanOrEqual(2);
  });

  it('fails the workflow with Argo message when the entrypoint does not exist', async () => {
    const { wf } = await runWorkflow(`
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: bad}
spec:
  entrypoint: nope
  templates:
  - name: main
    container: {image: busybox}
`);
    expect(wf.status?.phase).toBe('Failed');
    expect(wf.status?.message).toMatch(/^invalid spec: .*nope/);
  });
});
