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

export const CLUSTER_SCOPED: ReadonlySet<ResourceKind> = new Set([
  'ClusterWorkflowTemplate',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
]);

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
}

export interface DeleteOptions {
  /** Only delete when the stored object still has this resourceVersion. */
  resourceVersion?: string;
}

export interface ResourceStore {
  get<T extends KubeObject>(kind: ResourceKind, namespace: string, name: string): Promise<T | undefined>;
  list<T extends KubeObject>(kind: ResourceKind, opts?: ListOptions): Promise<ListResult<T>>;
  /** Assigns uid, creationTimestamp, resourceVersion and, for generateName, the name. */
  create<T extends KubeObject>(kind: ResourceKind, obj: T): Promise<T>;
  /** Replaces the object; fails with ConflictError when metadata.resourceVersion is stale. */
  update<T extends KubeObject>(kind: ResourceKind, obj: T): Promise<T>;
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

const PLURALS: Record<ResourceKind, string> = {
  Workflow: 'workflows.argoproj.io',
  WorkflowTemplate: 'workflowtemplates.argoproj.io',
  ClusterWorkflowTemplate: 'clusterworkflowtemplates.argoproj.io',
  CronWorkflow: 'cronworkflows.argoproj.io',
  WorkflowTaskResult: 'workflowtaskresults.argoproj.io',
  WorkflowEventBinding: 'workfloweventbindings.argoproj.io',
  Pod: 'pods',
  ConfigMap: 'configmaps',
  Secret: 'secrets',
  Lease: 'leases.coordination.k8s.io',
  PersistentVolumeClaim: 'persistentvolumeclaims',
  ServiceAccount: 'serviceaccounts',
  Service: 'services',
  Deployment: 'deployments.apps',
  Role: 'roles.rbac.authorization.k8s.io',
  RoleBinding: 'rolebindings.rbac.authorization.k8s.io',
  ClusterRole: 'clusterroles.rbac.authorization.k8s.io',
  ClusterRoleBinding: 'clusterrolebindings.rbac.authorization.k8s.io',
  CustomResourceDefinition: 'customresourcedefinitions.apiextensions.k8s.io',
};

/** The resource name Kubernetes prints in errors, e.g. `workflows.argoproj.io`. */
export function pluralOf(kind: ResourceKind): string {
  return PLURALS[kind];
}
