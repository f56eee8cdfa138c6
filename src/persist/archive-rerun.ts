// `argo archive retry` and `argo archive resubmit`: the workflow to create from an archived one, the
// same for the Argo Server's routes and the local backend. A retry re-creates the workflow under its
// own name (so it must not exist live) with its completed nodes kept; a resubmit starts a new one.
import type { ArchiveResubmitOpts, ArchiveRetryOpts } from '../model/service.js';
import type { Workflow } from '../model/workflow.js';
import { formulateResubmitWorkflow, formulateRetryWorkflow } from '../workflow/lifecycle/index.js';

export const RETRY_LIVE_EXISTS = 'Workflow already exists on cluster, use argo retry {name} instead';

/** The workflow a resubmit of the archived `wf` creates. */
export function resubmitFromArchive(wf: Workflow, opts: ArchiveResubmitOpts, now: Date): Workflow {
  return formulateResubmitWorkflow(
    wf,
    { memoized: opts.memoized, parameters: opts.parameters, actor: opts.actor },
    now,
  );
}

/** The workflow a retry of the archived `wf` creates: a new object (no uid or version of the record's). */
export function retryFromArchive(wf: Workflow, opts: ArchiveRetryOpts, now: Date): Workflow {
  const { workflow } = formulateRetryWorkflow(
    wf,
    {
      restartSuccessful: opts.restartSuccessful,
      nodeFieldSelector: opts.nodeFieldSelector,
      parameters: opts.parameters,
      actor: opts.actor,
    },
    now,
  );
  delete workflow.metadata.resourceVersion;
  delete workflow.metadata.uid;
  // The new workflow stores the templates it runs again, as upstream's retry leaves it to.
  if (workflow.status) delete workflow.status.storedTemplates;
  return workflow;
}
