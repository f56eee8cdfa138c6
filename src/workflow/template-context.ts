// Template resolution: finding the template a step, task or entrypoint refers to (by name in the
// current template base, by templateRef in a WorkflowTemplate/ClusterWorkflowTemplate, or inline),
// and remembering which resource a template came from so its own references resolve there.
import type { Metadata, Template, TemplateRef } from '../model/template.js';
import type { ClusterWorkflowTemplate, Workflow, WorkflowSpec, WorkflowTemplate } from '../model/workflow.js';
import { templateKind } from '../model/template-kinds.js';

export type ResourceScope = 'local' | 'namespaced' | 'cluster';

export interface TemplateBase {
  scope: ResourceScope;
  name: string;
  spec: WorkflowSpec;
}

/** Anything that names a template: a step, a DAG task, a hook, the entrypoint. */
export interface TemplateHolder {
  name?: string;
  template?: string;
  templateRef?: TemplateRef;
  inline?: Template;
}

export interface TemplateGetters {
  getWorkflowTemplate(name: string): WorkflowTemplate | undefined;
  getClusterWorkflowTemplate(name: string): ClusterWorkflowTemplate | undefined;
}

export class TemplateNotFoundError extends Error {}

/** Resolutions shared by the contexts of one walk, so a big template is copied once, not per node. */
interface ResolutionCache {
  templates: Map<string, Template>;
  contexts: Map<string, TemplateContext>;
}

export class TemplateContext {
  private readonly cache: ResolutionCache;

  constructor(
    readonly getters: TemplateGetters,
    readonly base: TemplateBase,
    /** Where resolved external templates are remembered (status.storedTemplates); optional for lint. */
    readonly workflow?: Workflow,
    cache?: ResolutionCache,
  ) {
    this.cache = cache ?? { templates: new Map(), contexts: new Map() };
  }

  /** `local/<workflow>`, `namespaced/<wftmpl>` or `cluster/<cwftmpl>`, as node.templateScope shows. */
  get templateScope(): string {
    return `${this.base.scope}/${this.base.name}`;
  }

  /**
   * Resolves a holder to its template and the context its own references resolve in. The
   * template is shared with later resolutions of the same holder: callers must not modify it.
   */
  resolve(holder: TemplateHolder): { ctx: TemplateContext; tmpl: Template } {
    const storedKey = this.storedKey(holder);
    const cacheKey = holder.inline
      ? undefined
      : `${this.templateScope}|${storedKey ?? holder.template ?? ''}`;
    let tmpl = cacheKey ? this.cache.templates.get(cacheKey) : undefined;
    if (!tmpl) {
      if (storedKey && this.workflow?.status?.storedTemplates?.[storedKey]) {
        tmpl = sharedCopy(this.workflow.status.storedTemplates[storedKey], undefined);
      } else {
        tmpl = this.lookup(holder);
        if (storedKey && this.workflow) {
          const status = (this.workflow.status ??= {});
          (status.storedTemplates ??= {})[storedKey] = structuredClone(tmpl);
        }
      }
      if (cacheKey) this.cache.templates.set(cacheKey, tmpl);
    }
    const ctx = holder.templateRef ? this.withRef(holder.templateRef) : this;
    if (!templateKind(tmpl)) throw new TemplateNotFoundError(`template '${tmpl.name ?? ''}' type is unknown`);
    return { ctx, tmpl };
  }

  private lookup(holder: TemplateHolder): Template {
    if (holder.inline) return structuredClone(holder.inline);
    if (holder.templateRef) return this.fromRef(holder.templateRef);
    if (holder.template) return this.byName(holder.template);
    throw new TemplateNotFoundError('failed to get a template');
  }

  byName(name: string): Template {
    const t = this.base.spec.templates?.find((x) => x.name === name);
    if (!t) throw new TemplateNotFoundError(`template ${name} not found`);
    return sharedCopy(t, this.base.spec.podMetadata);
  }

