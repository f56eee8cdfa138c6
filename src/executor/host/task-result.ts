// Handing a node's outputs to the controller: a WorkflowTaskResult named after the node, as
// argoexec's wait container writes it. The host runtime writes it marked complete
// (report-outputs-completed) in one write; argoexec creates it first and completes it last.
// A write the store refuses for a reason that may pass (busy, a conflict) is tried again, as the
// wait container retries its result, so a step's outputs are not lost to a moment's contention.
import type { Outputs } from '../../model/template.js';
import type { WorkflowTaskResult } from '../../model/workflow.js';
import type { ResourceStore } from '../../store/types.js';
import { retryTransient, type Backoff, type RetryHooks } from '../transient-retry.js';
import { LABEL_REPORT_OUTPUTS_COMPLETED, LABEL_WORKFLOW } from '../pod-contract.js';

export const LABEL_CONTROLLER_INSTANCE_ID = 'workflows.argoproj.io/controller-instanceid';

export interface TaskResultOwner {
  namespace: string;
  nodeId: string;
  workflow: string;
  workflowUid?: string;
  instanceId?: string;
}

export function taskResultLabels(owner: TaskResultOwner, completed: boolean): Record<string, string> {
  const labels: Record<string, string> = {
    [LABEL_WORKFLOW]: owner.workflow,
    [LABEL_REPORT_OUTPUTS_COMPLETED]: String(completed),
  };
  if (owner.instanceId) labels[LABEL_CONTROLLER_INSTANCE_ID] = owner.instanceId;
  return labels;
}

export function newTaskResult(
  owner: TaskResultOwner,
  outputs: Outputs | undefined,
  completed: boolean,
): WorkflowTaskResult {
  const result: WorkflowTaskResult = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'WorkflowTaskResult',
    metadata: { name: owner.nodeId, namespace: owner.namespace, labels: taskResultLabels(owner, completed) },
  };
  if (outputs) result.outputs = outputs;
  if (owner.workflow && owner.workflowUid) {
    result.metadata.ownerReferences = [
      { apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', name: owner.workflow, uid: owner.workflowUid },
    ];
  }
  return result;
}

/**
 * Upstream's wait container pauses 1s, doubling to at most 30s, with 20% jitter, and tries until it
 * is killed. Here nothing would kill it, so tries stop after a deadline and the node fails saying so.
 */
export const TASK_RESULT_BACKOFF: Backoff = {
  firstDelayMs: 1000,
  factor: 2,
  maxDelayMs: 30_000,
  jitter: 0.2,
  attempts: Infinity,
  deadlineMs: 5 * 60_000,
};

/** Writes the result, trying a transient refusal again as `backoff` allows (see retryTransient). */
export function writeTaskResult(
  store: ResourceStore,
  owner: TaskResultOwner,
  outputs: Outputs,
  backoff: Backoff = TASK_RESULT_BACKOFF,
  hooks: RetryHooks = {},
): Promise<void> {
  return retryTransient(() => upsertTaskResult(store, owner, outputs), backoff, hooks);
}

async function upsertTaskResult(
  store: ResourceStore,
  owner: TaskResultOwner,
  outputs: Outputs,
): Promise<void> {
  try {
    await store.create('WorkflowTaskResult', newTaskResult(owner, outputs, true));
  } catch (err) {
    // 409 Conflict is a write that met another, tried again whole; AlreadyExists is an earlier result.
    const { code, reason } = err as { code?: number; reason?: string };
    if (code !== 409 || reason === 'Conflict') throw err;
    // A result from an earlier run of this pod (before a restart): its outputs are replaced.
    const clear = { parameters: null, artifacts: null, result: null, exitCode: null };
    await store.patch('WorkflowTaskResult', owner.namespace, owner.nodeId, {
      metadata: { labels: taskResultLabels(owner, true) },
      outputs: { ...clear, ...outputs },
    });
  }
}
