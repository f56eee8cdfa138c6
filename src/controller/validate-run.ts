// The checks the controller makes before running a workflow; a failure fails the workflow with
// "invalid spec: <reason>" as Argo's controller does.
import type { Workflow } from '../model/workflow.js';
import type { TemplateGetters } from '../workflow/template-context.js';
import { validateWorkflow } from '../workflow/validate/index.js';

export function validateForRun(wf: Workflow, getters: TemplateGetters): string | undefined {
  const problems = validateWorkflow(wf, {
    getTemplate: (kind, name) =>
      kind === 'ClusterWorkflowTemplate'
        ? getters.getClusterWorkflowTemplate(name)
        : getters.getWorkflowTemplate(name),
  });
  return problems[0]?.message;
}