  private holderOf(ref: TemplateRef): { spec: WorkflowSpec } | undefined {
    const name = ref.name ?? '';
    return ref.clusterScope
      ? this.getters.getClusterWorkflowTemplate(name)
      : this.getters.getWorkflowTemplate(name);
  }

  private fromRef(ref: TemplateRef): Template {
    const holder = this.holderOf(ref);
    if (!holder) throw new TemplateNotFoundError(`workflow template ${ref.name ?? ''} not found`);
    const t = holder.spec.templates?.find((x) => x.name === ref.template);
    if (!t)
      throw new TemplateNotFoundError(
        `template ${ref.template ?? ''} not found in workflow template ${ref.name ?? ''}`,
      );
    return sharedCopy(t, holder.spec.podMetadata);
  }

  private withRef(ref: TemplateRef): TemplateContext {
    const key = `${ref.clusterScope ? 'cluster' : 'namespaced'}/${ref.name ?? ''}`;
    const cached = this.cache.contexts.get(key);
    if (cached) return cached;
    const holder = this.holderOf(ref);
    if (!holder) throw new TemplateNotFoundError(`workflow template ${ref.name ?? ''} not found`);
    const ctx = new TemplateContext(
      this.getters,
      { scope: ref.clusterScope ? 'cluster' : 'namespaced', name: ref.name ?? '', spec: holder.spec },
      this.workflow,
      this.cache,
    );
    this.cache.contexts.set(key, ctx);
    return ctx;
  }

  /** Key under status.storedTemplates; undefined when a workflow's own templates are used. */
  private storedKey(holder: TemplateHolder): string | undefined {
    if (holder.templateRef) {
      const scope = holder.templateRef.clusterScope ? 'cluster' : 'namespaced';
      return `${scope}/${holder.templateRef.name ?? ''}/${holder.templateRef.template ?? ''}`;
    }
    if (this.base.scope !== 'local') {
      if (holder.inline) return `${this.base.scope}/${this.base.name}/inline/${holder.name ?? ''}`;
      return `${this.base.scope}/${this.base.name}/${holder.template ?? ''}`;
    }
    return undefined;
  }

  /** The context a node's template scope names (`local/x`, `namespaced/y`, `cluster/z`). */
  forScope(templateScope: string | undefined): TemplateContext {
    if (!templateScope) return this;
    const slash = templateScope.indexOf('/');
    const scope = (slash >= 0 ? templateScope.slice(0, slash) : 'namespaced') as ResourceScope;
    const name = slash >= 0 ? templateScope.slice(slash + 1) : templateScope;
    if (scope === 'local') return this.base.scope === 'local' ? this : this;
    return this.withRef({ name, clusterScope: scope === 'cluster' });
  }
}

/**
 * The copies resolutions hand out, by the template they copy: while a workflow's spec (or the
 * WorkflowTemplate, or the stored template) is the same object, each pass of the controller over it
 * resolves to the same copy rather than copying the template again; a DAG of 10,000 tasks was
 * copied whole on every pass. A changed source is a new object, and so a new copy. Copies are
 * shared and read only, as a resolution's always were within a walk.
 */
const copies = new WeakMap<Template, { podMetadata: Metadata | undefined; copy: Template }>();

function sharedCopy(source: Template, podMetadata: Metadata | undefined): Template {
  const kept = copies.get(source);
  if (kept && kept.podMetadata === podMetadata) return kept.copy;
  const copy = structuredClone(source);
  addPodMetadata(podMetadata, copy);
  copies.set(source, { podMetadata, copy });
  return copy;
}

function addPodMetadata(podMetadata: Metadata | undefined, tmpl: Template): void {
  if (!podMetadata) return;
  for (const field of ['annotations', 'labels'] as const) {
    const extra = podMetadata[field];
    if (!extra || Object.keys(extra).length === 0) continue;
    const md = (tmpl.metadata ??= {});
    const target = (md[field] ??= {});
    for (const [k, v] of Object.entries(extra)) if (!(k in target)) target[k] = v;
  }
}
