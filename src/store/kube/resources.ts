// Where each ResourceKind lives in the Kubernetes API. The Argo kinds are argoproj.io/v1alpha1
// custom resources, the rest are built in; all of them share one URL shape, so one table serves
// the client (KubeStore) and anything that has to route such URLs (the fake API server in tests).
import { isClusterScoped } from '../semantics.js';
import { groupVersionOf, KIND_TABLE, type ResourceKind } from '../types.js';

export interface KubeResource {
  kind: ResourceKind;
  /** '' for the core group, served under /api rather than /apis. */
  group: string;
  version: string;
  plural: string;
  namespaced: boolean;
}

export const RESOURCE_KINDS = Object.keys(KIND_TABLE) as readonly ResourceKind[];

export function resourceFor(kind: ResourceKind): KubeResource {
  const entry = KIND_TABLE[kind] as (typeof KIND_TABLE)[ResourceKind] | undefined;
  if (!entry) throw new Error(`unknown resource kind "${kind}"`);
  return { kind, ...groupVersionOf(kind), plural: entry.plural, namespaced: !isClusterScoped(kind) };
}

/** The kind served at group/version/plural, if it is one of ours. */
export function kindAt(group: string, version: string, plural: string): ResourceKind | undefined {
  return RESOURCE_KINDS.find((kind) => {
    const r = resourceFor(kind);
    return r.group === group && r.version === version && r.plural === plural;
  });
}

/** `/api/v1` or `/apis/<group>/<version>`. */
export function groupVersionPath(group: string, version: string): string {
  return group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
}

/** The collection URL path; an empty namespace means all namespaces. */
export function collectionPath(kind: ResourceKind, namespace = ''): string {
  const r = resourceFor(kind);
  const base = groupVersionPath(r.group, r.version);
  if (!r.namespaced || namespace === '') return `${base}/${r.plural}`;
  return `${base}/namespaces/${encodeURIComponent(namespace)}/${r.plural}`;
}

export function objectPath(kind: ResourceKind, namespace: string, name: string): string {
  return `${collectionPath(kind, namespace)}/${encodeURIComponent(name)}`;
}
