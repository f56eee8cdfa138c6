// Retries, exit handlers, hooks, timeouts, deadlines, daemons, continueOn and global outputs as
// Argo shows them: the node tree, phases and messages.
import { describe, expect, it } from 'vitest';
import type { Pod } from '../../../src/model/pod.js';
import { nodeId } from '../../../src/workflow/node-id.js';
import { nodeByName as byName, runWorkflow } from '../../helpers/run-workflow.js';

const nodeName = (pod: Pod): string => pod.metadata.annotations?.['workflows.argoproj.io/node-name'] ?? '';

describe('retryStrategy', () => {
  const RETRY = `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: rt}
spec:
  entrypoint: main
  templates:
  - name: main
    retryStrategy: {limit: "2"}
    container: {image: busybox, command: [sh, -c, 'exit 1'], args: ["attempt {{retries}}"]}
`;

  it('makes a Retry node whose children are the attempts, until one succeeds', async () => {
    const { wf } = await runWorkflow(RETRY, {
      behaviour: (_t, pod) => ({ exitCode: nodeName(pod) === 'rt(2)' ? 0 : 1 }),
    });
    expect(wf.status?.phase).toBe('Succeeded');
    const retry = byName(wf, 'rt');
    expect(retry.type).toBe('Retry');
    expect(retry.children).toEqual([nodeId('rt', 'rt(0)'), nodeId('rt', 'rt(1)'), nodeId('rt', 'rt(2)')]);
    const first = byName(wf, 'rt(0)');
    expect(first).toMatchObject({
      type: 'Pod',
      phase: 'Failed',
      displayName: 'rt(0)',
      nodeFlag: { retried: true },
    });
    expect(byName(wf, 'rt(2)').phase).toBe('Succeeded');
  });

  it('stops at the limit with "No more retries left"', async () => {
    const { wf } = await runWorkflow(RETRY, { behaviour: () => ({ exitCode: 1 }) });
    expect(wf.status?.phase).toBe('Failed');
    expect(byName(wf, 'rt').message).toBe('No more retries left');
    expect(byName(wf, 'rt').children).toHaveLength(3);
  });

  it('does not retry an Error under OnFailure, and stops when the expression says so', async () => {
    const { wf } = await runWorkflow(
      `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: rx}
spec:
  entrypoint: main
  templates:
  - name: main
    retryStrategy: {limit: "5", expression: "asInt(lastRetry.exitCode) == 2"}
    container: {image: busybox, command: [sh, -c, 'exit 1']}
`,
      { behaviour: (_t, pod) => ({ exitCode: nodeName(pod) === 'rx(0)' ? 2 : 3 }) },
    );
    expect(wf.status?.phase).toBe('Failed');
    expect(byName(wf, 'rx').message).toBe('retryStrategy.expression evaluated to false');
    expect(byName(wf, 'rx').children).toHaveLength(2);
  });
});

