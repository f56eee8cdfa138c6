// The kinds of template: which spec field makes a template of each kind, Argo's name for it, the
// node its runs get, and whether it runs as a pod and whether it is a leaf (does the work itself
// rather than calling other templates or waiting). One table that the spec merge, validation and
// the operator read; what each node type is to them is in node-types.ts.
import type { Template } from './template.js';
import type { NodeType } from './workflow.js';

export type TemplateKindField =
  | 'container'
  | 'containerSet'
  | 'steps'
  | 'dag'
  | 'script'
  | 'resource'
  | 'data'
  | 'suspend'
  | 'http'
  | 'plugin';

/** Argo's TemplateType, as its messages print it. */
export type TemplateType =
  | 'Container'
  | 'ContainerSet'
  | 'Steps'
  | 'DAG'
  | 'Script'
  | 'Resource'
  | 'Data'
  | 'Suspend'
  | 'HTTP'
  | 'Plugin';

export interface TemplateKind {
  field: TemplateKindField;
  type: TemplateType;
  /** The node type of the node a template of this kind runs as (without a retryStrategy). */
  nodeType: NodeType;
  /** It runs in a pod of its own, so `pod.name` means something in it. */
  pod: boolean;
  /** It does the work itself: it may have timeouts, output paths and input artifact paths. */
  leaf: boolean;
}

/**
 * In the order Argo tells a template's kind by, should more than one field be set (validation
 * rejects that, but the kind still decides which error is reported first).
 */
export const TEMPLATE_KINDS: readonly TemplateKind[] = [
  { field: 'container', type: 'Container', nodeType: 'Pod', pod: true, leaf: true },
  { field: 'containerSet', type: 'ContainerSet', nodeType: 'Pod', pod: true, leaf: true },
  { field: 'steps', type: 'Steps', nodeType: 'Steps', pod: false, leaf: false },
  { field: 'dag', type: 'DAG', nodeType: 'DAG', pod: false, leaf: false },
  { field: 'script', type: 'Script', nodeType: 'Pod', pod: true, leaf: true },
  { field: 'resource', type: 'Resource', nodeType: 'Pod', pod: true, leaf: true },
  { field: 'data', type: 'Data', nodeType: 'Pod', pod: true, leaf: true },
  { field: 'suspend', type: 'Suspend', nodeType: 'Suspend', pod: false, leaf: false },
  { field: 'http', type: 'HTTP', nodeType: 'HTTP', pod: false, leaf: true },
  { field: 'plugin', type: 'Plugin', nodeType: 'Plugin', pod: false, leaf: true },
];

export const TEMPLATE_KIND_FIELDS: readonly TemplateKindField[] = TEMPLATE_KINDS.map((k) => k.field);

/** The kind of a template, or undefined when none of the kind fields is set. */
export function templateKind(t: Template): TemplateKind | undefined {
  for (const k of TEMPLATE_KINDS) if (t[k.field] != null) return k;
  return undefined;
}

/** Argo's name for the template's kind; 'Unknown' when it has none. */
export function templateTypeOf(t: Template): TemplateType | 'Unknown' {
  return templateKind(t)?.type ?? 'Unknown';
}

export function isPodTemplate(t: Template): boolean {
  return templateKind(t)?.pod ?? false;
}

export function isLeafTemplate(t: Template): boolean {
  return templateKind(t)?.leaf ?? false;
}

/** The node type a template's node gets; a template of no kind errors as a Pod node. */
export function nodeTypeOf(t: Template): NodeType {
  return templateKind(t)?.nodeType ?? 'Pod';
}
