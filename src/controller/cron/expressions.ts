// A CronWorkflow's `when` and `stopStrategy.expression`, with the cronworkflow.* variables Argo
// gives them: name, namespace, labels, annotations (and their .json forms), the failed and
// succeeded counts of its workflows, and lastScheduledTime (nil before the first run).
import type { CronWorkflow } from '../../model/workflow.js';
import { evaluateBool, goJsonMarshal } from '../../workflow/expr/index.js';
import { renderTemplate } from '../../workflow/template-string.js';
import { evaluateCronWhen } from '../../workflow/when.js';

function cronFields(cron: CronWorkflow): Record<string, unknown> {
  const last = cron.status?.lastScheduledTime;
  return {
    name: cron.metadata.name ?? '',
    namespace: cron.metadata.namespace ?? '',
    labels: cron.metadata.labels ?? {},
    annotations: cron.metadata.annotations ?? {},
    failed: cron.status?.failed ?? 0,
    succeeded: cron.status?.succeeded ?? 0,
    'labels.json': goJsonMarshal(cron.metadata.labels ?? null),
    'annotations.json': goJsonMarshal(cron.metadata.annotations ?? null),
    lastScheduledTime: last ? new Date(last) : null,
  };
}

/**
 * Whether the cron workflow may run now: `when` after `{{...}}` substitution, evaluated by
 * govaluate. An empty `when` is true. Throws with the substitution's or evaluator's error.
 */
export function cronWhenAllows(cron: CronWorkflow): boolean {
  const when = cron.spec.when ?? '';
  if (when === '') return true;
  const vars: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(cronFields(cron))) vars[`cronworkflow.${k}`] = v;
  return evaluateCronWhen(renderTemplate(when, vars, { allowUnresolved: false }));
}

/** Whether `stopStrategy.expression` (expr-lang) says to stop scheduling; false without one. */
export function cronStopConditionMet(cron: CronWorkflow): boolean {
  if (!cron.spec.stopStrategy) return false;
  try {
    return evaluateBool(cron.spec.stopStrategy.expression ?? '', { cronworkflow: cronFields(cron) });
  } catch (err) {
    throw new Error(`failed to evaluate stop expression: ${(err as Error).message}`);
  }
}
