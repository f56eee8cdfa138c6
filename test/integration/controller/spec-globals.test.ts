// Workflow-level spec fields that use `{{workflow.*}}` variables reach the pods with the values
// substituted, as upstream's operator does once it has set up the workflow: a hostPath volume and
// a podMetadata label taken from the workflow's parameters, on a workflow of its own and on one
// that runs a WorkflowTemplate; and the claim made for a volumeClaimTemplate.
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { KubeObject, PersistentVolumeClaim } from '../../../src/model/meta.js';
import type { Pod } from '../../../src/model/pod.js';
import type { Workflow, WorkflowTemplate } from '../../../src/model/workflow.js';
import { runWorkflow } from '../../helpers/run-workflow.js';

const SPEC = `
  entrypoint: main
  serviceAccountName: '{{workflow.parameters.team}}-runner'
  nodeSelector: {zone: '{{workflow.parameters.zone}}'}
  volumes:
  - name: gate
    hostPath: {path: '{{workflow.parameters.gate}}', type: Directory}
  podMetadata:
    labels: {team: '{{workflow.parameters.team}}'}
    annotations: {run-of: '{{workflow.name}}', status-then: '{{workflow.status}}'}
  templates:
  - name: main
    container:
      image: busybox
      command: [sh, -c, 'test -d /gate']
      volumeMounts: [{name: gate, mountPath: /gate}]
`;

const ARGUMENTS = `
  arguments:
    parameters:
    - {name: gate, value: /srv/gate}
    - {name: team, value: blue}
    - {name: zone, value: eu-1}
`;

/** Runs the manifest and returns the finished workflow with the one pod it made. */
async function runCapturingPod(
  manifest: string,
  objects: NonNullable<Parameters<typeof runWorkflow>[1]>['objects'] = [],
): Promise<{ wf: Workflow; pod: Pod }> {
  const pods: Pod[] = [];
  const { wf } = await runWorkflow(manifest, {
    objects,
    behaviour: (_tmpl, pod) => {
      pods.push(pod);
      return {};
    },
  });
  expect(pods).toHaveLength(1);
  return { wf, pod: pods[0] };
}

function expectSubstituted(pod: Pod, wfName: string): void {
  expect(pod.spec.volumes).toContainEqual({
    name: 'gate',
    hostPath: { path: '/srv/gate', type: 'Directory' },
  });
  expect(pod.metadata.labels?.team).toBe('blue');
  expect(pod.metadata.annotations?.['run-of']).toBe(wfName);
  // workflow.status is a runtime value: not known when the spec is set up, so kept as written.
  expect(pod.metadata.annotations?.['status-then']).toBe('{{workflow.status}}');
  expect(pod.spec.nodeSelector).toEqual({ zone: 'eu-1' });
  expect(pod.spec.serviceAccountName).toBe('blue-runner');
}

describe('global variables in the workflow spec', () => {
  it('reach the pod of a workflow: hostPath volume, podMetadata, nodeSelector, service account', async () => {
    const { wf, pod } = await runCapturingPod(`
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: spec-globals}
spec:${ARGUMENTS}${SPEC}`);
    expect(wf.status?.phase).toBe('Succeeded');
    expectSubstituted(pod, 'spec-globals');
    // What the user submitted stays as written.
    expect(wf.spec.volumes?.[0].hostPath?.path).toBe('{{workflow.parameters.gate}}');
  });

  it('reach the pod of a workflow that runs a WorkflowTemplate with the workflow’s arguments', async () => {
    const template = parse(`
apiVersion: argoproj.io/v1alpha1
kind: WorkflowTemplate
metadata: {name: gated, namespace: default}
spec:${SPEC}`) as WorkflowTemplate;
    const { wf, pod } = await runCapturingPod(
      `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: spec-globals-ref}
spec:
  workflowTemplateRef: {name: gated}${ARGUMENTS}`,
      [{ kind: 'WorkflowTemplate', obj: template }],
    );
    expect(wf.status?.phase).toBe('Succeeded');
    expectSubstituted(pod, 'spec-globals-ref');
  });

  it('reach the claim made for a volumeClaimTemplate', async () => {
    const { wf, store } = await runWorkflow(
      `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: spec-globals-claim}
spec:
  entrypoint: main
  arguments: {parameters: [{name: class, value: fast}, {name: team, value: blue}]}
  volumeClaimTemplates:
  - metadata: {name: work, labels: {team: '{{workflow.parameters.team}}'}}
    spec: {accessModes: [ReadWriteOnce], storageClassName: '{{workflow.parameters.class}}', resources: {requests: {storage: 1Gi}}}
  templates:
  - name: main
    container: {image: busybox, volumeMounts: [{name: work, mountPath: /work}]}
`,
      // A failed workflow keeps its claim (volumeClaimGC OnWorkflowSuccess), so it can be read.
      { behaviour: () => ({ exitCode: 1 }) },
    );
    expect(wf.status?.message).toBe('main: Error (exit code 1)');
    const claim = await store.get<PersistentVolumeClaim & KubeObject>(
      'PersistentVolumeClaim',
      'default',
      'spec-globals-claim-work',
    );
    expect(claim?.metadata.labels?.team).toBe('blue');
    expect(claim?.spec).toEqual({
      accessModes: ['ReadWriteOnce'],
      storageClassName: 'fast',
      resources: { requests: { storage: '1Gi' } },
    });
  });

  it('fail the workflow with one line naming a malformed tag', async () => {
    const { wf } = await runWorkflow(`
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: spec-globals-bad}
spec:
  entrypoint: main
  volumes:
  - name: gate
    hostPath: {path: '{{workflow.parameters.gate'}
  templates:
  - name: main
    container: {image: busybox}
`);
    expect(wf.status?.phase).toBe('Error');
    expect(wf.status?.message).toMatch(
      /^failed to substitute global variables in the spec: Cannot find end tag="}}"/,
    );
  });
});
