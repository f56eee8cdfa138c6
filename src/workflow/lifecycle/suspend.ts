// `argo suspend` and `argo resume`: spec.suspend, and resuming the workflow's suspend nodes.
import { isActiveSuspendNode } from '../../model/node-types.js';
import type { Workflow } from '../../model/workflow.js';
import { rfc3339 } from '../phase.js';
import { labelActor, resumedByMessage, type Actor } from './actor.js';
import { badRequest } from './errors.js';
import { outputParametersWithDefaults, updateSuspendedNodes } from './suspended-nodes.js';

export const LABEL_COMPLETED = 'workflows.argoproj.io/completed';

/** Completed as Argo's API sees it: the controller has labelled it so. */
export function isWorkflowCompleted(wf: Workflow): boolean {
  return wf.metadata.labels?.[LABEL_COMPLETED] === 'true';
}

/** Sets spec.suspend, so the controller schedules nothing new. A no-op when already suspended. */
export function suspendWorkflow(wf: Workflow, opts: { actor?: Actor } = {}): Workflow {
  if (isWorkflowCompleted(wf)) throw badRequest('cannot suspend completed workflows');
  if (wf.spec.suspend === true) return wf;
  const next = structuredClone(wf);
  next.spec.suspend = true;
  labelActor(next, 'Suspend', opts.actor);
  return next;
}

export interface ResumeOptions {
  /** Resume only the suspend nodes this selects; the workflow's own spec.suspend is left alone. */
  nodeFieldSelector?: string;
  actor?: Actor;
}

/**
 * Clears spec.suspend and marks every waiting suspend node Succeeded (supplied outputs take their
 * defaults). With a node field selector only the selected suspend nodes are resumed.
 */
export function resumeWorkflow(wf: Workflow, opts: ResumeOptions = {}, now: Date = new Date()): Workflow {
  let message = resumedByMessage(opts.actor);
  if (opts.nodeFieldSelector) {
    return updateSuspendedNodes(
      wf,
      opts.nodeFieldSelector,
      { phase: 'Succeeded', message },
      'Resume',
      now,
      opts.actor,
    );
  }
  const next = structuredClone(wf);
  let updated = false;
  if (next.spec.suspend === true) {
    delete next.spec.suspend;
    updated = true;
  }
  for (const node of Object.values(next.status?.nodes ?? {})) {
    if (!isActiveSuspendNode(node)) continue;
    outputParametersWithDefaults(node.outputs);
    node.phase = 'Succeeded';
    // Argo carries the message over from node to node here, so earlier nodes' messages pile up.
    if (node.message) message = `${node.message}; ${message}`;
    if (message) node.message = message;
    else delete node.message;
    node.finishedAt = rfc3339(now);
    updated = true;
  }
  if (!updated) return wf;
  labelActor(next, 'Resume', opts.actor);
  return next;
}
