// Node and workflow phase predicates, named as Argo names them.
import type { NodePhase, NodeStatus, WorkflowPhase } from '../model/workflow.js';

/** Succeeded, Failed, Error, Skipped or Omitted: the node will not change again. */
export function phaseFulfilled(phase: NodePhase | undefined): boolean {
  return (
    phase === 'Succeeded' ||
    phase === 'Failed' ||
    phase === 'Error' ||
    phase === 'Skipped' ||
    phase === 'Omitted'
  );
}

/**
 * Fulfilled, and for pod nodes, their outputs have been reported. A daemoned
 * node counts as fulfilled once it runs: its siblings must not wait for a
 * server that only stops when the scope that started it ends.
 */
export function nodeFulfilled(node: NodeStatus): boolean {
  if (node.daemoned === true && node.phase !== undefined && node.phase !== 'Pending') return true;
  if (node.taskResultSynced === false) return false;
  return phaseFulfilled(node.phase);
}

export function phaseCompleted(phase: NodePhase | undefined): boolean {
  return phase === 'Succeeded' || phase === 'Failed' || phase === 'Error';
}

export function phaseFailedOrError(phase: NodePhase | undefined): boolean {
  return phase === 'Failed' || phase === 'Error';
}

export function isDaemoned(node: NodeStatus): boolean {
  return node.daemoned === true;
}

export function workflowPhaseCompleted(phase: WorkflowPhase | undefined): boolean {
  return phase === 'Succeeded' || phase === 'Failed' || phase === 'Error';
}

/** RFC3339 with second precision and a Z, as Kubernetes serialises metav1.Time. */
export function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
