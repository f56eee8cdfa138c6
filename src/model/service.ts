// The Argo services as one TypeScript interface over the model: what every client backend
// implements and what the Argo Server serves. Method shapes follow the services in swagger.json,
// so the http backend is a thin mapping. It lives below the client layer so the server (which the
// client layer sits above) can name these types without importing a client.
import type { Readable } from 'node:stream';
import type {
  ClusterWorkflowTemplate,
  CronWorkflow,
  SubmitOpts,
  Workflow,
  WorkflowTemplate,
} from './workflow.js';

export type { SubmitOpts };

export type BackendName = 'local' | 'http' | 'kube';

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
}

export interface ListResponse<T> {
  metadata: { resourceVersion?: string; continue?: string };
  items: T[];
}

export interface WatchEvent<T> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: T;
}

export interface CreateOptions {
  /** Validate and return the object without storing it (client-side dry run). */
  dryRun?: boolean;
  /** Ask the backend to run admission without storing. */
  serverDryRun?: boolean;
  /**
   * Checked after validation, just before the object is stored (where the backend stores it here):
   * a caller that gave up during a long validation gets the signal's reason and nothing is stored.
   */
  signal?: AbortSignal;
}

export type SubmitFromKind = 'workflowtemplate' | 'clusterworkflowtemplate' | 'cronwf' | 'cronworkflow';

/**
 * The names `submit --from KIND/NAME` accepts for each kind, as upstream's server matches them (Kind,
 * singular, plural and short name), plus the short names `argo cron`/`argo cluster-template` answer to.
 * Case matters, as it does upstream: `CronWorkflow` is accepted, `CRONWORKFLOW` is not.
 */
const SUBMIT_FROM_KINDS: Readonly<Record<string, SubmitFromKind>> = {
  CronWorkflow: 'cronworkflow',
  cronworkflow: 'cronworkflow',
  cronworkflows: 'cronworkflow',
  cronwf: 'cronworkflow',
  cwf: 'cronworkflow',
  WorkflowTemplate: 'workflowtemplate',
  workflowtemplate: 'workflowtemplate',
  workflowtemplates: 'workflowtemplate',
  wftmpl: 'workflowtemplate',
  ClusterWorkflowTemplate: 'clusterworkflowtemplate',
  clusterworkflowtemplate: 'clusterworkflowtemplate',
  clusterworkflowtemplates: 'clusterworkflowtemplate',
  cwftmpl: 'clusterworkflowtemplate',
  cwft: 'clusterworkflowtemplate',
};

/** The kind a `--from` kind name stands for, or undefined when submit cannot start from it. */
export function submitFromKind(name: string): SubmitFromKind | undefined {
  return Object.hasOwn(SUBMIT_FROM_KINDS, name) ? SUBMIT_FROM_KINDS[name] : undefined;
}

export interface LogOptions {
  podName?: string;
  container?: string;
  follow?: boolean;
  previous?: boolean;
  sinceSeconds?: number;
  /** RFC3339 */
  sinceTime?: string;
  timestamps?: boolean;
  tailLines?: number;
  grep?: string;
  selector?: string;
}

/** One log line; `podName` names the pod it came from, as the Argo Server streams it. */
export interface LogEntry {
  podName: string;
  content: string;
}

/** WorkflowRetryRequest. */
export interface RetryOpts extends ActingOpts {
  restartSuccessful?: boolean;
  nodeFieldSelector?: string;
  /** NAME=VALUE overrides of the workflow's arguments. */
  parameters?: string[];
}

/** WorkflowResubmitRequest. */
export interface ResubmitOpts extends ActingOpts {
  memoized?: boolean;
  /** NAME=VALUE overrides of the workflow's arguments. */
  parameters?: string[];
}

/** The identity claims Argo reads from a request: who asked for an operation. */
export interface Actor {
  subject?: string;
  email?: string;
  preferredUsername?: string;
}

/**
 * Who performs an operation, recorded in the workflow (actor labels, "Resumed by: ..."). The Argo
 * Server sets it from the request's identity; it is never sent on the wire.
 */
export interface ActingOpts {
  actor?: Actor;
}

/** WorkflowResumeRequest. */
export interface ResumeOpts extends ActingOpts {
  nodeFieldSelector?: string;
}

