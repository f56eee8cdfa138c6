import { describe, expect, it } from 'vitest';
import type { NodeStatus } from '../../../../src/model/workflow.js';
import {
  formulateRetryWorkflow,
  LifecycleError,
  resetNode,
} from '../../../../src/workflow/lifecycle/index.js';
import { podName } from '../../../../src/workflow/pod-name.js';
import { Tree } from './tree.js';

const now = new Date('2026-02-02T10:00:00.123Z');
const NOW = '2026-02-02T10:00:00Z';

// main: steps [[a], [b]]: a succeeded, b failed.
function stepsTree(): Tree {
  return new Tree('steps-wf')
    .add({ type: 'Steps', phase: 'Failed', suffix: '', children: ['[0]'], outbound: ['[1].b'] })
    .add({ type: 'StepGroup', phase: 'Succeeded', suffix: '[0]', boundary: '', children: ['[0].a'] })
    .add({ type: 'Pod', phase: 'Succeeded', suffix: '[0].a', boundary: '', children: ['[1]'] })
    .add({ type: 'StepGroup', phase: 'Failed', suffix: '[1]', boundary: '', children: ['[1].b'] })
    .add({
      type: 'Pod',
      phase: 'Failed',
      suffix: '[1].b',
      boundary: '',
      extra: { message: 'Error (exit code 1)' },
    });
}

const ids = (nodes: Record<string, NodeStatus> | undefined): string[] => Object.keys(nodes ?? {}).sort();

