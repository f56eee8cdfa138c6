// The workflows a CronWorkflow creates, named, labelled and owned as Argo's controller makes them.
import type { OwnerReference } from '../../model/meta.js';
import type { CronWorkflow, Workflow } from '../../model/workflow.js';
import { API_VERSION } from '../../model/workflow.js';
import { formatLayout, GoTime, LOCAL, type Zone } from '../../workflow/expr/time.js';

export const LABEL_CRON_WORKFLOW = 'workflows.argoproj.io/cron-workflow';
export const ANNOTATION_SCHEDULED_TIME = 'workflows.argoproj.io/scheduled-time';
export const LABEL_CRON_COMPLETED = 'cronworkflows.argoproj.io/completed';
export const ANNOTATION_LAST_USED_SCHEDULE = 'cronworkflows.argoproj.io/last-used-schedule';
export const LABEL_BACKFILL = 'workflows.argoproj.io/backfill';
const LABEL_INSTANCE_ID = 'workflows.argoproj.io/controller-instanceid';

/** Labels of a CronWorkflow that its workflows carry too (who created it). */
const PROPAGATED_LABELS = [
  'workflows.argoproj.io/creator',
  'workflows.argoproj.io/creator-email',
  'workflows.argoproj.io/creator-preferred-username',
];

const RFC3339 = '2006-01-02T15:04:05Z07:00';

/** `<cron>-<unix seconds of the scheduled time>`: one name per scheduled time, so a run is never made twice. */
export function childWorkflowName(cronName: string, scheduled: Date): string {
  return `${cronName}-${Math.floor(scheduled.getTime() / 1000)}`;
}

/** Go's RFC3339 in the controller's zone (an IANA name; undefined: this process's zone). */
export function formatScheduledTime(t: Date, zone?: string): string {
  const z: Zone =
    zone === undefined ? LOCAL : zone === 'UTC' ? { kind: 'utc' } : { kind: 'iana', name: zone };
  return formatLayout(new GoTime(t.getTime(), 0, z), RFC3339);
}

/** The controller reference that makes the cron workflow the owner of what it creates. */
export function cronOwnerReference(cron: CronWorkflow): OwnerReference {
  return {
    apiVersion: API_VERSION,
    kind: 'CronWorkflow',
    name: cron.metadata.name ?? '',
    uid: cron.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** The controller's workflow for one scheduled time. */
export function workflowForRun(cron: CronWorkflow, scheduled: Date, zone?: string): Workflow {
  const labels: Record<string, string> = {};
  for (const k of PROPAGATED_LABELS) {
    const v = cron.metadata.labels?.[k];
    if (v !== undefined) labels[k] = v;
  }
  return toWorkflow(cron, {
    name: childWorkflowName(cron.metadata.name ?? '', scheduled),
    labels,
    annotations: { [ANNOTATION_SCHEDULED_TIME]: formatScheduledTime(scheduled, zone) },
  });
}

/** A workflow for the cron workflow with a generated name, scheduled "now" (what backfills start from). */
export function workflowFromCronNow(cron: CronWorkflow, now: Date, zone?: string): Workflow {
  return toWorkflow(cron, {
    generateName: `${cron.metadata.name ?? ''}-`,
    labels: {},
    annotations: { [ANNOTATION_SCHEDULED_TIME]: formatScheduledTime(now, zone) },
  });
}

function toWorkflow(
  cron: CronWorkflow,
  meta: {
    name?: string;
    generateName?: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
  },
): Workflow {
  const wf: Workflow = {
    apiVersion: cron.apiVersion ?? API_VERSION,
    kind: 'Workflow',
    metadata: { ...meta, namespace: cron.metadata.namespace },
    spec: structuredClone(cron.spec.workflowSpec ?? {}),
  };
  const labels = wf.metadata.labels!;
  const instanceId = cron.metadata.labels?.[LABEL_INSTANCE_ID];
  if (instanceId !== undefined) labels[LABEL_INSTANCE_ID] = instanceId;
  labels[LABEL_CRON_WORKFLOW] = cron.metadata.name ?? '';
  const wm = cron.spec.workflowMetadata;
  if (wm) {
    Object.assign(labels, wm.labels ?? {});
    Object.assign(wf.metadata.annotations!, wm.annotations ?? {});
    if (wm.finalizers?.length) wf.metadata.finalizers = [...wm.finalizers];
  }
  wf.metadata.ownerReferences = [cronOwnerReference(cron)];
  return wf;
}