/** WorkflowStopRequest. */
export interface StopOpts extends ActingOpts {
  message?: string;
  nodeFieldSelector?: string;
}

/** WorkflowSetRequest. */
export interface SetOpts extends ActingOpts {
  message?: string;
  nodeFieldSelector?: string;
  /** A JSON object of output parameter names to values, e.g. `{"approve":"yes"}`. */
  outputParameters?: string;
  phase?: string;
}

/** ListArchivedWorkflowsRequest: list options plus a name match. */
export interface ArchiveListOptions extends ListOptions {
  namePrefix?: string;
  /** How `namePrefix` matches: Exact, Contains or Prefix (the server's default). */
  nameFilter?: 'Exact' | 'Contains' | 'Prefix';
}

/** An archived workflow is found by uid, or by namespace and name when the uid is not known. */
export interface ArchiveRef {
  uid?: string;
  namespace?: string;
  name?: string;
}

/** RetryArchivedWorkflowRequest. */
export interface ArchiveRetryOpts extends RetryOpts {
  namespace?: string;
}

/** ResubmitArchivedWorkflowRequest. */
export interface ArchiveResubmitOpts extends ResubmitOpts {
  namespace?: string;
}

/** sync.SyncConfigType: where a semaphore limit is kept. */
export type SyncConfigType = 'CONFIGMAP' | 'DATABASE';

/** sync.SyncLimitResponse and the create/update requests. */
export interface SyncLimit {
  namespace: string;
  key: string;
  /** The ConfigMap holding the key (CONFIGMAP type). */
  cmName?: string;
  limit: number;
  type: SyncConfigType;
}

/** Which limit a get or delete names. */
export type SyncLimitRef = Omit<SyncLimit, 'limit'>;

export interface VersionInfo {
  version: string;
  buildDate: string;
  gitCommit: string;
  gitTag: string;
  gitTreeState: string;
  goVersion: string;
  compiler: string;
  platform: string;
}

export interface ArgoClient {
  readonly backend: BackendName;
  /** The namespace commands use when none is given. */
  readonly namespace: string;

  createWorkflow(namespace: string, wf: Workflow, opts?: CreateOptions): Promise<Workflow>;
  /** With `actor` (the Argo Server's caller), the workflow's creator labels name it (or are cleared). */
  submitFrom(
    namespace: string,
    kind: SubmitFromKind,
    name: string,
    opts: SubmitOpts & ActingOpts,
  ): Promise<Workflow>;
  /** `@latest` names the most recently created workflow of the namespace. */
  getWorkflow(namespace: string, name: string): Promise<Workflow>;
  /** namespace '' lists every namespace. */
  listWorkflows(namespace: string, opts?: ListOptions): Promise<ListResponse<Workflow>>;
  deleteWorkflow(namespace: string, name: string): Promise<void>;
  lintWorkflow(namespace: string, wf: Workflow): Promise<Workflow>;
  /** Runs a Failed/Error workflow again from its failed nodes; the same object, updated. */
  retryWorkflow(namespace: string, name: string, opts?: RetryOpts): Promise<Workflow>;
  /** Creates a new workflow from an old one; returns the new workflow. */
  resubmitWorkflow(namespace: string, name: string, opts?: ResubmitOpts): Promise<Workflow>;
  resumeWorkflow(namespace: string, name: string, opts?: ResumeOpts): Promise<Workflow>;
  suspendWorkflow(namespace: string, name: string, opts?: ActingOpts): Promise<Workflow>;
  stopWorkflow(namespace: string, name: string, opts?: StopOpts): Promise<Workflow>;
  terminateWorkflow(namespace: string, name: string, opts?: ActingOpts): Promise<Workflow>;
  /** Sets phase, message or supplied outputs of suspend nodes (`argo node set`). */
  setWorkflow(namespace: string, name: string, opts: SetOpts): Promise<Workflow>;
  watchWorkflows(
    namespace: string,
    opts: ListOptions & { resourceVersion?: string },
    signal?: AbortSignal,
  ): AsyncIterable<WatchEvent<Workflow>>;
  workflowLogs(
    namespace: string,
    name: string,
    opts: LogOptions,
    signal?: AbortSignal,
  ): AsyncIterable<LogEntry>;

