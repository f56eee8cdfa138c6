// State of one validation: options, the global variables in scope, which templates were already
// checked, and where templates are looked up (the workflow itself, or the WorkflowTemplates and
// ClusterWorkflowTemplates it refers to).
import type { Arguments, Artifact, Parameter, Template, TemplateRef } from '../../model/template.js';
import type { ClusterWorkflowTemplate, WorkflowSpec, WorkflowTemplate } from '../../model/workflow.js';
import { decodeResource } from './decode.js';
import { ValidationFailure } from './failure.js';
import { Placeholders } from './placeholders.js';

export type TemplateResourceKind = 'WorkflowTemplate' | 'ClusterWorkflowTemplate';

/** Looks up the templates a workflow refers to. */
export interface TemplateGetter {
  /**
   * The resource of that kind and name, or undefined when there is none. A thrown Error's message
   * is reported as the problem (e.g. an offline lint's "couldn't find workflow template ...").
   */
  getTemplate(
    kind: TemplateResourceKind,
    name: string,
  ): WorkflowTemplate | ClusterWorkflowTemplate | undefined;
}

export interface RunOptions {
  lint: boolean;
  submit: boolean;
  workflowTemplateValidation: boolean;
  ignoreEntrypoint: boolean;
}

/** Where templates are looked up by name: a workflow, or a referenced (cluster) workflow template. */
export interface TemplateBase {
  kind: 'Workflow' | TemplateResourceKind;
  name: string;
  spec: WorkflowSpec;
  /** Prefix of problem paths inside this resource: '' for the object validated. */
  path: string;
}

export interface Holder {
  name?: string;
  template?: string;
  templateRef?: TemplateRef;
  inline?: Template;
  arguments?: Arguments;
}

export interface ResolvedTemplate {
  template: Template;
  /** Path of the template (for problems). */
  path: string;
  /** Where names inside this template resolve. */
  base: TemplateBase;
}

/** Supplies a template's inputs: real arguments, or fresh placeholders for every name. */
export interface ArgumentsProvider {
  parameter(name: string): Parameter | undefined;
  artifact(name: string): Artifact | undefined;
}

export class Run {
  readonly globals = new Map<string, string>();
  /** Templates whose body was validated, by `<scope>/<resource>` + template name. */
  readonly validated = new Set<string>();
  readonly placeholders = new Placeholders();

  constructor(
    readonly opts: RunOptions,
    private readonly getter: TemplateGetter,
  ) {}

  placeholder(): string {
    return this.placeholders.nextPlaceholder();
  }

  fakeArguments(): ArgumentsProvider {
    return {
      parameter: (name) => ({ name, value: this.placeholder() }),
      artifact: (name) => ({ name }),
    };
  }

  /** Fetches a referenced resource; a getter's own error becomes the problem as is. */
  fetch(kind: TemplateResourceKind, name: string, path: string): TemplateBase | undefined {
    let found: WorkflowTemplate | ClusterWorkflowTemplate | undefined;
    try {
      found = this.getter.getTemplate(kind, name);
    } catch (e) {
      throw new ValidationFailure(e instanceof Error ? e.message : String(e), path);
    }
    if (!found) return undefined;
    // Read it as Go would hold it, so its templates have the expected shapes.
    const decoded = decodeResource(kind, found, { strict: false });
    if (decoded.error !== undefined) throw new ValidationFailure(decoded.error, path);
    const spec = (decoded.value as { spec?: WorkflowSpec }).spec ?? {};
    return { kind, name, spec, path: `${kind}/${name}:` };
  }
}

export function argumentsProvider(args: Arguments | undefined): ArgumentsProvider {
  return {
    parameter: (name) => args?.parameters?.find((p) => p.name === name),
    artifact: (name) => args?.artifacts?.find((a) => a.name === name),
  };
}

export function resourceScope(base: TemplateBase): string {
  const scope =
    base.kind === 'Workflow' ? 'local' : base.kind === 'WorkflowTemplate' ? 'namespaced' : 'cluster';
  return `${scope}/${base.name}`;
}

// Each step looks its template up by name; a scan per lookup made validation quadratic. The index
// is checked on use, so a templates array changed after it was built is found by a scan again.
const indexes = new WeakMap<readonly Template[], Map<string, number>>();

/** Position of the first template named `name`, as a linear search finds it. */
function findTemplate(templates: readonly Template[], name: string): number {
  let index = indexes.get(templates);
  if (index === undefined) {
    index = new Map();
    for (const [i, t] of templates.entries())
      if (t?.name !== undefined && !index.has(t.name)) index.set(t.name, i);
    indexes.set(templates, index);
  }
  const i = index.get(name);
  if (i !== undefined && templates[i]?.name === name && index.size <= templates.length) return i;
  indexes.delete(templates);
  return templates.findIndex((t) => t?.name === name);
}

/** A copy of a template by name, with the base's pod metadata merged in as Argo's lookup does. */
export function templateByName(base: TemplateBase, name: string): ResolvedTemplate | undefined {
  const templates = base.spec.templates ?? [];
  const i = findTemplate(templates, name);
  if (i < 0) return undefined;
  const template = structuredClone(templates[i]);
  const pod = base.spec.podMetadata;
  if (pod) {
    for (const field of ['annotations', 'labels'] as const) {
      const extra = pod[field];
      if (!extra || Object.keys(extra).length === 0) continue;
      template.metadata ??= {};
      const target = (template.metadata[field] ??= {});
      for (const [k, v] of Object.entries(extra)) if (!(k in target)) target[k] = v;
    }
  }
  return { template, path: `${base.path}spec.templates[${i}]`, base };
}

export function hasOutput(t: Template): boolean {
  const main = t.containerSet?.containers?.some((c) => c?.name === 'main') ?? false;
  return (
    t.container != null || main || t.script != null || t.data != null || t.http != null || t.plugin != null
  );
}

export function hasExitHook(holder: { onExit?: string; hooks?: Record<string, unknown> }): boolean {
  return !!holder.onExit || (holder.hooks != null && 'exit' in holder.hooks);
}
