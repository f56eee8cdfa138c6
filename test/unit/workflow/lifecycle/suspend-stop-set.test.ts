import { describe, expect, it } from 'vitest';
import type { Workflow } from '../../../../src/model/workflow.js';
import {
  LifecycleError,
  resumeWorkflow,
  setWorkflow,
  stopWorkflow,
  suspendWorkflow,
  terminateWorkflow,
} from '../../../../src/workflow/lifecycle/index.js';
import { Tree } from './tree.js';

const now = new Date('2026-03-03T03:03:03Z');
const NOW = '2026-03-03T03:03:03Z';

// A running steps workflow waiting on two suspend nodes, one of which supplies an output.
function waiting(): { t: Tree; wf: Workflow } {
  const t = new Tree('approval')
    .add({ type: 'Steps', phase: 'Running', suffix: '', children: ['[0]'] })
    .add({
      type: 'StepGroup',
      phase: 'Running',
      suffix: '[0]',
      boundary: '',
      children: ['[0].approve', '[0].wait'],
    })
    .add({
      type: 'Suspend',
      phase: 'Running',
      suffix: '[0].approve',
      boundary: '',
      template: 'approve',
      extra: {
        finishedAt: undefined,
        inputs: { parameters: [{ name: 'who', value: 'ops' }] },
        outputs: {
          parameters: [
            { name: 'choice', valueFrom: { supplied: {}, default: 'no' }, globalName: 'decision' },
            { name: 'fixed', value: 'x' },
          ],
        },
      },
    })
    .add({
      type: 'Suspend',
      phase: 'Running',
      suffix: '[0].wait',
      boundary: '',
      template: 'wait',
      extra: { finishedAt: undefined },
    });
  return { t, wf: t.workflow('Running') };
}

function errorOf(fn: () => unknown): LifecycleError {
  try {
    fn();
  } catch (err) {
    return err as LifecycleError;
  }
  throw new Error('expected an error');
}

describe('suspendWorkflow', () => {
  it('sets spec.suspend', () => {
    const { wf } = waiting();
    const next = suspendWorkflow(wf);
    expect(next.spec.suspend).toBe(true);
    expect(wf.spec.suspend).toBeUndefined();
    expect(suspendWorkflow(next)).toBe(next);
  });

  it('refuses a completed workflow with a 400', () => {
    const err = errorOf(() => suspendWorkflow(new Tree('done').workflow('Succeeded')));
    expect(err.message).toBe('cannot suspend completed workflows');
    expect(err.status).toBe(400);
  });
});

describe('resumeWorkflow', () => {
  it('clears spec.suspend and resumes every suspend node, supplied outputs taking defaults', () => {
    const { t, wf } = waiting();
    wf.spec.suspend = true;
    const next = resumeWorkflow(wf, {}, now);
    expect(next.spec.suspend).toBeUndefined();
    const approve = next.status!.nodes![t.id('[0].approve')];
    expect(approve.phase).toBe('Succeeded');
    expect(approve.finishedAt).toBe(NOW);
    expect(approve.message).toBeUndefined();
    expect(approve.outputs!.parameters).toEqual([
      { name: 'choice', value: 'no', globalName: 'decision' },
      { name: 'fixed', value: 'x' },
    ]);
    expect(next.status!.nodes![t.id('[0].wait')].phase).toBe('Succeeded');
    expect(next.status!.nodes![t.id('[0]')].phase).toBe('Running');
  });

  it('returns the workflow untouched when nothing waits', () => {
    const wf = new Tree('idle').add({ type: 'Pod', phase: 'Running', suffix: '' }).workflow('Running');
    expect(resumeWorkflow(wf, {}, now)).toBe(wf);
  });

  it('fails when a supplied output has neither value nor default', () => {
    const { t, wf } = waiting();
    delete wf.status!.nodes![t.id('[0].approve')].outputs!.parameters![0].valueFrom!.default;
    expect(errorOf(() => resumeWorkflow(wf, {}, now)).message).toBe(
      "raw output parameter 'choice' has not been set and does not have a default value",
    );
  });

  it('keeps earlier node messages, as Argo does', () => {
    const { t, wf } = waiting();
    wf.status!.nodes![t.id('[0].approve')].message = 'waiting for ops';
    const next = resumeWorkflow(wf, {}, now);
    expect(next.status!.nodes![t.id('[0].approve')].message).toBe('waiting for ops; ');
  });

  it('says who resumed when the request has a user', () => {
    const { t, wf } = waiting();
    const next = resumeWorkflow(wf, { actor: { subject: 'u1', email: 'u@x.io' } }, now);
    expect(next.status!.nodes![t.id('[0].wait')].message).toBe('Resumed by: map[Email:u@x.io User:u1]');
    expect(next.metadata.labels!['workflows.argoproj.io/action']).toBe('Resume');
  });

  it('with a node field selector resumes only the selected nodes and keeps spec.suspend', () => {
    const { t, wf } = waiting();
    wf.spec.suspend = true;
    const next = resumeWorkflow(wf, { nodeFieldSelector: 'inputs.parameters.who.value=ops' }, now);
    expect(next.spec.suspend).toBe(true);
    expect(next.status!.nodes![t.id('[0].approve')]).toMatchObject({ phase: 'Succeeded', finishedAt: NOW });
    // Selected resumes do not fill in supplied outputs.
    expect(next.status!.nodes![t.id('[0].approve')].outputs!.parameters![0].value).toBeUndefined();
    expect(next.status!.nodes![t.id('[0].wait')].phase).toBe('Running');
  });

  it('with a selector matching no suspend node fails', () => {
    const { wf } = waiting();
    expect(errorOf(() => resumeWorkflow(wf, { nodeFieldSelector: 'displayName=nope' }, now)).message).toBe(
      'currently, set only targets suspend nodes: no suspend nodes matching nodeFieldSelector: displayName=nope',
    );
  });
});

