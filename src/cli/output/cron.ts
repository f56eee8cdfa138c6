// `argo cron get`.
import type { CronWorkflow } from '../../model/workflow.js';
import { humanizeTimestamp, type TimeLike } from '../../workflow/humanize.js';
import { cronSchedulesText } from './list.js';
import { formatResource } from './serialize.js';
import { labelLine, parameterHasValue, parameterValue } from './workflow-status.js';

export type CronGetOutput = '' | 'wide' | 'name' | 'json' | 'yaml';

export interface PrintCronWorkflowOptions {
  output?: CronGetOutput;
  now: Date;
  /** The next scheduled run, or undefined when it cannot be computed (the line is then left out). */
  nextRun?: (cron: CronWorkflow) => TimeLike | undefined;
}

const WIDTH = 30;

function details(cron: CronWorkflow, options: PrintCronWorkflowOptions): string {
  const spec = cron.spec;
  const status = cron.status ?? {};
  let out = labelLine('Name:', cron.metadata.name ?? '', WIDTH);
  out += labelLine('Namespace:', cron.metadata.namespace ?? '', WIDTH);
  out += labelLine('Created:', humanizeTimestamp(cron.metadata.creationTimestamp, options.now), WIDTH);
  out += labelLine('Schedules:', cronSchedulesText(cron), WIDTH);
  out += labelLine('Suspended:', spec.suspend === true, WIDTH);
  if (spec.timezone) out += labelLine('Timezone:', spec.timezone, WIDTH);
  if (spec.startingDeadlineSeconds !== undefined) {
    out += labelLine('StartingDeadlineSeconds:', spec.startingDeadlineSeconds, WIDTH);
  }
  if (spec.concurrencyPolicy) out += labelLine('ConcurrencyPolicy:', spec.concurrencyPolicy, WIDTH);
  if (status.lastScheduledTime) {
    out += labelLine('LastScheduledTime:', humanizeTimestamp(status.lastScheduledTime, options.now), WIDTH);
  }
  const next = options.nextRun?.(cron);
  if (next !== undefined) {
    const text = `${humanizeTimestamp(next, options.now)} (assumes workflow-controller is in UTC)`;
    out += labelLine('NextScheduledTime:', text, WIDTH);
  }
  const active = status.active ?? [];
  if (active.length > 0)
    out += labelLine('Active Workflows:', active.map((a) => a.name ?? '').join(', '), WIDTH);
  const conditions = status.conditions ?? [];
  if (conditions.length > 0) {
    out += labelLine('Conditions:', '', WIDTH);
    for (const c of conditions) {
      // Only submission errors have a mark here, and upstream prints it without colour.
      const mark = c.type === 'SubmissionError' ? '✖' : '';
      out += labelLine(`${mark} ${c.type ?? ''}`, c.message || (c.status ?? ''), WIDTH);
    }
  }
  const params = spec.workflowSpec?.arguments?.parameters ?? [];
  if (params.length > 0) {
    out += labelLine('Workflow Parameters:', '', WIDTH);
    for (const p of params)
      if (parameterHasValue(p)) out += labelLine(`  ${p.name}:`, parameterValue(p), WIDTH);
  }
  return out;
}

/** Everything `argo cron get` prints for one cron workflow. */
export function printCronWorkflow(cron: CronWorkflow, options: PrintCronWorkflowOptions): string {
  return formatResource(cron, options.output, 'CronWorkflow', () => details(cron, options));
}
