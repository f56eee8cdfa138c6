// `-p NAME=VALUE` on retry and resubmit: replaces workflow arguments, also in the spec stored from a
// workflow template, so the controller sees the new values.
import type { Workflow } from '../../model/workflow.js';
import { applySubmitOpts, SubmitOptsError } from '../submit-opts.js';
import { LifecycleError } from './errors.js';

export function overrideParameters(wf: Workflow, parameters: string[] | undefined): void {
  if (!parameters || parameters.length === 0) return;
  try {
    applySubmitOpts(wf, { parameters });
  } catch (err) {
    if (err instanceof SubmitOptsError) throw new LifecycleError(err.message);
    throw err;
  }
  const stored = wf.status?.storedWorkflowTemplateSpec;
  if (stored) {
    stored.arguments = {
      ...(stored.arguments ?? {}),
      parameters: structuredClone(wf.spec.arguments?.parameters ?? []),
    };
  }
}