describe('formulateRetryWorkflow', () => {
  it('deletes the failed pod, resets its step group and the root, and keeps what succeeded', () => {
    const t = stepsTree();
    const { workflow, podsToDelete } = formulateRetryWorkflow(t.workflow('Failed'), {}, now);
    const nodes = workflow.status!.nodes!;
    expect(ids(nodes)).toEqual([t.id(''), t.id('[0]'), t.id('[0].a'), t.id('[1]')].sort());
    expect(nodes[t.id('[0].a')]).toEqual(t.node('[0].a'));
    expect(nodes[t.id('[0]')]).toEqual(t.node('[0]'));
    for (const s of ['', '[1]']) {
      expect(nodes[t.id(s)].phase).toBe('Running');
      expect(nodes[t.id(s)].startedAt).toBe(NOW);
      expect(nodes[t.id(s)].finishedAt).toBeUndefined();
    }
    // The deleted pod is no longer anyone's child or outbound node.
    expect(nodes[t.id('[1]')].children).toBeUndefined();
    expect(nodes[t.id('')].outboundNodes).toBeUndefined();
    expect(podsToDelete).toEqual([podName('steps-wf', 'steps-wf[1].b', 'work', t.id('[1].b'))]);
  });

  it('marks the workflow as running again', () => {
    const wf = stepsTree().workflow('Failed', {});
    wf.metadata.labels!['workflows.argoproj.io/workflow-archiving-status'] = 'Pending';
    wf.spec.shutdown = 'Stop';
    wf.spec.activeDeadlineSeconds = 0;
    wf.status!.persistentVolumeClaims = [{ name: 'v' }];
    const { workflow } = formulateRetryWorkflow(wf, {}, now);
    expect(workflow.metadata.labels).toEqual({ 'workflows.argoproj.io/phase': 'Failed' });
    expect(workflow.spec.shutdown).toBeUndefined();
    expect(workflow.spec.activeDeadlineSeconds).toBeUndefined();
    const s = workflow.status!;
    expect(s.phase).toBeUndefined();
    expect(s.message).toBeUndefined();
    expect(s.finishedAt).toBeUndefined();
    expect(s.startedAt).toBe(NOW);
    expect(s.persistentVolumeClaims).toBeUndefined();
    expect(s.conditions).toEqual([
      { type: 'PodRunning', status: 'False' },
      { type: 'Completed', status: 'False' },
    ]);
    // The input is left as it was.
    expect(wf.status!.phase).toBe('Failed');
  });

  it('keeps a positive deadline', () => {
    const wf = stepsTree().workflow('Failed');
    wf.spec.activeDeadlineSeconds = 30;
    expect(formulateRetryWorkflow(wf, {}, now).workflow.spec.activeDeadlineSeconds).toBe(30);
  });

  it('refuses workflows that are not Failed or Error', () => {
    const t = stepsTree();
    const err = (phase: 'Running' | 'Succeeded'): LifecycleError => {
      try {
        formulateRetryWorkflow(t.workflow(phase), {}, now);
      } catch (e) {
        return e as LifecycleError;
      }
      throw new Error('no error');
    };
    expect(err('Running').message).toBe('Cannot retry a workflow in phase Running');
    expect(err('Running').status).toBe(400);
    expect(err('Succeeded').message).toBe(
      'To retry a succeeded workflow, set the options restartSuccessful and nodeFieldSelector',
    );
    const pending = t.workflow('Running');
    delete pending.status!.phase;
    expect(() => formulateRetryWorkflow(pending, {}, now)).toThrow('Cannot retry a workflow in phase ');
    expect(() => formulateRetryWorkflow(t.workflow('Error'), {}, now)).not.toThrow();
  });

  it('deletes every failed attempt of a failed retry node and resets the retry node', () => {
    const t = new Tree('dag-retry')
      .add({ type: 'DAG', phase: 'Failed', suffix: '', children: ['.a'] })
      .add({ type: 'Retry', phase: 'Failed', suffix: '.a', boundary: '', children: ['.a(0)', '.a(1)'] })
      .attempt('.a(0)', 'Failed')
      .attempt('.a(1)', 'Failed');
    const { workflow, podsToDelete } = formulateRetryWorkflow(t.workflow('Failed'), {}, now);
    const nodes = workflow.status!.nodes!;
    expect(ids(nodes)).toEqual([t.id(''), t.id('.a')].sort());
    expect(nodes[t.id('.a')].phase).toBe('Running');
    expect(nodes[t.id('.a')].children).toBeUndefined();
    expect(nodes[t.id('')].phase).toBe('Running');
    expect(podsToDelete.sort()).toEqual(
      [
        podName('dag-retry', 'dag-retry.a(0)', 'work', ''),
        podName('dag-retry', 'dag-retry.a(1)', 'work', ''),
      ].sort(),
    );
  });

  it('leaves a failed attempt alone when a later attempt of its retry node succeeded', () => {
    const t = new Tree('later-ok')
      .add({ type: 'DAG', phase: 'Failed', suffix: '', children: ['.a'] })
      .add({ type: 'Retry', phase: 'Succeeded', suffix: '.a', boundary: '', children: ['.a(0)', '.a(1)'] })
      .attempt('.a(0)', 'Failed')
      .attempt('.a(1)', 'Succeeded', ['.b'])
      .add({ type: 'Pod', phase: 'Failed', suffix: '.b', boundary: '' });
    const { workflow, podsToDelete } = formulateRetryWorkflow(t.workflow('Failed'), {}, now);
    const nodes = workflow.status!.nodes!;
    expect(nodes[t.id('.a(0)')]).toEqual(t.node('.a(0)'));
    expect(nodes[t.id('.a')].phase).toBe('Succeeded');
    expect(nodes[t.id('.b')]).toBeUndefined();
    expect(podsToDelete).toEqual([podName('later-ok', 'later-ok.b', 'work', '')]);
  });

  it('with continueOn, reruns the failed tasks but not the succeeded ones after them', () => {
    // Shape of upstream's "retry continue on failed workflow" case.
    const t = new Tree('cof')
      .add({ type: 'DAG', phase: 'Failed', suffix: '', children: ['.n1'], outbound: ['.n3', '.n5'] })
      .add({ type: 'Pod', phase: 'Succeeded', suffix: '.n1', boundary: '', children: ['.n2', '.n4'] })
      .add({ type: 'Pod', phase: 'Failed', suffix: '.n2', boundary: '', children: ['.n3'] })
      .add({ type: 'Pod', phase: 'Succeeded', suffix: '.n3', boundary: '' })
      .add({ type: 'Pod', phase: 'Failed', suffix: '.n4', boundary: '', children: ['.n5'] })
      .add({ type: 'Skipped', phase: 'Omitted', suffix: '.n5', boundary: '' });
    const r1 = formulateRetryWorkflow(t.workflow('Failed'), {}, now);
    expect(ids(r1.workflow.status!.nodes)).toEqual([t.id(''), t.id('.n1'), t.id('.n2'), t.id('.n3')].sort());
    expect(r1.workflow.status!.nodes![t.id('.n1')].phase).toBe('Succeeded');
    expect(r1.workflow.status!.nodes![t.id('')].outboundNodes).toEqual([t.id('.n3')]);
    expect(r1.podsToDelete).toHaveLength(1);

    // Restarting n3 as well takes n2 (its failed parent) and everything under n1 with it.
    const r2 = formulateRetryWorkflow(
      t.workflow('Failed'),
      { restartSuccessful: true, nodeFieldSelector: `id=${t.id('.n3')}` },
      now,
    );
    expect(ids(r2.workflow.status!.nodes)).toEqual([t.id(''), t.id('.n1')].sort());
    expect(r2.workflow.status!.nodes![t.id('')].phase).toBe('Running');
    expect(r2.podsToDelete).toHaveLength(3);
  });

  it('restarts a succeeded node a selector names, resetting its enclosing groups', () => {
    // Upstream's nested task group case: selecting pod 3 resets groups 1 and 2 and the root.
    const t = new Tree('nested')
      .add({ type: 'DAG', phase: 'Succeeded', suffix: '', children: ['.g1'] })
      .add({ type: 'TaskGroup', phase: 'Succeeded', suffix: '.g1', boundary: '', children: ['.g2', '.p4'] })
      .add({ type: 'TaskGroup', phase: 'Succeeded', suffix: '.g2', boundary: '.g1', children: ['.p3'] })
      .add({ type: 'Pod', phase: 'Succeeded', suffix: '.p3', boundary: '.g2' })
      .add({ type: 'Pod', phase: 'Succeeded', suffix: '.p4', boundary: '.g1' });
    const { workflow, podsToDelete } = formulateRetryWorkflow(
      t.workflow('Succeeded'),
      { restartSuccessful: true, nodeFieldSelector: `id=${t.id('.p3')}` },
      now,
    );
    const nodes = workflow.status!.nodes!;
    expect(ids(nodes)).toEqual([t.id(''), t.id('.g1'), t.id('.g2'), t.id('.p4')].sort());
    for (const s of ['', '.g1', '.g2']) expect(nodes[t.id(s)].phase).toBe('Running');
    expect(nodes[t.id('.p4')].phase).toBe('Succeeded');
    expect(nodes[t.id('.g2')].children).toBeUndefined();
    expect(podsToDelete).toEqual([podName('nested', 'nested.p3', 'work', '')]);
  });

  it('ignores the selector without --restart-successful', () => {
    const t = stepsTree();
    const { workflow } = formulateRetryWorkflow(
      t.workflow('Failed'),
      { nodeFieldSelector: `id=${t.id('[0].a')}` },
      now,
    );
    expect(workflow.status!.nodes![t.id('[0].a')].phase).toBe('Succeeded');
  });

  it('rejects a selector it cannot parse', () => {
    expect(() =>
      formulateRetryWorkflow(
        stepsTree().workflow('Failed'),
        { restartSuccessful: true, nodeFieldSelector: 'bad' },
        now,
      ),
    ).toThrow("invalid selector: 'bad'; can't understand 'bad'");
  });

  it('reruns a whole pod when one container of a container set failed', () => {
    const t = new Tree('cset')
      .add({ type: 'Steps', phase: 'Failed', suffix: '', children: ['[0]'] })
      .add({ type: 'StepGroup', phase: 'Failed', suffix: '[0]', boundary: '', children: ['[0].p'] })
      .add({
        type: 'Pod',
        phase: 'Failed',
        suffix: '[0].p',
        boundary: '',
        children: ['[0].p.c1', '[0].p.c2'],
      })
      .add({ type: 'Container', phase: 'Succeeded', suffix: '[0].p.c1', boundary: '' })
      .add({ type: 'Container', phase: 'Failed', suffix: '[0].p.c2', boundary: '' });
    const { workflow, podsToDelete } = formulateRetryWorkflow(t.workflow('Failed'), {}, now);
    expect(ids(workflow.status!.nodes)).toEqual([t.id(''), t.id('[0]')].sort());
    expect(podsToDelete).toEqual([podName('cset', 'cset[0].p', 'work', '')]);
  });

  it('drops the exit handler nodes and names a pod for each of them', () => {
    const t = stepsTree()
      .add({
        type: 'Steps',
        phase: 'Succeeded',
        suffix: '.onExit',
        template: 'exit',
        children: ['.onExit[0]'],
      })
      .add({
        type: 'StepGroup',
        phase: 'Succeeded',
        suffix: '.onExit[0]',
        boundary: '.onExit',
        children: ['.onExit[0].notify'],
      })
      .add({
        type: 'Pod',
        phase: 'Succeeded',
        suffix: '.onExit[0].notify',
        boundary: '.onExit',
        template: 'notify',
      });
    const { workflow, podsToDelete } = formulateRetryWorkflow(t.workflow('Failed'), {}, now);
    expect(Object.values(workflow.status!.nodes!).map((n) => n.name)).not.toContain('steps-wf.onExit');
    expect(ids(workflow.status!.nodes)).toHaveLength(4);
    expect(podsToDelete).toContain(podName('steps-wf', 'steps-wf.onExit[0].notify', 'notify', ''));
    expect(podsToDelete).toContain(podName('steps-wf', 'steps-wf[1].b', 'work', ''));
  });

  it('uses v1 pod names (the node id) when the workflow was started with them', () => {
    const t = stepsTree();
    const wf = t.workflow('Failed');
    wf.metadata.annotations!['workflows.argoproj.io/pod-name-format'] = 'v1';
    expect(formulateRetryWorkflow(wf, {}, now).podsToDelete).toEqual([t.id('[1].b')]);
  });

  it('overrides parameters, also in the spec stored from a template', () => {
    const wf = stepsTree().workflow('Failed');
    wf.spec.arguments = {
      parameters: [
        { name: 'message', value: 'default' },
        { name: 'other', value: 'x' },
      ],
    };
    wf.status!.storedWorkflowTemplateSpec = {
      arguments: { parameters: [{ name: 'message', value: 'default' }] },
    };
    const { workflow } = formulateRetryWorkflow(wf, { parameters: ['message=modified'] }, now);
    expect(workflow.spec.arguments!.parameters).toEqual([
      { name: 'message', value: 'modified' },
      { name: 'other', value: 'x' },
    ]);
    expect(workflow.status!.storedWorkflowTemplateSpec!.arguments!.parameters).toEqual(
      workflow.spec.arguments!.parameters,
    );
    expect(() => formulateRetryWorkflow(wf, { parameters: ['oops'] }, now)).toThrow(
      'expected parameter of the form: NAME=VALUE. Received: oops',
    );
  });

  it('with new parameters, lets reset task groups expand again', () => {
    const t = new Tree('fan')
      .add({ type: 'DAG', phase: 'Failed', suffix: '', children: ['.items'] })
      .add({
        type: 'TaskGroup',
        phase: 'Failed',
        suffix: '.items',
        boundary: '',
        children: ['.items(0:a)', '.items(1:b)'],
      })
      .add({ type: 'Pod', phase: 'Succeeded', suffix: '.items(0:a)', boundary: '' })
      .add({ type: 'Pod', phase: 'Failed', suffix: '.items(1:b)', boundary: '' });
    const plain = formulateRetryWorkflow(t.workflow('Failed'), {}, now);
    expect(plain.workflow.status!.nodes![t.id('.items(0:a)')]).toBeDefined();
    const withParams = formulateRetryWorkflow(t.workflow('Failed'), { parameters: ['x=1'] }, now);
    const nodes = withParams.workflow.status!.nodes!;
    expect(ids(nodes)).toEqual([t.id(''), t.id('.items')].sort());
    expect(nodes[t.id('.items')].children).toBeUndefined();
    expect(withParams.podsToDelete).toHaveLength(2);
  });

  it('removes a restarted suspend node and resets the DAG above it; skipped nodes stay skipped', () => {
    // Upstream's "skipped and suspended nodes" case.
    const t = new Tree('sus')
      .add({ type: 'DAG', phase: 'Succeeded', suffix: '', children: ['.approve', '.skip'] })
      .add({ type: 'Suspend', phase: 'Succeeded', suffix: '.approve', boundary: '', children: ['.after'] })
      .add({ type: 'Skipped', phase: 'Skipped', suffix: '.after', boundary: '.approve' })
      .add({ type: 'Skipped', phase: 'Skipped', suffix: '.skip', boundary: '' });
    const { workflow } = formulateRetryWorkflow(
      t.workflow('Failed'),
      { restartSuccessful: true, nodeFieldSelector: `id=${t.id('.approve')}` },
      now,
    );
    const nodes = workflow.status!.nodes!;
    expect(ids(nodes)).toEqual([t.id(''), t.id('.skip')].sort());
    expect(nodes[t.id('')].phase).toBe('Running');
    expect(nodes[t.id('.skip')].phase).toBe('Skipped');
  });

  it('reports nodes that hang from nowhere', () => {
    const t = stepsTree().add({ type: 'Pod', phase: 'Failed', suffix: '.orphan', boundary: '' });
    expect(() => formulateRetryWorkflow(t.workflow('Failed'), {}, now)).toThrow(
      `couldn't find parent node for ${t.id('.orphan')}`,
    );
  });

  it('clears the actor labels without an actor and sets them with one', () => {
    const wf = stepsTree().workflow('Failed');
    wf.metadata.labels!['workflows.argoproj.io/actor'] = 'someone';
    wf.metadata.labels!['workflows.argoproj.io/action'] = 'Suspend';
    const anon = formulateRetryWorkflow(wf, {}, now).workflow.metadata.labels!;
    expect(anon['workflows.argoproj.io/actor']).toBeUndefined();
    expect(anon['workflows.argoproj.io/action']).toBeUndefined();
    const signed = formulateRetryWorkflow(
      wf,
      { actor: { subject: 'jane doe', email: 'jane@example.com' } },
      now,
    ).workflow.metadata.labels!;
    expect(signed['workflows.argoproj.io/actor']).toBe('jane-doe');
    expect(signed['workflows.argoproj.io/actor-email']).toBe('jane.at.example.com');
    expect(signed['workflows.argoproj.io/action']).toBe('Retry');
  });
});

describe('resetNode', () => {
  it('runs the node again with no message or finish time', () => {
    const n = resetNode(
      {
        id: 'x',
        name: 'x',
        type: 'Pod',
        phase: 'Failed',
        message: 'boom',
        finishedAt: '2026-01-01T00:00:00Z',
      },
      now,
    );
    expect(n).toEqual({ id: 'x', name: 'x', type: 'Pod', phase: 'Running', startedAt: NOW });
  });

  it('keeps Skipped, and asks a suspend node for its supplied outputs again', () => {
    expect(resetNode({ id: 'x', name: 'x', type: 'Skipped', phase: 'Skipped' }, now).phase).toBe('Skipped');
    const n = resetNode(
      {
        id: 's',
        name: 's',
        type: 'Suspend',
        phase: 'Succeeded',
        outputs: { parameters: [{ name: 'approve', value: 'yes', globalName: 'g' }] },
      },
      now,
    );
    expect(n.outputs!.parameters).toEqual([{ name: 'approve', valueFrom: { supplied: {} } }]);
  });
});
