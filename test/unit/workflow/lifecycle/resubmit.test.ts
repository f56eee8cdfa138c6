import { describe, expect, it } from 'vitest';
import { formulateResubmitWorkflow, randomSuffix } from '../../../../src/workflow/lifecycle/index.js';
import { nodeId } from '../../../../src/workflow/node-id.js';
import { Tree } from './tree.js';

const now = new Date('2026-02-02T10:00:00Z');
// A fixed "random" source: always picks the letter at index 2 ('c').
const fixed = (): number => 2 / 36;

function failedSteps(): Tree {
  return new Tree('my-wf')
    .add({ type: 'Steps', phase: 'Failed', suffix: '', children: ['[0]'] })
    .add({ type: 'StepGroup', phase: 'Succeeded', suffix: '[0]', boundary: '', children: ['[0].a'] })
    .add({
      type: 'Pod',
      phase: 'Succeeded',
      suffix: '[0].a',
      boundary: '',
      children: ['[1]'],
      extra: { outputs: { parameters: [{ name: 'out', value: '42' }] } },
    })
    .add({ type: 'StepGroup', phase: 'Failed', suffix: '[1]', boundary: '', children: ['[1].b', '[1].c'] })
    .add({ type: 'Pod', phase: 'Failed', suffix: '[1].b', boundary: '', extra: { message: 'exit 1' } })
    .add({
      type: 'Skipped',
      phase: 'Skipped',
      suffix: '[1].c',
      boundary: '',
      extra: { message: 'when false' },
    })
    .add({ type: 'Steps', phase: 'Succeeded', suffix: '.onExit', template: 'exit' });
}

describe('formulateResubmitWorkflow', () => {
  it('makes a new workflow from the spec, named after the old one', () => {
    const wf = failedSteps().workflow('Failed');
    wf.metadata.labels!['team'] = 'a';
    wf.metadata.labels!['workflows.argoproj.io/creator'] = 'someone';
    wf.metadata.labels!['workflows.argoproj.io/workflow-archiving-status'] = 'Archived';
    wf.metadata.labels!['workflows.argoproj.io/action'] = 'Stop';
    wf.metadata.annotations!['note'] = 'kept';
    wf.metadata.ownerReferences = [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'o', uid: 'u' }];
    wf.spec.shutdown = 'Terminate';
    wf.spec.activeDeadlineSeconds = 0;
    const next = formulateResubmitWorkflow(wf, {}, now);
    expect(next).toEqual({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      metadata: {
        generateName: 'my-wf-',
        labels: { team: 'a', 'workflows.argoproj.io/resubmitted-from-workflow': 'my-wf' },
        annotations: { 'workflows.argoproj.io/pod-name-format': 'v2', note: 'kept' },
        ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'o', uid: 'u' }],
      },
      spec: { entrypoint: 'main', templates: [{ name: 'main' }] },
    });
  });

  it('keeps the generateName of a generated workflow and overrides parameters', () => {
    const wf = failedSteps().workflow('Succeeded');
    wf.metadata.generateName = 'hello-';
    wf.spec.arguments = { parameters: [{ name: 'msg', value: 'a' }] };
    const next = formulateResubmitWorkflow(wf, { parameters: ['msg=b'] }, now);
    expect(next.metadata.generateName).toBe('hello-');
    expect(next.metadata.name).toBeUndefined();
    expect(next.spec.arguments).toEqual({ parameters: [{ name: 'msg', value: 'b' }] });
    expect(wf.spec.arguments.parameters![0].value).toBe('a');
  });

  it('records the creator when one is known', () => {
    const next = formulateResubmitWorkflow(failedSteps().workflow('Failed'), {
      actor: { subject: 'me', preferredUsername: 'Me!' },
    });
    expect(next.metadata.labels).toEqual({
      'workflows.argoproj.io/creator': 'me',
      'workflows.argoproj.io/creator-preferred-username': 'Me',
      'workflows.argoproj.io/resubmitted-from-workflow': 'my-wf',
    });
  });

  it('memoized: only for Failed/Error workflows', () => {
    expect(() => formulateResubmitWorkflow(failedSteps().workflow('Succeeded'), { memoized: true })).toThrow(
      'workflow must be Failed/Error to resubmit in memoized mode',
    );
  });

  it('memoized: names the workflow and carries the node tree over under the new name', () => {
    const t = failedSteps();
    const wf = t.workflow('Failed');
    wf.status!.storedTemplates = { 'namespaced/main': { name: 'main' } };
    const next = formulateResubmitWorkflow(wf, { memoized: true }, now, fixed);
    expect(next.metadata.name).toBe('my-wf-ccccc');
    const id = (suffix: string): string => nodeId('my-wf-ccccc', `my-wf-ccccc${suffix}`);
    const nodes = next.status!.nodes!;
    // The exit handler and the skipped step with nothing succeeded below it are gone.
    expect(Object.keys(nodes).sort()).toEqual(
      [id(''), id('[0]'), id('[0].a'), id('[1]'), id('[1].b')].sort(),
    );
    expect(nodes[id('[0].a')]).toMatchObject({
      id: id('[0].a'),
      name: 'my-wf-ccccc[0].a',
      type: 'Skipped',
      phase: 'Skipped',
      message: `original pod: ${t.id('[0].a')}`,
      boundaryID: id(''),
      children: [id('[1]')],
      outputs: { parameters: [{ name: 'out', value: '42' }] },
      startedAt: '2026-02-02T10:00:00Z',
      finishedAt: '2026-02-02T10:00:00Z',
    });
    expect(nodes[id('[1].b')].phase).toBe('Pending');
    expect(nodes[id('[1].b')].message).toBeUndefined();
    expect(nodes[id('[1].b')].startedAt).toBeUndefined();
    expect(nodes[id('[1].b')].finishedAt).toBeUndefined();
    expect(nodes[id('')]).toMatchObject({ phase: 'Pending', type: 'Steps', children: [id('[0]')] });
    expect(nodes[id('[1]')].children).toEqual([id('[1].b'), id('[1].c')]);
    expect(next.status!.conditions).toEqual([{ type: 'Completed', status: 'False' }]);
    expect(next.status!.storedTemplates).toEqual({ 'namespaced/main': { name: 'main' } });
    expect(next.status!.phase).toBeUndefined();
  });

  it('memoized: keeps a skipped node whose descendants succeeded', () => {
    const t = new Tree('w')
      .add({ type: 'DAG', phase: 'Failed', suffix: '', children: ['.s'] })
      .add({ type: 'Skipped', phase: 'Skipped', suffix: '.s', boundary: '', children: ['.p'] })
      .add({ type: 'Pod', phase: 'Succeeded', suffix: '.p', boundary: '' });
    const next = formulateResubmitWorkflow(t.workflow('Failed'), { memoized: true }, now, fixed);
    const s = next.status!.nodes![nodeId('w-ccccc', 'w-ccccc.s')];
    expect(s).toMatchObject({ type: 'Skipped', phase: 'Pending' });
  });
});

describe('randomSuffix', () => {
  it('is five lower-case letters or digits', () => {
    for (let i = 0; i < 20; i++) expect(randomSuffix()).toMatch(/^[a-z0-9]{5}$/);
  });
});
