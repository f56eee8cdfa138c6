// The controller configuration's workflowDefaults, laid under workflows as upstream's controller
// does: merged into a workflow that references no template as it starts (its own fields win,
// lists merge by name), and under the template for one that references a WorkflowTemplate.
import { describe, expect, it } from 'vitest';
import { workflowDefaultsOf } from '../../../src/controller/controller-config.js';
import type { ConfigMap } from '../../../src/model/meta.js';
import type { WorkflowTemplate } from '../../../src/model/workflow.js';
import type { WorkflowDefaults } from '../../../src/workflow/merge.js';
import { Reconciler } from '../../helpers/reconcile.js';

const DEFAULTS: WorkflowDefaults = {
  metadata: { labels: { team: 'platform', owner: 'defaults' }, annotations: { note: 'from defaults' } },
  spec: {
    serviceAccountName: 'defaults-sa',
    activeDeadlineSeconds: 300,
    arguments: {
      parameters: [
        { name: 'message', value: 'from defaults' },
        { name: 'extra', value: 'default extra' },
      ],
    },
  },
};

const OWN = `
metadata: {name: own, labels: {owner: me}}
spec:
  entrypoint: main
  arguments:
    parameters: [{name: message, value: mine}]
  templates:
    - name: main
      container: {image: busybox, command: [echo, '{{workflow.parameters.message}} {{workflow.parameters.extra}}']}
`;

describe('workflowDefaults', () => {
  it('are merged into a workflow as it starts: its own fields and labels win, parameters merge by name', () => {
    const r = new Reconciler(OWN);
    r.deps.workflowDefaults = DEFAULTS;
    const first = r.pass();
    expect(r.wf.spec.serviceAccountName).toBe('defaults-sa');
    expect(r.wf.spec.activeDeadlineSeconds).toBe(300);
    expect(r.wf.spec.arguments?.parameters).toEqual([
      { name: 'message', value: 'mine' },
      { name: 'extra', value: 'default extra' },
    ]);
    expect(r.wf.metadata.labels).toMatchObject({ team: 'platform', owner: 'me' });
    expect(r.wf.metadata.annotations).toMatchObject({ note: 'from defaults' });
    // The pod runs with what the defaults brought.
    const pod = first.podsToCreate[0]!;
    expect(pod.spec.serviceAccountName).toBe('defaults-sa');
    expect(JSON.stringify(pod.spec.containers)).toContain('mine default extra');
  });

  it('are laid once, as the workflow starts: an edit of them later does not reach a running workflow', () => {
    const r = new Reconciler(OWN);
    r.deps.workflowDefaults = DEFAULTS;
    r.pass();
    r.deps.workflowDefaults = { spec: { serviceAccountName: 'changed-sa', parallelism: 3 } };
    r.pass();
    expect(r.wf.spec.serviceAccountName).toBe('defaults-sa');
    expect(r.wf.spec.parallelism).toBeUndefined();
  });

  it('lie under the WorkflowTemplate a workflow references, which lies under the workflow', () => {
    const template = {
      metadata: { name: 'greeter', namespace: 'argo' },
      spec: {
        entrypoint: 'main',
        serviceAccountName: 'template-sa',
        templates: [{ name: 'main', container: { image: 'busybox', command: ['true'] } }],
      },
    } as WorkflowTemplate;
    const r = new Reconciler(`
metadata: {name: by-ref}
spec:
  workflowTemplateRef: {name: greeter}
  arguments:
    parameters: [{name: message, value: mine}]
`);
    r.deps.workflowDefaults = DEFAULTS;
    r.deps.getWorkflowTemplate = (_ns, name) => (name === 'greeter' ? template : undefined);
    const first = r.pass();
    const stored = r.wf.status?.storedWorkflowTemplateSpec;
    expect(stored?.serviceAccountName).toBe('template-sa');
    expect(stored?.activeDeadlineSeconds).toBe(300);
    expect(stored?.arguments?.parameters).toEqual([
      { name: 'message', value: 'mine' },
      { name: 'extra', value: 'default extra' },
    ]);
    expect(first.podsToCreate[0]?.spec.serviceAccountName).toBe('template-sa');
    // The workflow itself keeps only what it said.
    expect(r.wf.spec.serviceAccountName).toBeUndefined();
  });

  it('are read from the ConfigMap in either layout, and a value that is not a Workflow is an error naming it', () => {
    const cm = (data: Record<string, string>): ConfigMap => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'workflow-controller-configmap', namespace: 'argo' },
      data,
    });
    expect(workflowDefaultsOf(cm({ workflowDefaults: 'spec: {parallelism: 2}' })).defaults).toEqual({
      spec: { parallelism: 2 },
    });
    expect(
      workflowDefaultsOf(cm({ config: 'workflowDefaults:\n  metadata: {labels: {a: b}}\n' })).defaults,
    ).toEqual({ metadata: { labels: { a: 'b' } } });
    expect(workflowDefaultsOf(cm({})).defaults).toBeUndefined();
    expect(workflowDefaultsOf(cm({ workflowDefaults: '- a\n- b' })).error).toBe(
      'workflowDefaults of ConfigMap argo/workflow-controller-configmap is not a Workflow',
    );
    expect(workflowDefaultsOf(cm({ workflowDefaults: 'spec: [' })).error).toMatch(
      /^cannot read workflowDefaults of ConfigMap argo\/workflow-controller-configmap: /,
    );
  });
});
