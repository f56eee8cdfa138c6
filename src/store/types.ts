// The ResourceStore contract: what the controller, server and local client need from a
// Kubernetes-like API. Implemented by the embedded SQLite store and (later) the kube store.
import type { KubeObject } from '../model/meta.js';

/** Kinds the store knows. Cluster-scoped kinds ignore the namespace. */
export type ResourceKind =
  | 'Workflow'
  | 'WorkflowTemplate'
  | 'ClusterWorkflowTemplate'
  | 'CronWorkflow'
  | 'WorkflowTaskResult'
  | 'WorkflowEventBinding'
  | 'Pod'
  | 'ConfigMap'
  | 'Secret'
  | 'Lease'
  | 'PersistentVolumeClaim'
  // What an install of the controller and server is made of, so `kubectl apply -k deploy/...` works
  // against the embedded store and the tests' fake API server; nothing here acts on them.
  | 'ServiceAccount'
  | 'Service'
  | 'Deployment'
  | 'Role'
  | 'RoleBinding'
  | 'ClusterRole'
  | 'ClusterRoleBinding'
  | 'CustomResourceDefinition';

/**
 * Where each kind lives in the Kubernetes API: its apiVersion, its resource (plural) name and
 * whether it is cluster-scoped. The one table the stores, the API servers and the error messages
 * read; everything else about a kind's address is derived from it.
 */
export const KIND_TABLE: Readonly<
  Record<ResourceKind, { apiVersion: string; plural: string; clusterScoped?: true }>
> = {
  Workflow: { apiVersion: 'argoproj.io/v1alpha1', plural: 'workflows' },
  WorkflowTemplate: { apiVersion: 'argoproj.io/v1alpha1', plural: 'workflowtemplates' },
  ClusterWorkflowTemplate: {
    apiVersion: 'argoproj.io/v1alpha1',
    plural: 'clusterworkflowtemplates',
    clusterScoped: true,
  },
  CronWorkflow: { apiVersion: 'argoproj.io/v1alpha1', plural: 'cronworkflows' },
  WorkflowTaskResult: { apiVersion: 'argoproj.io/v1alpha1', plural: 'workflowtaskresults' },
  WorkflowEventBinding: { apiVersion: 'argoproj.io/v1alpha1', plural: 'workfloweventbindings' },
  Pod: { apiVersion: 'v1', plural: 'pods' },
  ConfigMap: { apiVersion: 'v1', plural: 'configmaps' },
  Secret: { apiVersion: 'v1', plural: 'secrets' },
  Lease: { apiVersion: 'coordination.k8s.io/v1', plural: 'leases' },
  PersistentVolumeClaim: { apiVersion: 'v1', plural: 'persistentvolumeclaims' },
  ServiceAccount: { apiVersion: 'v1', plural: 'serviceaccounts' },
  Service: { apiVersion: 'v1', plural: 'services' },
  Deployment: { apiVersion: 'apps/v1', plural: 'deployments' },
  Role: { apiVersion: 'rbac.authorization.k8s.io/v1', plural: 'roles' },
  RoleBinding: { apiVersion: 'rbac.authorization.k8s.io/v1', plural: 'rolebindings' },
  ClusterRole: { apiVersion: 'rbac.authorization.k8s.io/v1', plural: 'clusterroles', clusterScoped: true },
  ClusterRoleBinding: {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    plural: 'clusterrolebindings',
    clusterScoped: true,
  },
  CustomResourceDefinition: {
    apiVersion: 'apiextensions.k8s.io/v1',
    plural: 'customresourcedefinitions',
    clusterScoped: true,
  },
};

const KINDS = Object.keys(KIND_TABLE) as ResourceKind[];

export const API_VERSIONS: Readonly<Record<ResourceKind, string>> = Object.fromEntries(
  KINDS.map((k) => [k, KIND_TABLE[k].apiVersion]),
) as Record<ResourceKind, string>;

export const CLUSTER_SCOPED: ReadonlySet<ResourceKind> = new Set(
  KINDS.filter((k) => KIND_TABLE[k].clusterScoped),
);