  createWorkflowTemplate(namespace: string, t: WorkflowTemplate): Promise<WorkflowTemplate>;
  getWorkflowTemplate(namespace: string, name: string): Promise<WorkflowTemplate>;
  listWorkflowTemplates(namespace: string, opts?: ListOptions): Promise<ListResponse<WorkflowTemplate>>;
  updateWorkflowTemplate(namespace: string, t: WorkflowTemplate): Promise<WorkflowTemplate>;
  deleteWorkflowTemplate(namespace: string, name: string): Promise<void>;
  lintWorkflowTemplate(namespace: string, t: WorkflowTemplate): Promise<WorkflowTemplate>;

  createClusterWorkflowTemplate(t: ClusterWorkflowTemplate): Promise<ClusterWorkflowTemplate>;
  getClusterWorkflowTemplate(name: string): Promise<ClusterWorkflowTemplate>;
  listClusterWorkflowTemplates(opts?: ListOptions): Promise<ListResponse<ClusterWorkflowTemplate>>;
  updateClusterWorkflowTemplate(t: ClusterWorkflowTemplate): Promise<ClusterWorkflowTemplate>;
  deleteClusterWorkflowTemplate(name: string): Promise<void>;
  lintClusterWorkflowTemplate(t: ClusterWorkflowTemplate): Promise<ClusterWorkflowTemplate>;

  // CronWorkflowService
  createCronWorkflow(namespace: string, cron: CronWorkflow): Promise<CronWorkflow>;
  getCronWorkflow(namespace: string, name: string): Promise<CronWorkflow>;
  /** namespace '' lists every namespace. */
  listCronWorkflows(namespace: string, opts?: ListOptions): Promise<ListResponse<CronWorkflow>>;
  /** Replaces the stored cron workflow of the same name (its resourceVersion must be current). */
  updateCronWorkflow(namespace: string, cron: CronWorkflow): Promise<CronWorkflow>;
  deleteCronWorkflow(namespace: string, name: string): Promise<void>;
  lintCronWorkflow(namespace: string, cron: CronWorkflow): Promise<CronWorkflow>;
  suspendCronWorkflow(namespace: string, name: string): Promise<CronWorkflow>;
  resumeCronWorkflow(namespace: string, name: string): Promise<CronWorkflow>;

  // ArchivedWorkflowService (needs an Argo Server with persistence)
  listArchivedWorkflows(namespace: string, opts?: ArchiveListOptions): Promise<ListResponse<Workflow>>;
  getArchivedWorkflow(ref: ArchiveRef): Promise<Workflow>;
  deleteArchivedWorkflow(ref: ArchiveRef): Promise<void>;
  listArchivedWorkflowLabelKeys(namespace?: string): Promise<string[]>;
  /** `labelSelector` names exactly one key, e.g. `workflows.argoproj.io/phase`. */
  listArchivedWorkflowLabelValues(labelSelector: string, namespace?: string): Promise<string[]>;
  /** Creates a new workflow from an archived one. */
  resubmitArchivedWorkflow(ref: ArchiveRef, opts?: ArchiveResubmitOpts): Promise<Workflow>;
  /** Brings an archived Failed/Error workflow back and runs it again from its failed nodes. */
  retryArchivedWorkflow(ref: ArchiveRef, opts?: ArchiveRetryOpts): Promise<Workflow>;

  // SyncService: semaphore limits
  createSyncLimit(limit: SyncLimit): Promise<SyncLimit>;
  getSyncLimit(ref: SyncLimitRef): Promise<SyncLimit>;
  updateSyncLimit(limit: SyncLimit): Promise<SyncLimit>;
  deleteSyncLimit(ref: SyncLimitRef): Promise<void>;

  /**
   * The stored bytes of a node's artifact (an output unless `direction` says inputs), as the
   * Argo Server's /artifacts and /input-artifacts routes serve them.
   */
  getArtifact(
    namespace: string,
    name: string,
    nodeId: string,
    artifactName: string,
    opts?: { direction?: 'inputs' | 'outputs' },
  ): Promise<Readable>;

  getVersion(): Promise<VersionInfo>;
  /** Release connections; the local backend hands running workflows to a detached controller. */
  close(): Promise<void>;
}
