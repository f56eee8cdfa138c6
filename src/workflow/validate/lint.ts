// `argo lint` over parsed manifests: each Argo object of the selected kinds is decoded and
// validated, and its problem (one per object, as upstream reports) becomes a line of the file's result.
import type {
  ClusterWorkflowTemplate,
  CronWorkflow,
  Workflow,
  WorkflowTemplate,
} from '../../model/workflow.js';
import type { ParsedManifest } from '../manifest/parse.js';
import type { LintFileResult } from './lint-format.js';
import type { TemplateGetter } from './run.js';
import {
  validateClusterWorkflowTemplate,
  validateCronWorkflow,
  validateWorkflow,
  validateWorkflowTemplate,
  type ValidateContext,
} from './workflow.js';

export type LintKind = 'workflows' | 'workflowtemplates' | 'cronworkflows' | 'clusterworkflowtemplates';

export const ALL_LINT_KINDS: readonly LintKind[] = [
  'workflows',
  'workflowtemplates',
  'cronworkflows',
  'clusterworkflowtemplates',
];

const KIND_NAMES: Record<string, LintKind> = {
  workflows: 'workflows',
  wf: 'workflows',
  workflowtemplates: 'workflowtemplates',
  wftmpl: 'workflowtemplates',
  cronworkflows: 'cronworkflows',
  cronwf: 'cronworkflows',
  clusterworkflowtemplates: 'clusterworkflowtemplates',
  cwftmpl: 'clusterworkflowtemplates',
};

const KIND_OF: Record<string, LintKind> = {
  Workflow: 'workflows',
  WorkflowTemplate: 'workflowtemplates',
  CronWorkflow: 'cronworkflows',
  ClusterWorkflowTemplate: 'clusterworkflowtemplates',
};

/**
 * Reads `--kinds` values (plural or short names; `all` or none selects every kind).
 * Throws `unknown kind: <x>` like upstream.
 */
export function parseLintKinds(values: string[]): LintKind[] {
  if (values.length === 0 || values.join(',').includes('all')) return [...ALL_LINT_KINDS];
  return values.map((v) => {
    if (!Object.hasOwn(KIND_NAMES, v)) throw new Error(`unknown kind: ${v}`);
    return KIND_NAMES[v];
  });
}

export interface LintOptions {
  /** Kinds to lint (default all); objects of other kinds are passed over. */
  kinds?: readonly LintKind[];
  /** Where templateRefs resolve, per namespace of the object being linted. */
  getter: TemplateGetter | ((namespace: string) => TemplateGetter);
  /** Namespace of objects that name none (empty offline, as upstream). */
  defaultNamespace?: string;
  defaults?: Workflow;
}

/** `"name" (Kind)`, with generateName or `object #<n>` for unnamed objects, as upstream prints it. */
export function objectLabel(manifest: Pick<ParsedManifest, 'object' | 'index' | 'kind'>): string {
  const meta = (manifest.object.metadata ?? {}) as { name?: unknown; generateName?: unknown };
  const name =
    typeof meta.name === 'string' && meta.name !== ''
      ? meta.name
      : typeof meta.generateName === 'string' && meta.generateName !== ''
        ? meta.generateName
        : `object #${manifest.index + 1}`;
  return `"${name}" (${manifest.kind})`;
}

/** Lints the objects of one source (file or stdin). */
export function lintManifests(file: string, manifests: ParsedManifest[], opts: LintOptions): LintFileResult {
  const kinds = new Set(opts.kinds ?? ALL_LINT_KINDS);
  const result: LintFileResult = { file, errors: [], linted: false };
  for (const m of manifests) {
    const kind = Object.hasOwn(KIND_OF, m.kind) ? KIND_OF[m.kind] : undefined;
    if (!kind || !kinds.has(kind)) continue;
    result.linted = true;
    const message = m.error ?? validateManifest(m, opts);
    if (message !== undefined) result.errors.push(`in ${objectLabel(m)}: ${message}`);
  }
  return result;
}

function validateManifest(m: ParsedManifest, opts: LintOptions): string | undefined {
  const meta = (m.object.metadata ?? {}) as { namespace?: unknown };
  const namespace =
    typeof meta.namespace === 'string' && meta.namespace !== ''
      ? meta.namespace
      : (opts.defaultNamespace ?? '');
  const getter = typeof opts.getter === 'function' ? opts.getter(namespace) : opts.getter;
  const ctx: ValidateContext = {
    getTemplate: (k, n) => getter.getTemplate(k, n),
    lint: true,
    defaults: opts.defaults,
  };
  let problems;
  switch (m.kind) {
    case 'Workflow':
      problems = validateWorkflow(m.object as unknown as Workflow, ctx);
      break;
    case 'WorkflowTemplate':
      problems = validateWorkflowTemplate(m.object as unknown as WorkflowTemplate, ctx);
      break;
    case 'ClusterWorkflowTemplate':
      problems = validateClusterWorkflowTemplate(m.object as unknown as ClusterWorkflowTemplate, ctx);
      break;
    default:
      problems = validateCronWorkflow(m.object as unknown as CronWorkflow, ctx);
  }
  return problems[0]?.message;
}

/**
 * Templates from the linted files themselves (`argo lint --offline`): WorkflowTemplates by their
 * namespace, ClusterWorkflowTemplates by name; duplicates are an error, as upstream.
 */
export function offlineTemplateGetter(manifests: ParsedManifest[]): (namespace: string) => TemplateGetter {
  const namespaced = new Map<string, Map<string, WorkflowTemplate>>();
  const cluster = new Map<string, ClusterWorkflowTemplate>();
  for (const m of manifests) {
    const meta = (m.object.metadata ?? {}) as { name?: string; namespace?: string };
    const name = meta.name ?? '';
    if (m.kind === 'ClusterWorkflowTemplate') {
      if (cluster.has(name))
        throw new Error(`duplicate ClusterWorkflowTemplate found: ${JSON.stringify(name)}`);
      cluster.set(name, m.object as unknown as ClusterWorkflowTemplate);
    } else if (m.kind === 'WorkflowTemplate') {
      const ns = meta.namespace ?? '';
      const byName = namespaced.get(ns) ?? new Map<string, WorkflowTemplate>();
      namespaced.set(ns, byName);
      if (byName.has(name)) throw new Error(`duplicate WorkflowTemplate found: ${JSON.stringify(name)}`);
      byName.set(name, m.object as unknown as WorkflowTemplate);
    }
  }
  return (namespace) => ({
    getTemplate(kind, name) {
      if (kind === 'ClusterWorkflowTemplate') {
        const found = cluster.get(name);
        if (!found) throw new Error(`couldn't find cluster workflow template ${JSON.stringify(name)}`);
        return found;
      }
      const found = namespaced.get(namespace)?.get(name);
      if (!found)
        throw new Error(
          `couldn't find workflow template ${JSON.stringify(name)} in namespace ${JSON.stringify(namespace)}`,
        );
      return found;
    },
  });
}