describe('exit handlers and hooks', () => {
  it('runs the workflow onExit with workflow.status, and a step onExit under the step', async () => {
    const { wf, kubelet } = await runWorkflow(
      `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: ex}
spec:
  entrypoint: main
  onExit: cleanup
  templates:
  - name: main
    steps:
    - - {name: work, template: fail, onExit: step-exit, continueOn: {failed: true}}
  - name: fail
    container: {image: busybox, command: [sh, -c, 'exit 1']}
  - name: step-exit
    container: {image: busybox, command: [echo, step]}
  - name: cleanup
    container: {image: busybox, command: [echo, "{{workflow.status}}"]}
`,
      { behaviour: (t) => ({ exitCode: t.name === 'fail' ? 1 : 0 }) },
    );
    // continueOn.failed lets the steps succeed despite the failed step.
    expect(wf.status?.phase).toBe('Succeeded');
    const stepExit = byName(wf, 'ex[0].work.onExit');
    expect(stepExit).toMatchObject({
      phase: 'Succeeded',
      displayName: 'work.onExit',
      nodeFlag: { hooked: true },
    });
    expect(byName(wf, 'ex[0].work').children).toContain(stepExit.id);
    const wfExit = byName(wf, 'ex.onExit');
    expect(wfExit).toMatchObject({ phase: 'Succeeded', displayName: 'ex.onExit', templateName: 'cleanup' });
    expect(wfExit.boundaryID).toBeUndefined();
    expect(kubelet.started).toHaveLength(3);
  });

  it('fails a succeeded workflow whose exit handler fails', async () => {
    const { wf } = await runWorkflow(
      `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: exf}
spec:
  entrypoint: ok
  onExit: bad
  templates:
  - name: ok
    container: {image: busybox, command: [echo]}
  - name: bad
    container: {image: busybox, command: [sh, -c, 'exit 4']}
`,
      { behaviour: (t) => ({ exitCode: t.name === 'bad' ? 4 : 0 }) },
    );
    expect(wf.status?.phase).toBe('Failed');
    expect(wf.status?.message).toBe('main: Error (exit code 4)');
  });

  it('runs an expression hook once its condition holds, named <node>.hooks.<name>', async () => {
    const { wf } = await runWorkflow(
      `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: hk}
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - - name: step
        template: echo
        hooks:
          done: {template: echo, expression: steps.step.status == "Succeeded"}
          never: {template: echo, expression: steps.step.status == "Failed"}
  - name: echo
    container: {image: busybox, command: [echo]}
`,
    );
    expect(wf.status?.phase).toBe('Succeeded');
    expect(byName(wf, 'hk[0].step.hooks.done')).toMatchObject({
      phase: 'Succeeded',
      nodeFlag: { hooked: true },
    });
    expect(Object.values(wf.status?.nodes ?? {}).some((n) => n.name.endsWith('.hooks.never'))).toBe(false);
  });

  it('holds a dependent DAG task back until the hooks of the task it depends on have finished', async () => {
    const early: string[] = [];
    const { wf } = await runWorkflow(
      `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: dh}
spec:
  entrypoint: main
  templates:
  - name: main
    dag:
      tasks:
      - name: a
        template: echo
        hooks:
          after: {template: echo, expression: tasks.a.status == "Succeeded"}
      - {name: b, template: echo, dependencies: [a]}
      - {name: c, template: echo, dependencies: [a]}
  - name: echo
    container: {image: busybox, command: [echo]}
`,
      {
        until: (w) => {
          const nodes = Object.values(w.status?.nodes ?? {});
          const hook = nodes.find((n) => n.name === 'dh.a.hooks.after');
          for (const n of nodes)
            if ((n.name === 'dh.b' || n.name === 'dh.c') && hook?.phase !== 'Succeeded') early.push(n.name);
          return Boolean(w.status?.finishedAt);
        },
      },
    );
    expect(wf.status?.phase).toBe('Succeeded');
    expect(byName(wf, 'dh.a.hooks.after')).toMatchObject({ phase: 'Succeeded', nodeFlag: { hooked: true } });
    expect(byName(wf, 'dh.a').children).toContain(nodeId('dh', 'dh.a.hooks.after'));
    expect(byName(wf, 'dh.b').phase).toBe('Succeeded');
    expect(byName(wf, 'dh.c').phase).toBe('Succeeded');
    expect(early).toEqual([]);
  });
});