export interface ListOptions {
  /** Omit (or '') for all namespaces. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
}

export interface ListResult<T> {
  items: T[];
  resourceVersion: string;
  continue?: string;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface WatchEvent<T> {
  type: WatchEventType;
  object: T;
}

export interface WatchOptions extends ListOptions {
  /** Deliver changes after this version; when omitted, start with ADDED events for what exists now. */
  resourceVersion?: string;
  /**
   * Told the version of each BOOKMARK the server sends (the Kubernetes API does, the embedded store
   * does not), so a client's idea of the latest version keeps up while nothing it watches changes.
   */
  onBookmark?: (resourceVersion: string) => void;
  /**
   * The caller only reads the objects it is given. A store may then hand one parsed object to
   * every such watch of the same state, so N watchers of a large object cost one parse, not N.
   */
  readOnly?: boolean;
}

export interface Watch {
  stop(): void;
  /**
   * The version through which this watch has been told every change it asked for (what a BOOKMARK
   * reports); undefined until it knows one. Stores that track it offer it (the embedded store's).
   */
  progress?(): string | undefined;
}

export interface UpdateOptions {
  /**
   * The caller gives `obj` up: the store may return it, with the metadata the write set, rather
   * than a copy read back from what it stored. A controller that keeps what it wrote as its next
   * pass's workflow then does not pay for reading a large object back on every write. Values
   * JSON cannot hold (undefined members) stay as the caller had them.
   */
  handOver?: boolean;
}

export interface DeleteOptions {
  /** Only delete when the stored object still has this resourceVersion. */
  resourceVersion?: string;
  /** Seconds a pod's containers get to stop (the API server's DeleteOptions); stores without kubelets ignore it. */
  gracePeriodSeconds?: number;
}

export interface ResourceStore {
  get<T extends KubeObject>(kind: ResourceKind, namespace: string, name: string): Promise<T | undefined>;
  list<T extends KubeObject>(kind: ResourceKind, opts?: ListOptions): Promise<ListResult<T>>;
  /** Assigns uid, creationTimestamp, resourceVersion and, for generateName, the name. */
  create<T extends KubeObject>(kind: ResourceKind, obj: T): Promise<T>;
  /** Replaces the object; fails with ConflictError when metadata.resourceVersion is stale. */
  update<T extends KubeObject>(kind: ResourceKind, obj: T, opts?: UpdateOptions): Promise<T>;
  /** RFC 7386 JSON merge patch. */
  patch<T extends KubeObject>(
    kind: ResourceKind,
    namespace: string,
    name: string,
    patch: unknown,
  ): Promise<T>;
  delete(kind: ResourceKind, namespace: string, name: string, opts?: DeleteOptions): Promise<void>;
  watch<T extends KubeObject>(
    kind: ResourceKind,
    opts: WatchOptions,
    onEvent: (event: WatchEvent<T>) => void,
    onError?: (err: Error) => void,
  ): Watch;
  close(): Promise<void>;
}

/** Errors carry the HTTP status Kubernetes and the Argo Server use for the same condition. */
export class StoreError extends Error {
  constructor(
    message: string,
    readonly code: number,
    readonly reason: string,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

export class NotFoundError extends StoreError {
  constructor(kind: ResourceKind, name: string) {
    super(`${pluralOf(kind)} "${name}" not found`, 404, 'NotFound');
  }
}

export class AlreadyExistsError extends StoreError {
  constructor(kind: ResourceKind, name: string) {
    super(`${pluralOf(kind)} "${name}" already exists`, 409, 'AlreadyExists');
  }
}

export class ConflictError extends StoreError {
  constructor(kind: ResourceKind, name: string) {
    super(
      `Operation cannot be fulfilled on ${pluralOf(kind)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
      409,
      'Conflict',
    );
  }
}

export class InvalidError extends StoreError {
  constructor(message: string) {
    super(message, 400, 'Invalid');
  }
}

/** The resource name Kubernetes prints in errors, e.g. `workflows.argoproj.io`. */
export function pluralOf(kind: ResourceKind): string {
  const { group } = groupVersionOf(kind);
  return group === '' ? KIND_TABLE[kind].plural : `${KIND_TABLE[kind].plural}.${group}`;
}

/** A kind's API group ('' for the core group) and version, split from its apiVersion. */
export function groupVersionOf(kind: ResourceKind): { group: string; version: string } {
  const apiVersion = KIND_TABLE[kind].apiVersion;
  const slash = apiVersion.indexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}