describe('stopWorkflow and terminateWorkflow', () => {
  it('set spec.shutdown', () => {
    const { wf } = waiting();
    expect(stopWorkflow(wf).spec.shutdown).toBe('Stop');
    expect(terminateWorkflow(wf).spec.shutdown).toBe('Terminate');
    expect(wf.spec.shutdown).toBeUndefined();
  });

  it('refuse a workflow that has completed', () => {
    const wf = new Tree('fin').workflow('Failed');
    wf.metadata.namespace = 'team';
    const msg = 'cannot shutdown a completed workflow: workflow: "fin", namespace: "team"';
    expect(errorOf(() => stopWorkflow(wf)).message).toBe(msg);
    expect(errorOf(() => terminateWorkflow(wf)).message).toBe(msg);
  });

  it('label the actor only when one is known', () => {
    const { wf } = waiting();
    wf.metadata.labels!['workflows.argoproj.io/actor'] = 'earlier';
    expect(terminateWorkflow(wf).metadata.labels!['workflows.argoproj.io/actor']).toBe('earlier');
    const labels = terminateWorkflow(wf, { actor: { subject: 'admin' } }).metadata.labels!;
    expect(labels['workflows.argoproj.io/actor']).toBe('admin');
    expect(labels['workflows.argoproj.io/action']).toBe('Terminate');
  });

  it('stop with a node field selector fails the selected suspend node with the message', () => {
    const { t, wf } = waiting();
    const next = stopWorkflow(wf, { nodeFieldSelector: 'templateName=wait', message: 'not today' }, now);
    expect(next.spec.shutdown).toBeUndefined();
    expect(next.status!.nodes![t.id('[0].wait')]).toMatchObject({
      phase: 'Failed',
      message: 'not today',
      finishedAt: NOW,
    });
    expect(next.status!.nodes![t.id('[0].approve')].phase).toBe('Running');
  });
});

describe('setWorkflow', () => {
  const selector = 'displayName=approve';

  it('sets supplied output parameters and publishes global ones', () => {
    const { t, wf } = waiting();
    const next = setWorkflow(
      wf,
      { nodeFieldSelector: selector, outputParameters: JSON.stringify({ choice: 'yes' }) },
      now,
    );
    const node = next.status!.nodes![t.id('[0].approve')];
    expect(node.phase).toBe('Running');
    expect(node.outputs!.parameters![0]).toEqual({ name: 'choice', value: 'yes', globalName: 'decision' });
    expect(next.status!.outputs).toEqual({ parameters: [{ name: 'decision', value: 'yes' }] });
  });

  it('sets phase and message', () => {
    const { t, wf } = waiting();
    const next = setWorkflow(wf, { nodeFieldSelector: selector, phase: 'Succeeded', message: 'ok' }, now);
    expect(next.status!.nodes![t.id('[0].approve')]).toMatchObject({
      phase: 'Succeeded',
      message: 'ok',
      finishedAt: NOW,
    });
  });

  it('says what is wrong with the request', () => {
    const { wf } = waiting();
    const msg = (opts: Parameters<typeof setWorkflow>[1]): string =>
      errorOf(() => setWorkflow(wf, opts, now)).message;
    expect(msg({ nodeFieldSelector: selector, phase: 'Running' })).toBe(
      'Running is an invalid phase to set to',
    );
    expect(
      errorOf(() => setWorkflow(wf, { nodeFieldSelector: selector, phase: 'Omitted' }, now)).status,
    ).toBe(400);
    expect(msg({ phase: 'Succeeded' })).toBe(
      "'set' currently only targets suspend nodes, use a node field selector to target them",
    );
    expect(msg({ nodeFieldSelector: selector, outputParameters: '{"fixed":"y"}' })).toBe(
      "cannot set output parameter 'fixed' because it does not use valueFrom.raw or it was already set",
    );
    expect(msg({ nodeFieldSelector: selector, outputParameters: '{"nope":"y"}' })).toBe(
      "node is not expecting output parameter 'nope'",
    );
    expect(msg({ nodeFieldSelector: 'displayName=wait', outputParameters: '{"a":"b"}' })).toBe(
      'cannot set output parameters because node is not expecting any raw parameters',
    );
    expect(msg({ nodeFieldSelector: selector, outputParameters: '{bad' })).toMatch(
      /^unable to parse output parameter set request: /,
    );
    expect(msg({ nodeFieldSelector: selector })).toBe(
      `currently, set only targets suspend nodes: no suspend nodes matching nodeFieldSelector: ${selector}`,
    );
  });
});
