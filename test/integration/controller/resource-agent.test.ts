// The controller's resource agent over the local engine's API (a store served on loopback): a step
// records the object it acted on in the node's WorkflowTaskResult, and a step started again (a new
// controller) waits on that object instead of acting a second time.
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
async function runStep(nodeId: string): Promise<NodeResult> {
  let woken!: () => void;
  const done = new Promise<void>((resolve) => (woken = resolve));
  const agent = new ResourceAgent({ api: api.client, store, onDone: () => woken(), intervalMs: 50 });
  agent.start(wf, nodeId, createCm);
  await done;
  return agent.result(wf, nodeId)!;
}

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
});
