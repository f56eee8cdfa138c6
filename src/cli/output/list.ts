// `argo list`, `argo archive list`, `argo template list`, `argo cluster-template list` and
// `argo cron list` output.
import type { Parameter } from '../../model/template.js';
import type {
  ClusterWorkflowTemplate,
  CronWorkflow,
  NodeStatus,
  Workflow,
  WorkflowTemplate,
} from '../../model/workflow.js';
import { humanizeAge, humanizeShortDuration, timeMs, type TimeLike } from '../../workflow/humanize.js';
import { toJson, toYaml } from './serialize.js';
import { tabwrite } from './tabwriter.js';
import { workflowStatusText } from './workflow-status.js';

export type ListOutput = '' | 'wide' | 'name' | 'json' | 'yaml';

export interface PrintWorkflowListOptions {
  output?: ListOutput;
  noHeaders?: boolean;
  /** Adds a NAMESPACE column (--all-namespaces, and always for `archive list`). */
  namespace?: boolean;
  /** Adds a UID column (`archive list`). */
  uid?: boolean;
  now: Date;
}

/** Orders workflows as `argo list` does: running ones first, newest first; then by finish time, latest first. */
export function sortWorkflowsForList(workflows: readonly Workflow[]): Workflow[] {
  return [...workflows].sort((a, b) => {
    const aRunning = timeMs(a.status?.finishedAt) === timeMs(undefined);
    const bRunning = timeMs(b.status?.finishedAt) === timeMs(undefined);
    if (aRunning && bRunning)
      return timeMs(b.metadata.creationTimestamp) - timeMs(a.metadata.creationTimestamp);
    if (aRunning !== bRunning) return aRunning ? -1 : 1;
    return timeMs(b.status?.finishedAt) - timeMs(a.status?.finishedAt);
  });
}

// NodeStatus.Fulfilled: done (and its outputs reported), skipped, omitted, or a started daemon.
function podNodeFulfilled(node: NodeStatus): boolean {
  const synced = node.taskResultSynced !== false;
  const phase = node.phase;
  const done =
    phase === 'Succeeded' ||
    phase === 'Failed' ||
    phase === 'Error' ||
    phase === 'Skipped' ||
    phase === 'Omitted';
  return (done && synced) || (node.daemoned === true && phase !== 'Pending');
}

/** Pending/running/completed counts of a workflow's pod nodes: the P/R/C column. */
export function podNodeCounts(wf: Workflow): [number, number, number] {
  let pending = 0;
  let running = 0;
  let completed = 0;
  for (const node of Object.values(wf.status?.nodes ?? {})) {
    if (node.type !== 'Pod') continue;
    if (podNodeFulfilled(node)) completed++;
    else if (node.phase === 'Running') running++;
    else pending++;
  }
  return [pending, running, completed];
}

// Values longer than 50 bytes keep their first 32 and last 15 bytes around "...".
function truncateValue(value: string): string {
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length <= 50) return value;
  return `${bytes.subarray(0, 32).toString('utf8')}...${bytes.subarray(bytes.length - 15).toString('utf8')}`;
}

/** The PARAMETERS column: name=value for each parameter with a value. */
export function parametersText(params: readonly Parameter[] | undefined): string {
  return (params ?? [])
    .filter((p) => p.value !== undefined)
    .map((p) => `${p.name}=${truncateValue(String(p.value))}`)
    .join(',');
}

function costNudge(workflows: readonly Workflow[]): string {
  let completed = 0;
  let incomplete = 0;
  for (const wf of workflows) {
    const phase = wf.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed' || phase === 'Error') completed++;
    else incomplete++;
  }
  if (completed <= 100 && incomplete <= 100) return '';
  let out = '\nYou have at least ';
  if (incomplete > 100) out += `${incomplete} incomplete `;
  if (incomplete > 100 && completed > 100) out += 'and ';
  if (completed > 100) out += `${completed} completed `;
  out += 'workflows. Reducing the total number of workflows will reduce your costs.\n';
  out += 'Learn more at https://argo-workflows.readthedocs.io/en/latest/cost-optimisation/\n';
  return out;
}

