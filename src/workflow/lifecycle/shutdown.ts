// `argo stop` and `argo terminate`: spec.shutdown tells the controller to wind the workflow down,
// running exit handlers (Stop) or not (Terminate). Stop with a node selector fails suspend nodes.
import type { Workflow } from '../../model/workflow.js';
import { workflowPhaseCompleted } from '../phase.js';
import { actorPatchLabels, type ActionType, type Actor } from './actor.js';
import { LifecycleError } from './errors.js';
import { updateSuspendedNodes } from './suspended-nodes.js';

export type ShutdownStrategy = 'Stop' | 'Terminate';

function shutdown(wf: Workflow, strategy: ShutdownStrategy, actor: Actor | undefined): Workflow {
  if (workflowPhaseCompleted(wf.status?.phase)) {
    throw new LifecycleError(
      `cannot shutdown a completed workflow: workflow: ${JSON.stringify(wf.metadata.name ?? '')}, namespace: ${JSON.stringify(wf.metadata.namespace ?? '')}`,
    );
  }
  const next = structuredClone(wf);
  next.spec.shutdown = strategy;
  const labels = actorPatchLabels(strategy as ActionType, actor);
  if (labels) next.metadata.labels = { ...(next.metadata.labels ?? {}), ...labels };
  return next;
}

export interface StopOptions {
  /** Fail only the suspend nodes this selects instead of stopping the workflow. */
  nodeFieldSelector?: string;
  /** Message for the failed suspend nodes (used with nodeFieldSelector only, as in Argo). */
  message?: string;
  actor?: Actor;
}

export function stopWorkflow(wf: Workflow, opts: StopOptions = {}, now: Date = new Date()): Workflow {
  if (opts.nodeFieldSelector) {
    return updateSuspendedNodes(
      wf,
      opts.nodeFieldSelector,
      { phase: 'Failed', message: opts.message },
      'Stop',
      now,
      opts.actor,
    );
  }
  return shutdown(wf, 'Stop', opts.actor);
}

export function terminateWorkflow(wf: Workflow, opts: { actor?: Actor } = {}): Workflow {
  return shutdown(wf, 'Terminate', opts.actor);
}
