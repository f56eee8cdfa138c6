// `argo template get` and `argo cluster-template get`.
import type { ClusterWorkflowTemplate, WorkflowTemplate } from '../../model/workflow.js';
import { humanizeTimestamp } from '../../workflow/humanize.js';
import { formatResource } from './serialize.js';
import { labelLine } from './workflow-status.js';

export type TemplateGetOutput = '' | 'wide' | 'name' | 'json' | 'yaml';

export interface PrintTemplateOptions {
  output?: TemplateGetOutput;
  now: Date;
}

/** Everything `argo template get` prints for one template. */
export function printWorkflowTemplate(template: WorkflowTemplate, options: PrintTemplateOptions): string {
  return formatResource(
    template,
    options.output,
    'WorkflowTemplate',
    () =>
      labelLine('Name:', template.metadata.name ?? '') +
      labelLine('Namespace:', template.metadata.namespace ?? '') +
      labelLine('Created:', humanizeTimestamp(template.metadata.creationTimestamp, options.now)),
  );
}

/** Everything `argo cluster-template get` prints for one cluster template. */
export function printClusterWorkflowTemplate(
  template: ClusterWorkflowTemplate,
  options: PrintTemplateOptions,
): string {
  return formatResource(
    template,
    options.output,
    'ClusterWorkflowTemplate',
    () =>
      labelLine('Name:', template.metadata.name ?? '') +
      labelLine('Created:', humanizeTimestamp(template.metadata.creationTimestamp, options.now)),
  );
}
