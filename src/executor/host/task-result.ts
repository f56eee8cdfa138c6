// Handing a node's outputs to the controller: a WorkflowTaskResult named after the node, as
// argoexec's wait container writes it, marked complete (report-outputs-completed) in one write.
import type { Outputs } from '../../model/template.js';
import type { WorkflowTaskResult } from '../../model/workflow.js';
import type { ResourceStore } from '../../store/types.js';
import { LABEL_REPORT_OUTPUTS_COMPLETED, LABEL_WORKFLOW } from '../pod-contract.js';

export interface TaskResultOwner {
  namespace: string;
  nodeId: string;
  workflow: string;
  workflowUid?: string;
}

export async function writeTaskResult(
  store: ResourceStore,
  owner: TaskResultOwner,
  outputs: Outputs,
): Promise<void> {
  const labels = { [LABEL_WORKFLOW]: owner.workflow, [LABEL_REPORT_OUTPUTS_COMPLETED]: 'true' };
  const result: WorkflowTaskResult = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'WorkflowTaskResult',
    metadata: { name: owner.nodeId, namespace: owner.namespace, labels },
    outputs,
  };
  if (owner.workflow && owner.workflowUid) {
    result.metadata.ownerReferences = [
      { apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', name: owner.workflow, uid: owner.workflowUid },
    ];
  }
  try {
    await store.create('WorkflowTaskResult', result);
  } catch (err) {
    if ((err as { code?: number }).code !== 409) throw err;
    // A result from an earlier run of this pod (before a restart): its outputs are replaced.
    const clear = { parameters: null, artifacts: null, result: null, exitCode: null };
    await store.patch('WorkflowTaskResult', owner.namespace, owner.nodeId, {
      metadata: { labels },
      outputs: { ...clear, ...outputs },
    });
  }
}
