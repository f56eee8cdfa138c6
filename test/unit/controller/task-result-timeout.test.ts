// A pod whose wait container never reports its outputs: the node waits for the report, then, once
// TASK_RESULT_TIMEOUT_DURATION has passed since the pod finished, stops waiting (upstream's
// taskResultReconciliation gives up after the same time).
import { afterEach, describe, expect, it } from 'vitest';
import type { WorkflowTaskResult } from '../../../src/model/workflow.js';
import { reportTimeout } from '../../../src/controller/task-result-timeout.js';
import type { Pod } from '../../../src/model/pod.js';
import { Reconciler } from '../../helpers/reconcile.js';

const withOutput = (name: string) => `
metadata: {name: ${name}}
spec:
  entrypoint: main
  templates:
    - name: main
      steps:
        - - {name: produce, template: produce}
    - name: produce
      container: {image: busybox, command: [sh, -c, 'echo 1 > /tmp/p']}
      outputs:
        parameters: [{name: p, valueFrom: {path: /tmp/p}}]
`;

/** The pod's main and wait containers both exited 0, as when the wait's last write never happened. */
function finishWithWait(r: Reconciler, step: string): void {
  r.finish(step);
  const at = r.now().toISOString();
  r.podOf(step).status!.containerStatuses!.push({
    name: 'wait',
    state: { terminated: { exitCode: 0, startedAt: at, finishedAt: at } },
  });
}

const MINUTE = 60_000;

afterEach(() => {
  delete process.env.TASK_RESULT_TIMEOUT_DURATION;
  delete process.env.RECENTLY_DELETED_POD_DURATION;
});

describe('a finished pod whose task result never completes', () => {
  it('holds its node for 10 minutes after the pod finished, then fails it naming the missing report', () => {
    const r = new Reconciler(withOutput('never-reports'));
    // Upstream's pod layout: init and wait run argoexec, whose wait writes the task result.
    r.deps.pods = { layout: 'argoexec' };
    r.pass();
    expect(r.podOf('produce').spec.containers.map((c) => c.name)).toEqual(['wait', 'main']);
    finishWithWait(r, 'produce');
    const waiting = r.pass();
    expect(r.node('produce').phase).not.toBe('Succeeded');
    // Looked at again when the timeout runs out, even if nothing else happens.
    expect(waiting.requeueAfterMs).toBe(10 * MINUTE);

    r.advance(10 * MINUTE - 1000);
    r.pass();
    expect(r.wf.status?.phase).toBe('Running');

    r.advance(1000);
    r.pass();
    expect(r.node('produce')).toMatchObject({
      phase: 'Error',
      message: 'outputs were not reported within 10m0s of the pod finishing (TASK_RESULT_TIMEOUT_DURATION)',
    });
    r.pass();
    expect(r.wf.status?.phase).toMatch(/^(Failed|Error)$/);
  });

  it('takes the outputs an incomplete result holds, and the pod phase, after TASK_RESULT_TIMEOUT_DURATION', () => {
    process.env.TASK_RESULT_TIMEOUT_DURATION = '30s';
    const r = new Reconciler(withOutput('incomplete'));
    const result: WorkflowTaskResult = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'WorkflowTaskResult',
      metadata: { name: '', labels: { 'workflows.argoproj.io/report-outputs-completed': 'false' } },
      outputs: { parameters: [{ name: 'p', value: '1' }] },
    };
    r.deps.getTaskResult = (_ns, name) => (name === r.node('produce').id ? result : undefined);
    r.pass();
    finishWithWait(r, 'produce');
    expect(r.pass().requeueAfterMs).toBe(30_000);
    expect(r.node('produce').phase).not.toBe('Succeeded');
    r.advance(30_000);
    r.pass();
    expect(r.node('produce').phase).toBe('Succeeded');
    expect(r.node('produce').outputs?.parameters).toEqual([{ name: 'p', value: '1' }]);
    r.pass();
    expect(r.wf.status?.phase).toBe('Succeeded');
  });

  it('does not wait for a report once it is complete', () => {
    const r = new Reconciler(withOutput('reports'));
    r.deps.getTaskResult = (_ns, name) =>
      name === r.node('produce').id
        ? {
            apiVersion: 'argoproj.io/v1alpha1',
            kind: 'WorkflowTaskResult',
            metadata: { name, labels: { 'workflows.argoproj.io/report-outputs-completed': 'true' } },
            outputs: { parameters: [{ name: 'p', value: '1' }] },
          }
        : undefined;
    r.pass();
    finishWithWait(r, 'produce');
    r.pass();
    expect(r.node('produce').phase).toBe('Succeeded');
  });
});

