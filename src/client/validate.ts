// Admission checks every backend makes before storing a workflow or template, as the Argo Server
// and the Go CLI validate on create.
import type { ClusterWorkflowTemplate, CronWorkflow, Workflow, WorkflowTemplate } from '../model/workflow.js';
import {
  validateClusterWorkflowTemplate,
  validateCronWorkflow,
  validateWorkflow,
  validateWorkflowTemplate,
  type ValidateContext,
} from '../workflow/validate/index.js';
import { ArgoError } from './types.js';

/** The templates references may resolve to, fetched up front (validation itself is synchronous). */
export interface TemplateSnapshot {
  workflowTemplates: WorkflowTemplate[];
  clusterWorkflowTemplates: ClusterWorkflowTemplate[];
}

function context(snapshot: TemplateSnapshot, opts: { lint?: boolean; submit?: boolean }): ValidateContext {
  const wft = new Map(snapshot.workflowTemplates.map((t) => [t.metadata.name ?? '', t]));
  const cwft = new Map(snapshot.clusterWorkflowTemplates.map((t) => [t.metadata.name ?? '', t]));
  return {
    getTemplate: (kind, name) => (kind === 'ClusterWorkflowTemplate' ? cwft.get(name) : wft.get(name)),
    lint: opts.lint,
    submit: opts.submit,
  };
}

export type Validatable = Workflow | WorkflowTemplate | ClusterWorkflowTemplate | CronWorkflow;

export type AdmitKind = 'Workflow' | 'WorkflowTemplate' | 'ClusterWorkflowTemplate' | 'CronWorkflow';

/** Throws a 400 ArgoError with Argo's message when the object would not be admitted. */
export function admit(
  kind: AdmitKind,
  obj: Validatable,
  snapshot: TemplateSnapshot,
  opts: { lint?: boolean; submit?: boolean } = {},
): void {
  const ctx = context(snapshot, opts);
  let problems;
  switch (kind) {
    case 'Workflow':
      problems = validateWorkflow(obj as Workflow, ctx);
      break;
    case 'WorkflowTemplate':
      problems = validateWorkflowTemplate(obj as WorkflowTemplate, ctx);
      break;
    case 'ClusterWorkflowTemplate':
      problems = validateClusterWorkflowTemplate(obj as ClusterWorkflowTemplate, ctx);
      break;
    default:
      problems = validateCronWorkflow(obj as CronWorkflow, ctx);
  }
  if (problems.length > 0) throw new ArgoError(problems[0].message, 400);
}
