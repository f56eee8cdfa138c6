// Submit options (`-p`, `-l`, `--entrypoint`, `--name`, ...) applied to a workflow, and workflows
// made from templates and cron workflows for `submit --from`. Shared by the CLI and the server.
import type { SubmitOpts } from '../model/workflow.js';
import type { Parameter } from '../model/template.js';
import type { CronWorkflow, Workflow } from '../model/workflow.js';
import { API_VERSION } from '../model/workflow.js';

export class SubmitOptsError extends Error {}

/** `a=b,c=d` → {a: 'b', c: 'd'}; each entry must have a non-empty key. */
export function parseLabels(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(',')) {
    const kv = part.trim();
    if (kv === '') continue;
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new SubmitOptsError(`'${kv}' is not a valid label: expected NAME=VALUE`);
    out[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  return out;
}

/** `NAME=VALUE` strings → parameters; the value may itself contain `=`. */
export function parseParameterArgs(params: string[]): Parameter[] {
  return params.map((s) => {
    const eq = s.indexOf('=');
    if (eq < 0) throw new SubmitOptsError(`expected parameter of the form: NAME=VALUE. Received: ${s}`);
    return { name: s.slice(0, eq), value: s.slice(eq + 1) };
  });
}

export function applySubmitOpts(wf: Workflow, opts: SubmitOpts): void {
  if (opts.entryPoint) wf.spec.entrypoint = opts.entryPoint;
  if (opts.serviceAccount) wf.spec.serviceAccountName = opts.serviceAccount;
  if (opts.podPriorityClassName) wf.spec.podPriorityClassName = opts.podPriorityClassName;
  if (opts.priority !== undefined) wf.spec.priority = opts.priority;
  if (opts.labels) {
    let labels: Record<string, string>;
    try {
      labels = parseLabels(opts.labels);
    } catch (err) {
      throw new SubmitOptsError(
        `expected labels of the form: NAME1=VALUE2,NAME2=VALUE2. Received: ${opts.labels}: ${(err as Error).message}`,
      );
    }
    wf.metadata.labels = { ...(wf.metadata.labels ?? {}), ...labels };
  }
  if (opts.annotations) {
    let annotations: Record<string, string>;
    try {
      annotations = parseLabels(opts.annotations);
    } catch (err) {
      throw new SubmitOptsError(
        `expected Annotations of the form: NAME1=VALUE2,NAME2=VALUE2. Received: ${opts.annotations}: ${(err as Error).message}`,
      );
    }
    wf.metadata.annotations = { ...(wf.metadata.annotations ?? {}), ...annotations };
  }
  if (opts.parameters?.length) {
    const passed = parseParameterArgs(opts.parameters);
    const names = new Set(passed.map((p) => p.name));
    const rest = (wf.spec.arguments?.parameters ?? []).filter((p) => !names.has(p.name));
    wf.spec.arguments = { ...(wf.spec.arguments ?? {}), parameters: [...passed, ...rest] };
  }
  if (opts.generateName) wf.metadata.generateName = opts.generateName;
  if (opts.name) wf.metadata.name = opts.name;
}

/** The workflow `argo submit --from workflowtemplate/NAME` (or clusterworkflowtemplate) creates. */
export function workflowFromTemplate(name: string, clusterScope: boolean, namespace: string): Workflow {
  return {
    apiVersion: API_VERSION,
    kind: 'Workflow',
    metadata: {
      generateName: `${name}-`,
      namespace,
      labels: {
        [clusterScope
          ? 'workflows.argoproj.io/cluster-workflow-template'
          : 'workflows.argoproj.io/workflow-template']: name,
      },
    },
    spec: { workflowTemplateRef: clusterScope ? { name, clusterScope: true } : { name } },
  };
}

/** The workflow a CronWorkflow creates, before the cron controller's run-specific name and labels. */
export function workflowFromCron(cron: CronWorkflow): Workflow {
  const name = cron.metadata.name ?? '';
  const md = cron.spec.workflowMetadata ?? {};
  return {
    apiVersion: API_VERSION,
    kind: 'Workflow',
    metadata: {
      generateName: `${name}-`,
      namespace: cron.metadata.namespace,
      labels: { ...(md.labels ?? {}), 'workflows.argoproj.io/cron-workflow': name },
      annotations: { ...(md.annotations ?? {}) },
    },
    spec: structuredClone(cron.spec.workflowSpec),
  };
}
