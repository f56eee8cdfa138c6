// Small facts about workflows that several printers show.
import { isActiveSuspendNode } from '../../model/node-types.js';
import type { Parameter } from '../../model/template.js';
import type { Workflow, WorkflowSpec } from '../../model/workflow.js';
import { isZeroTime } from '../../workflow/humanize.js';

export function isWorkflowSuspended(wf: Workflow): boolean {
  if (wf.spec?.suspend === true) return true;
  return Object.values(wf.status?.nodes ?? {}).some(isActiveSuspendNode);
}

/** The STATUS column and `Status:` line: the phase, refined for suspended, terminated and unknown workflows. */
export function workflowStatusText(wf: Workflow): string {
  const phase = wf.status?.phase ?? '';
  switch (phase) {
    case 'Running':
      return isWorkflowSuspended(wf) ? 'Running (Suspended)' : phase;
    case 'Failed':
      return wf.spec?.shutdown ? 'Failed (Terminated)' : phase;
    case '':
    case 'Pending':
      return isZeroTime(wf.metadata.creationTimestamp) ? 'Unknown' : 'Pending';
    default:
      return phase;
  }
}

/** The spec the workflow runs with: the stored copy of its template's spec when it has one. */
export function execSpec(wf: Workflow): WorkflowSpec {
  return wf.status?.storedWorkflowTemplateSpec ?? wf.spec ?? {};
}

/** A parameter's value or, failing that, its default (Parameter.GetValue). */
export function parameterValue(p: Parameter): string {
  return p.value ?? p.default ?? '';
}

/** Whether the parameter has a value, a default or a source (Parameter.HasValue). */
export function parameterHasValue(p: Parameter): boolean {
  return p.value !== undefined || p.default !== undefined || p.valueFrom !== undefined;
}

/** Left-justifies `label` in `width` code points, a space, the value: Go's "%-20s %v\n". */
export function labelLine(label: string, value: string | number | boolean, width = 20): string {
  let length = 0;
  for (const _ of label) length++;
  return `${label}${' '.repeat(Math.max(0, width - length))} ${String(value)}\n`;
}
