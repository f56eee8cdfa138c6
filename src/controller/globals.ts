// The `workflow.*` variables every template of a workflow can use.
import type { ConfigMap } from '../model/meta.js';
import type { Workflow, WorkflowSpec } from '../model/workflow.js';
import { configMapValue, marshalParameters } from '../workflow/args.js';
import { formatLayout, GoTime, UTC } from '../workflow/expr/time.js';
import type { Vars } from '../workflow/template-string.js';

/** The strftime characters Argo offers as `workflow.creationTimestamp.<c>`, as Go layouts. */
const STRFTIME_LAYOUTS: Record<string, string> = {
  B: 'January',
  b: 'Jan',
  m: '01',
  A: 'Monday',
  a: 'Mon',
  d: '02',
  H: '15',
  I: '03',
  M: '04',
  S: '05',
  Y: '2006',
  y: '06',
  p: 'PM',
  Z: 'MST',
  z: '-0700',
  L: '.000',
};

/** `workflow.creationTimestamp.<c>` values (UTC). */
export function strftimeParts(d: Date): Record<string, string> {
  const t = GoTime.fromDate(d, UTC);
  const out: Record<string, string> = {};
  for (const [c, layout] of Object.entries(STRFTIME_LAYOUTS)) out[c] = formatLayout(t, layout);
  return out;
}

/** Go's encoding/json of a string map: keys sorted. */
function marshalStringMap(m: Record<string, string> | undefined): string {
  if (!m) return 'null';
  const keys = Object.keys(m).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(m[k])}`).join(',')}}`;
}

/**
 * `workflow.duration`: seconds since the workflow started, as Go's `%f` prints them. The operator
 * sets it on every pass, so an exit handler sees the duration up to the moment it is started.
 */
export function workflowDuration(startedAt: string | undefined, now: Date): string {
  const ms = startedAt ? now.getTime() - Date.parse(startedAt) : 0;
  return (Math.max(0, ms) / 1000).toFixed(6);
}

export function buildGlobalParams(
  wf: Workflow,
  spec: WorkflowSpec,
  getConfigMap: (namespace: string, name: string) => ConfigMap | undefined,
): Vars {
  const g: Vars = {};
  const md = wf.metadata;
  const namespace = md.namespace ?? 'default';
  g['workflow.name'] = md.name ?? '';
  g['workflow.namespace'] = namespace;
  g['workflow.mainEntrypoint'] = spec.entrypoint ?? '';
  g['workflow.serviceAccountName'] = spec.serviceAccountName ?? '';
  g['workflow.uid'] = md.uid ?? '';
  const created = md.creationTimestamp ? new Date(md.creationTimestamp) : new Date();
  const createdText = md.creationTimestamp ?? created.toISOString().replace(/\.\d{3}Z$/, 'Z');
  g['workflow.creationTimestamp'] = createdText;
  g['workflow.creationTimestamp.RFC3339'] = createdText;
  g['workflow.creationTimestamp.s'] = String(Math.floor(created.getTime() / 1000));
  for (const [c, v] of Object.entries(strftimeParts(created))) g[`workflow.creationTimestamp.${c}`] = v;
  const scheduled = md.annotations?.['workflows.argoproj.io/scheduled-time'];
  if (scheduled) g['workflow.scheduledTime'] = scheduled;
  if (spec.priority !== undefined) g['workflow.priority'] = String(spec.priority);

  const params = spec.arguments?.parameters ?? [];
  g['workflow.parameters'] = marshalParameters(params);
  g['workflow.parameters.json'] = g['workflow.parameters'];
  for (const p of params) {
    if (p.value !== undefined) {
      g[`workflow.parameters.${p.name}`] = p.value;
    } else if (p.valueFrom?.configMapKeyRef) {
      const ref = p.valueFrom.configMapKeyRef;
      try {
        g[`workflow.parameters.${p.name}`] = configMapValue(getConfigMap, namespace, ref.name ?? '', ref.key);
      } catch (err) {
        if (p.valueFrom.default === undefined) {
          throw new Error(
            `failed to set global parameter ${p.name} from configmap with name ${ref.name ?? ''} and key ${ref.key}: ${(err as Error).message}`,
          );
        }
        g[`workflow.parameters.${p.name}`] = p.valueFrom.default;
      }
    } else {
      throw new Error(
        `either value or valueFrom must be specified in order to set global parameter ${p.name}`,
      );
    }
  }
  for (const p of wf.status?.outputs?.parameters ?? []) {
    if (p.value !== undefined) g[`workflow.outputs.parameters.${p.name}`] = p.value;
  }

  const labelsFrom = spec.workflowMetadata?.labelsFrom ?? {};
  g['workflow.annotations'] = marshalStringMap(md.annotations);
  g['workflow.annotations.json'] = g['workflow.annotations'];
  for (const [k, v] of Object.entries(md.annotations ?? {})) g[`workflow.annotations.${k}`] = v;
  g['workflow.labels'] = marshalStringMap(md.labels);
  g['workflow.labels.json'] = g['workflow.labels'];
  for (const [k, v] of Object.entries(md.labels ?? {})) if (!(k in labelsFrom)) g[`workflow.labels.${k}`] = v;
  for (const [k, v] of Object.entries(spec.workflowMetadata?.labels ?? {}))
    if (!(k in labelsFrom)) g[`workflow.labels.${k}`] = v;
  for (const [k, v] of Object.entries(spec.workflowMetadata?.annotations ?? {}))
    g[`workflow.annotations.${k}`] = v;
  return g;
}
