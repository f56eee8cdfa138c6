// The controller's resource agent over the local engine's API (a store served on loopback): a step
// records the object it acted on in the node's WorkflowTaskResult, and a step started again (a new
// controller) waits on that object instead of acting a second time. A success condition on the
// status of a kind no controller of the engine writes fails the step at once, saying so.
import { afterAll, describe, expect, it } from 'vitest';
import { LocalResourceApi } from '../../../src/client/local/resource-api.js';
import type { NodeResult } from '../../../src/controller/node-results.js';
import { ANNOTATION_ACTED_ON, ResourceAgent } from '../../../src/controller/resource-agent.js';
import type { ConfigMap } from '../../../src/model/meta.js';
import type { Template } from '../../../src/model/template.js';
import type { Workflow, WorkflowTaskResult } from '../../../src/model/workflow.js';
import { MemoryStore } from '../../helpers/memory-store.js';

const store = new MemoryStore();
const api = new LocalResourceApi(store);
afterAll(() => api.close());

const wf: Workflow = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Workflow',
  metadata: { name: 'owner', namespace: 'argo', uid: 'uid-1' },
  spec: {},
};

const createCm: Template = {
  name: 'make',
  resource: {
    action: 'create',
    successCondition: 'data.ready == yes',
    manifest: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: made\ndata:\n  ready: "yes"\n',
  },
  outputs: { parameters: [{ name: 'uid', valueFrom: { jsonPath: '{.metadata.uid}' } }] },
};

/** Runs the node's step on a fresh agent (a fresh controller) and waits for its result. */
async function runStep(nodeId: string, tmpl: Template = createCm): Promise<NodeResult> {
  let woken!: () => void;
  const done = new Promise<void>((resolve) => (woken = resolve));
  const agent = new ResourceAgent({ api: api.client, store, onDone: () => woken(), intervalMs: 50 });
  agent.start(wf, nodeId, tmpl);
  await done;
  return agent.result(wf, nodeId)!;
}

const deployment = (name: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  replicas: 1\n`;

describe('the resource agent', () => {
  it('acts, records the object in the task result, and reads outputs', async () => {
    const result = await runStep('owner-1');
    const cm = await store.get<ConfigMap>('ConfigMap', 'argo', 'made');
    expect(result).toEqual({
      phase: 'Succeeded',
      outputs: { parameters: [expect.objectContaining({ name: 'uid', value: cm!.metadata.uid })] },
    });
    const record = await store.get<WorkflowTaskResult>('WorkflowTaskResult', 'argo', 'owner-1');
    expect(JSON.parse(record!.metadata.annotations![ANNOTATION_ACTED_ON])).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      namespace: 'argo',
      name: 'made',
    });
  });

  it('started again for the same node, does not create a second time', async () => {
    // A second create of "made" would fail with AlreadyExists; resumed, the step succeeds.
    expect(await runStep('owner-1')).toMatchObject({ phase: 'Succeeded' });
    // Another node has no record: its create is done, and refused as the API refuses it.
    const other = await runStep('owner-2');
    expect(other.phase).toBe('Failed');
    expect(other.message).toContain('(AlreadyExists)');
  });

  it('fails at once a success condition on the status of a kind whose controller the engine lacks, creating nothing', async () => {
    const result = await runStep('owner-3', {
      name: 'deploy',
      resource: {
        action: 'create',
        successCondition: 'status.availableReplicas > 0',
        manifest: deployment('web'),
      },
    });
    expect(result).toEqual({
      phase: 'Failed',
      message:
        "success condition 'status.availableReplicas>0' waits on the status of the Deployment (apps/v1) it " +
        "acts on, which only that kind's controller writes, and this engine runs none: the step would wait " +
        'forever; run this workflow on a cluster',
    });
    expect(await store.get('Deployment', 'argo', 'web')).toBeUndefined();
    // A Job (which the engine's API does not even serve) is refused the same way.
    const job = await runStep('owner-4', {
      name: 'job',
      resource: {
        action: 'create',
        successCondition: 'status.succeeded > 0',
        manifest: 'apiVersion: batch/v1\nkind: Job\nmetadata:\n  generateName: pi-\n',
      },
    });
    expect(job.message).toMatch(
      /^success condition 'status\.succeeded>0' waits on the status of the Job \(batch\/v1\) it acts on, /,
    );
  });

  it('refuses the wait on an object resource.flags name once the action has found its kind', async () => {
    await store.create('Deployment', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'api', namespace: 'argo' },
    });
    const result = await runStep('owner-5', {
      name: 'get',
      resource: {
        action: 'get',
        flags: ['deployment', 'api'],
        successCondition: 'status.readyReplicas in (1)',
      },
    });
    expect(result.phase).toBe('Failed');
    expect(result.message).toContain('waits on the status of the Deployment (apps/v1)');
  });

  it('still waits on what can change: a condition that holds without a status, or on a workflow the engine runs', async () => {
    const absent = await runStep('owner-6', {
      name: 'deploy',
      resource: { action: 'create', successCondition: '!status.conditions', manifest: deployment('quiet') },
    });
    expect(absent.phase).toBe('Succeeded');
    const child = await runStep('owner-7', {
      name: 'child',
      resource: {
        action: 'create',
        successCondition: 'status.phase == Running',
        failureCondition: 'metadata.name == child',
        manifest: 'apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata:\n  name: child\nspec: {}\n',
      },
    });
    // Judged on the object (its failure condition), not refused for its status.
    expect(child).toEqual({
      phase: 'Failed',
      message: "failure condition 'metadata.name=child' evaluated true",
    });
  });
});
