// A strategic-merge subset: how Argo layers a Workflow over its WorkflowTemplate and templateDefaults
// under a template. Objects merge recursively; lists of named things merge by their key; other lists
// are replaced by the overriding side.
import type { Template } from '../model/template.js';
import { TEMPLATE_KIND_FIELDS, templateKind } from '../model/template-kinds.js';
import type { Workflow, WorkflowSpec } from '../model/workflow.js';

/** List fields merged element-wise by a key (Kubernetes patchMergeKey), by field name. */
const MERGE_KEYS: Record<string, string> = {
  templates: 'name',
  parameters: 'name',
  artifacts: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  containers: 'name',
  initContainers: 'name',
  sidecars: 'name',
  ports: 'containerPort',
  imagePullSecrets: 'name',
  hostAliases: 'ip',
};

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Returns `base` overlaid with `override`; neither input is modified. */
export function strategicMerge<T>(base: T, override: T): T {
  return mergeValue(base, override, undefined) as T;
}

function mergeValue(base: unknown, override: unknown, field: string | undefined): unknown {
  if (override === undefined) return clone(base);
  if (isPlainObject(base) && isPlainObject(override)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(base)) out[k] = clone(v);
    for (const [k, v] of Object.entries(override)) {
      if (v === null) {
        delete out[k];
        continue;
      }
      out[k] = k in base ? mergeValue(base[k], v, k) : clone(v);
    }
    return out;
  }
  if (Array.isArray(base) && Array.isArray(override) && field && MERGE_KEYS[field]) {
    const key = MERGE_KEYS[field];
    const out = base.map(clone);
    for (const item of override) {
      const idx = isPlainObject(item) ? out.findIndex((b) => isPlainObject(b) && b[key] === item[key]) : -1;
      if (idx >= 0) out[idx] = mergeValue(out[idx], item, undefined);
      else out.push(clone(item));
    }
    return out;
  }
  return clone(override);
}

function clone<T>(v: T): T {
  return v === undefined ? v : (structuredClone(v) as T);
}

/**
 * The spec a workflow runs with when it references a WorkflowTemplate: the template's spec with the
 * workflow's own spec layered on top; arguments given on the workflow win parameter by parameter.
 */
export function joinWorkflowSpec(
  wfSpec: WorkflowSpec,
  wftSpec: WorkflowSpec,
  defaultsSpec?: WorkflowSpec,
): WorkflowSpec {
  const { workflowTemplateRef: _ref, ...rest } = wfSpec;
  // The controller's workflowDefaults lie under the template, as upstream layers them.
  const base = defaultsSpec ? strategicMerge<WorkflowSpec>(defaultsSpec, wftSpec) : wftSpec;
  const joined = strategicMerge<WorkflowSpec>(base, rest);
  // A parameter set on the workflow replaces the template's whole definition (value, valueFrom,
  // default are not mixed across the two).
  const own = new Map((wfSpec.arguments?.parameters ?? []).map((p) => [p.name, p]));
  if (joined.arguments?.parameters) {
    joined.arguments.parameters = joined.arguments.parameters.map((p) =>
      own.has(p.name) ? structuredClone(own.get(p.name)!) : p,
    );
  }
  joined.suspend = wfSpec.suspend;
  if (joined.suspend === undefined) delete joined.suspend;
  return joined;
}

/** The controller configuration's `workflowDefaults`: a partial Workflow laid under every workflow. */
export interface WorkflowDefaults {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: WorkflowSpec;
}

/**
 * Lays the controller's workflowDefaults under a workflow that references no template, in place:
 * what the workflow sets wins, field by field (lists merge by their keys as in a strategic merge),
 * and the defaults' labels and annotations are added where the workflow has none of that name.
 * Returns whether anything changed.
 */
export function applyWorkflowDefaults(wf: Workflow, defaults: WorkflowDefaults): boolean {
  const before = JSON.stringify([wf.spec, wf.metadata.labels, wf.metadata.annotations]);
  if (defaults.spec) wf.spec = strategicMerge<WorkflowSpec>(defaults.spec, wf.spec);
  for (const field of ['labels', 'annotations'] as const) {
    const extra = defaults.metadata?.[field];
    if (extra && Object.keys(extra).length > 0) wf.metadata[field] = { ...extra, ...wf.metadata[field] };
  }
  return JSON.stringify([wf.spec, wf.metadata.labels, wf.metadata.annotations]) !== before;
}

/** Applies `spec.templateDefaults` under a template; defaults for other template types are dropped. */
export function applyTemplateDefaults(tmpl: Template, defaults: Template | undefined): Template {
  if (!defaults) return tmpl;
  const kind = templateKind(tmpl);
  const applicable: Template = structuredClone(defaults);
  for (const f of TEMPLATE_KIND_FIELDS) if (f !== kind?.field) delete applicable[f];
  return strategicMerge(applicable, tmpl);
}
