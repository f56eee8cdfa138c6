// Workflow, its spec and status, and the resources that share the workflow spec.
import type {
  KubeObject,
  LocalObjectReference,
  ObjectMeta,
  ObjectReference,
  PersistentVolumeClaim,
  ResourceRequirements,
  Volume,
} from './meta.js';
import type {
  ArtifactGC,
  Arguments,
  Inputs,
  LifecycleHooks,
  Metadata,
  Metrics,
  Outputs,
  RetryStrategy,
  Synchronization,
  Template,
  TemplateRef,
} from './template.js';

export const API_VERSION = 'argoproj.io/v1alpha1';

export interface WorkflowTemplateRef {
  name?: string;
  clusterScope?: boolean;
}

export interface TTLStrategy {
  secondsAfterCompletion?: number;
  secondsAfterSuccess?: number;
  secondsAfterFailure?: number;
}

export interface PodGC {
  strategy?: string;
  labelSelector?: Record<string, unknown>;
  deleteDelayDuration?: string;
}

export interface WorkflowLevelArtifactGC extends ArtifactGC {
  forceFinalizerRemoval?: boolean;
  podSpecPatch?: string;
}

export interface WorkflowMetadata {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  labelsFrom?: Record<string, { expression: string }>;
}

export interface ArtifactRepositoryRef {
  configMap?: string;
  key?: string;
}

export interface WorkflowSpec {
  entrypoint?: string;
  templates?: Template[];
  arguments?: Arguments;
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  executor?: { serviceAccountName?: string };
  volumes?: Volume[];
  volumeClaimTemplates?: PersistentVolumeClaim[];
  parallelism?: number;
  artifactRepositoryRef?: ArtifactRepositoryRef;
  suspend?: boolean;
  nodeSelector?: Record<string, string>;
  affinity?: Record<string, unknown>;
  tolerations?: Record<string, unknown>[];
  imagePullSecrets?: LocalObjectReference[];
  hostNetwork?: boolean;
  dnsPolicy?: string;
  dnsConfig?: Record<string, unknown>;
  onExit?: string;
  ttlStrategy?: TTLStrategy;
  activeDeadlineSeconds?: number;
  priority?: number;
  schedulerName?: string;
  podGC?: PodGC;
  podPriorityClassName?: string;
  hostAliases?: { ip: string; hostnames?: string[] }[];
  securityContext?: Record<string, unknown>;
  podSpecPatch?: string;
  podDisruptionBudget?: Record<string, unknown>;
  metrics?: Metrics;
  shutdown?: 'Stop' | 'Terminate' | string;
  workflowTemplateRef?: WorkflowTemplateRef;
  synchronization?: Synchronization;
  volumeClaimGC?: { strategy?: string };
  retryStrategy?: RetryStrategy;
  podMetadata?: Metadata;
  templateDefaults?: Template;
  archiveLogs?: boolean;
  hooks?: LifecycleHooks;
  workflowMetadata?: WorkflowMetadata;
  artifactGC?: WorkflowLevelArtifactGC;
  podResources?: ResourceRequirements;
  resourceClaims?: Record<string, unknown>[];
  executorPlugins?: Record<string, unknown>[];
}

export type WorkflowPhase = '' | 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Error';
export type NodePhase = 'Pending' | 'Running' | 'Succeeded' | 'Skipped' | 'Failed' | 'Error' | 'Omitted';
export type NodeType =
  | 'Pod'
  | 'Container'
  | 'Steps'
  | 'StepGroup'
  | 'DAG'
  | 'TaskGroup'
  | 'Retry'
  | 'Skipped'
  | 'Suspend'
  | 'HTTP'
  | 'Plugin';

export interface MemoizationStatus {
  hit: boolean;
  key: string;
  cacheName: string;
}

export interface NodeSynchronizationStatus {
  waiting?: string;
}

export interface NodeFlag {
  hooked?: boolean;
  retried?: boolean;
}