describe('RECENTLY_DELETED_POD_DURATION: a finished pod deleted while its report is awaited', () => {
  const incomplete = (r: Reconciler): void => {
    const result: WorkflowTaskResult = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'WorkflowTaskResult',
      metadata: { name: '', labels: { 'workflows.argoproj.io/report-outputs-completed': 'false' } },
      outputs: { parameters: [{ name: 'p', value: '1' }] },
    };
    r.deps.getTaskResult = (_ns, name) => (name === r.node('produce').id ? result : undefined);
  };
  /** Deletes the node's pod, keeping its last state where the controller keeps it. */
  const deletePod = (r: Reconciler): void => {
    const pod = r.podOf('produce');
    const gone = new Map<string, Pod>([[pod.metadata.name ?? '', pod]]);
    r.pods.delete(pod.metadata.name ?? '');
    r.deps.getDeletedPod = (_ns, name) => gone.get(name);
  };

  it("the deleted pod's node waits the longer of it and TASK_RESULT_TIMEOUT_DURATION, then takes what was reported", () => {
    process.env.TASK_RESULT_TIMEOUT_DURATION = '30s';
    process.env.RECENTLY_DELETED_POD_DURATION = '2m';
    const r = new Reconciler(withOutput('deleted-pod'));
    incomplete(r);
    r.pass();
    finishWithWait(r, 'produce');
    expect(r.pass().requeueAfterMs).toBe(30_000);
    deletePod(r);
    // Not "pod deleted", nor run again: the pod finished; its report may still come.
    expect(r.pass().requeueAfterMs).toBe(2 * MINUTE);
    expect(r.pods.size).toBe(0);
    expect(r.node('produce').phase).not.toMatch(/^(Succeeded|Failed|Error)$/);
    r.advance(2 * MINUTE - 1);
    r.pass();
    expect(r.node('produce').phase).not.toMatch(/^(Succeeded|Failed|Error)$/);
    r.advance(1);
    r.pass();
    expect(r.node('produce')).toMatchObject({
      phase: 'Succeeded',
      outputs: { parameters: [{ name: 'p', value: '1' }] },
    });
  });

  it('a deleted pod whose report never came fails its node naming RECENTLY_DELETED_POD_DURATION when that was the longer wait', () => {
    process.env.TASK_RESULT_TIMEOUT_DURATION = '30s';
    process.env.RECENTLY_DELETED_POD_DURATION = '1m';
    const r = new Reconciler(withOutput('deleted-no-report'));
    r.deps.pods = { layout: 'argoexec' };
    r.pass();
    finishWithWait(r, 'produce');
    r.pass();
    deletePod(r);
    r.advance(MINUTE);
    r.pass();
    expect(r.node('produce')).toMatchObject({
      phase: 'Error',
      message: 'outputs were not reported within 1m0s of the pod finishing (RECENTLY_DELETED_POD_DURATION)',
    });
  });

  it('a pod deleted before it finished is still "pod deleted"', () => {
    const r = new Reconciler(withOutput('deleted-running'));
    r.pass();
    const pod = r.podOf('produce');
    pod.status = { phase: 'Running', startTime: r.now().toISOString() };
    r.pass();
    deletePod(r);
    r.advance(MINUTE);
    r.pass();
    expect(r.node('produce')).toMatchObject({ phase: 'Error', message: 'pod deleted' });
  });

  it('reads the variable as a Go duration; default 2m, and a bad value is the default', () => {
    expect(reportTimeout(true, { TASK_RESULT_TIMEOUT_DURATION: '1m' })).toEqual({
      timeoutMs: 2 * MINUTE,
      setting: 'RECENTLY_DELETED_POD_DURATION',
    });
    expect(reportTimeout(true, { RECENTLY_DELETED_POD_DURATION: '90s' })).toEqual({
      timeoutMs: 10 * MINUTE,
      setting: 'TASK_RESULT_TIMEOUT_DURATION',
    });
    expect(
      reportTimeout(true, { TASK_RESULT_TIMEOUT_DURATION: '1s', RECENTLY_DELETED_POD_DURATION: '1h30m' })
        .timeoutMs,
    ).toBe(90 * MINUTE);
    expect(
      reportTimeout(true, { TASK_RESULT_TIMEOUT_DURATION: '1s', RECENTLY_DELETED_POD_DURATION: 'soon' })
        .timeoutMs,
    ).toBe(2 * MINUTE);
    // A pod that is still there waits TASK_RESULT_TIMEOUT_DURATION only.
    expect(
      reportTimeout(false, { TASK_RESULT_TIMEOUT_DURATION: '1s', RECENTLY_DELETED_POD_DURATION: '1h' }),
    ).toEqual({
      timeoutMs: 1000,
      setting: 'TASK_RESULT_TIMEOUT_DURATION',
    });
  });
});