function workflowTable(workflows: readonly Workflow[], options: PrintWorkflowListOptions): string {
  const wide = options.output === 'wide';
  let text = '';
  if (!options.noHeaders) {
    if (options.namespace) text += 'NAMESPACE\t';
    text += 'NAME\tSTATUS\tAGE\tDURATION\tPRIORITY\tMESSAGE';
    if (wide) text += '\tP/R/C\tPARAMETERS';
    if (options.uid) text += '\tUID';
    text += '\n';
  }
  for (const wf of workflows) {
    if (options.namespace) text += `${wf.metadata.namespace ?? ''}\t`;
    const cells = [
      wf.metadata.name ?? '',
      workflowStatusText(wf),
      humanizeAge(wf.metadata.creationTimestamp, options.now),
      humanizeShortDuration(wf.status?.startedAt, wf.status?.finishedAt, options.now),
      String(Math.trunc(wf.spec?.priority ?? 0)),
      wf.status?.message ?? '',
    ];
    if (wide) {
      cells.push(podNodeCounts(wf).join('/'), parametersText(wf.spec?.arguments?.parameters));
    }
    if (options.uid) cells.push(wf.metadata.uid ?? '');
    text += cells.join('\t') + '\n';
  }
  return tabwrite(text, { padding: 3 });
}

/** Everything `argo list` prints, ending with a newline. The caller sorts (see sortWorkflowsForList). */
export function printWorkflowList(workflows: readonly Workflow[], options: PrintWorkflowListOptions): string {
  const output = options.output ?? '';
  if (workflows.length === 0) return output === 'json' || output === 'yaml' ? '[]\n' : 'No workflows found\n';
  switch (output) {
    case 'name':
      return workflows.map((wf) => `${wf.metadata.name ?? ''}\n`).join('');
    case 'json':
      return `${toJson(workflows, { type: 'Workflow', indent: '  ' })}\n`;
    case 'yaml':
      return `${toYaml(workflows, { type: 'Workflow' })}\n`;
    default:
      return workflowTable(workflows, options) + costNudge(workflows);
  }
}

export type TemplateListOutput = '' | 'wide' | 'name';

function nameTable(
  items: readonly { metadata: { name?: string; namespace?: string } }[],
  namespace: boolean,
): string {
  let text = namespace ? 'NAMESPACE\tNAME\n' : 'NAME\n';
  for (const item of items) {
    if (namespace) text += `${item.metadata.namespace ?? ''}\t`;
    text += `${item.metadata.name ?? ''}\t\n`;
  }
  return tabwrite(text, { padding: 3 });
}

function names(items: readonly { metadata: { name?: string } }[]): string {
  return items.map((i) => `${i.metadata.name ?? ''}\n`).join('');
}

/** `argo template list`: NAME (and NAMESPACE with --all-namespaces), or names only. */
export function printTemplateList(
  templates: readonly WorkflowTemplate[],
  options: { output?: TemplateListOutput; allNamespaces?: boolean } = {},
): string {
  return options.output === 'name' ? names(templates) : nameTable(templates, options.allNamespaces === true);
}

/** `argo cluster-template list`. */
export function printClusterTemplateList(
  templates: readonly ClusterWorkflowTemplate[],
  options: { output?: TemplateListOutput } = {},
): string {
  return options.output === 'name' ? names(templates) : nameTable(templates, false);
}

export interface PrintCronListOptions {
  output?: TemplateListOutput;
  allNamespaces?: boolean;
  now: Date;
  /** The next time the cron workflow runs, or undefined when its schedule cannot be computed ("N/A"). */
  nextRun: (cron: CronWorkflow) => TimeLike | undefined;
}

/** The schedules of a cron workflow, comma-separated. */
export function cronSchedulesText(cron: CronWorkflow): string {
  const schedules = cron.spec.schedules ?? (cron.spec.schedule ? [cron.spec.schedule] : []);
  return schedules.join(',');
}

/** `argo cron list`. */
export function printCronWorkflowList(crons: readonly CronWorkflow[], options: PrintCronListOptions): string {
  if (options.output === 'name') return names(crons);
  let text = options.allNamespaces ? 'NAMESPACE\t' : '';
  text += 'NAME\tAGE\tLAST RUN\tNEXT RUN\tSCHEDULES\tTIMEZONE\tSUSPENDED\n';
  for (const cron of crons) {
    if (options.allNamespaces) text += `${cron.metadata.namespace ?? ''}\t`;
    const last = cron.status?.lastScheduledTime;
    const next = options.nextRun(cron);
    const cells = [
      cron.metadata.name ?? '',
      humanizeAge(cron.metadata.creationTimestamp, options.now),
      last ? humanizeShortDuration(last, options.now, options.now) : 'N/A',
      next === undefined ? 'N/A' : humanizeShortDuration(next, options.now, options.now),
      cronSchedulesText(cron),
      cron.spec.timezone ?? '',
      String(cron.spec.suspend === true),
    ];
    text += cells.join('\t') + '\n';
  }
  return tabwrite(text, { padding: 3 });
}