export interface NodeStatus {
  id: string;
  name: string;
  displayName?: string;
  type: NodeType;
  templateName?: string;
  templateRef?: TemplateRef;
  templateScope?: string;
  phase?: NodePhase;
  boundaryID?: string;
  message?: string;
  startedAt?: string;
  finishedAt?: string;
  estimatedDuration?: number;
  progress?: string;
  resourcesDuration?: Record<string, number>;
  podIP?: string;
  daemoned?: boolean;
  nodeFlag?: NodeFlag;
  inputs?: Inputs;
  outputs?: Outputs;
  children?: string[];
  outboundNodes?: string[];
  hostNodeName?: string;
  memoizationStatus?: MemoizationStatus;
  synchronizationStatus?: NodeSynchronizationStatus;
  failedPodRestarts?: number;
  restartingPodUID?: string;
  taskResultSynced?: boolean;
}

export interface Condition {
  type?: string;
  status?: string;
  message?: string;
}

export interface MutexHolding {
  mutex?: string;
  holder?: string;
}

export interface SemaphoreHolding {
  semaphore?: string;
  holders?: string[];
}

export interface SynchronizationStatus {
  mutex?: { holding?: MutexHolding[]; waiting?: MutexHolding[] };
  semaphore?: { holding?: SemaphoreHolding[]; waiting?: SemaphoreHolding[] };
}

export interface WorkflowStatus {
  phase?: WorkflowPhase;
  startedAt?: string;
  finishedAt?: string;
  estimatedDuration?: number;
  progress?: string;
  message?: string;
  compressedNodes?: string;
  nodes?: Record<string, NodeStatus>;
  offloadNodeStatusVersion?: string;
  storedTemplates?: Record<string, Template>;
  persistentVolumeClaims?: Volume[];
  outputs?: Outputs;
  conditions?: Condition[];
  resourcesDuration?: Record<string, number>;
  storedWorkflowTemplateSpec?: WorkflowSpec;
  synchronization?: SynchronizationStatus;
  artifactRepositoryRef?: Record<string, unknown>;
  artifactGCStatus?: {
    strategiesProcessed?: Record<string, boolean>;
    podsRecouped?: Record<string, boolean>;
    notSpecified?: boolean;
  };
  taskResultsCompletionStatus?: Record<string, boolean>;
}

export interface Workflow extends KubeObject {
  spec: WorkflowSpec;
  status?: WorkflowStatus;
}

export interface WorkflowTemplate extends KubeObject {
  spec: WorkflowSpec;
}

export interface ClusterWorkflowTemplate extends KubeObject {
  spec: WorkflowSpec;
}

export interface StopStrategy {
  expression: string;
}

export interface CronWorkflowSpec {
  workflowSpec: WorkflowSpec;
  schedules?: string[];
  /** Legacy single schedule, still accepted by Argo v4. */
  schedule?: string;
  timezone?: string;
  concurrencyPolicy?: 'Allow' | 'Forbid' | 'Replace' | string;
  startingDeadlineSeconds?: number;
  successfulJobsHistoryLimit?: number;
  failedJobsHistoryLimit?: number;
  suspend?: boolean;
  when?: string;
  stopStrategy?: StopStrategy;
  workflowMetadata?: ObjectMeta;
}

export interface CronWorkflowStatus {
  active?: ObjectReference[];
  lastScheduledTime?: string;
  conditions?: Condition[];
  succeeded?: number;
  failed?: number;
  phase?: string;
}

export interface CronWorkflow extends KubeObject {
  spec: CronWorkflowSpec;
  status?: CronWorkflowStatus;
}

/** Written by the executor (or the host runtime) to hand a node's outputs back to the controller. */
export interface WorkflowTaskResult extends KubeObject {
  outputs?: Outputs;
  phase?: NodePhase;
  message?: string;
  progress?: string;
}

export interface WorkflowList {
  apiVersion?: string;
  kind?: string;
  metadata: { resourceVersion?: string; continue?: string };
  items: Workflow[];
}

/** What `argo submit --from kind/name` sends (swagger: SubmitOpts). */
export interface SubmitOpts {
  name?: string;
  generateName?: string;
  entryPoint?: string;
  parameters?: string[];
  labels?: string;
  annotations?: string;
  serviceAccount?: string;
  dryRun?: boolean;
  serverDryRun?: boolean;
  ownerReference?: unknown;
  podPriorityClassName?: string;
  priority?: number;
}