describe('time limits', () => {
  it('gives a template timeout to the pod as activeDeadlineSeconds; the pod fails with the kubelet message', async () => {
    const { wf } = await runWorkflow(
      `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: to}
spec:
  entrypoint: slow
  templates:
  - name: slow
    timeout: 3s
    container: {image: busybox, command: [sleep, "60"]}
`,
      { behaviour: () => ({ runMs: 60_000 }), timeoutMs: 15_000 },
    );
    expect(wf.status?.phase).toBe('Failed');
    expect(byName(wf, 'to').message).toBe('Pod was active on the node longer than the specified deadline');
  });

  it('fails running steps with "Step exceeded its deadline" when activeDeadlineSeconds passes', async () => {
    const { wf } = await runWorkflow(
      `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: dl}
spec:
  entrypoint: main
  activeDeadlineSeconds: 1
  templates:
  - name: main
    steps:
    - - {name: long, template: slow}
  - name: slow
    container: {image: busybox, command: [sleep, "60"]}
`,
      { behaviour: () => ({ runMs: 60_000 }), timeoutMs: 15_000 },
    );
    expect(wf.status?.phase).toBe('Failed');
    expect(byName(wf, 'dl[0].long').message).toBe('Step exceeded its deadline');
  });
});

describe('daemons and failure handling', () => {
  it('keeps a daemon running while its steps run, then stops it and marks it Succeeded', async () => {
    const { wf, store } = await runWorkflow(
      `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: dm}
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - - {name: server, template: server}
    - - name: client
        template: client
        arguments: {parameters: [{name: ip, value: "{{steps.server.ip}}"}]}
  - name: server
    daemon: true
    container: {image: busybox, command: [sleep, "3600"]}
  - name: client
    inputs: {parameters: [{name: ip}]}
    container: {image: busybox, command: [echo, "{{inputs.parameters.ip}}"]}
`,
      { behaviour: (t) => ({ runMs: t.name === 'server' ? 3_600_000 : 0 }) },
    );
    expect(wf.status?.phase).toBe('Succeeded');
    const server = byName(wf, 'dm[0].server');
    expect(server.phase).toBe('Succeeded');
    expect(server.daemoned).toBeUndefined();
    const client = byName(wf, 'dm[1].client');
    expect(client.phase).toBe('Succeeded');
    expect(client.inputs?.parameters?.[0]).toMatchObject({ name: 'ip', value: '127.0.0.1' });
    // The daemon's pod was removed when the steps ended.
    const pods = await store.list<Pod>('Pod', { namespace: 'default' });
    expect(
      pods.items.some((p) => p.metadata.annotations?.['workflows.argoproj.io/node-name'] === 'dm[0].server'),
    ).toBe(false);
  });

  it('lets a DAG without failFast run its other branches after a failure', async () => {
    const { wf, kubelet } = await runWorkflow(
      `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: ff}
spec:
  entrypoint: main
  templates:
  - name: main
    dag:
      failFast: false
      tasks:
      - {name: a, template: fail}
      - {name: b, template: echo}
      - {name: c, template: echo, dependencies: [b]}
  - name: fail
    container: {image: busybox, command: [sh, -c, 'exit 1']}
  - name: echo
    container: {image: busybox, command: [echo]}
`,
      { behaviour: (t) => ({ exitCode: t.name === 'fail' ? 1 : 0, runMs: t.name === 'fail' ? 0 : 50 }) },
    );
    expect(wf.status?.phase).toBe('Failed');
    expect(byName(wf, 'ff.c').phase).toBe('Succeeded');
    expect(kubelet.started).toHaveLength(3);
  });

  it('exports a step output to workflow outputs with globalName', async () => {
    const { wf } = await runWorkflow(
      `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: gl}
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - - {name: make, template: make}
    - - {name: use, template: use}
  - name: make
    container: {image: busybox, command: [sh, -c, 'echo v > /tmp/v']}
    outputs: {parameters: [{name: v, globalName: shared, valueFrom: {path: /tmp/v}}]}
  - name: use
    container: {image: busybox, command: [echo, "{{workflow.outputs.parameters.shared}}"]}
`,
      { behaviour: () => ({ parameters: { v: 'the-value' } }) },
    );
    expect(wf.status?.phase).toBe('Succeeded');
    expect(wf.status?.outputs?.parameters).toEqual([{ name: 'shared', value: 'the-value' }]);
  });
});
