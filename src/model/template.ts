// Template and the pieces of a workflow spec that templates are made of (argoproj.io/v1alpha1).
import type {
  ConfigMapKeySelector,
  Container,
  IntOrString,
  LabelSelector,
  LocalObjectReference,
  ResourceRequirements,
  SecretKeySelector,
  Volume,
  VolumeMount,
} from './meta.js';

export interface ValueFrom {
  configMapKeyRef?: ConfigMapKeySelector;
  default?: string;
  event?: string;
  expression?: string;
  jqFilter?: string;
  jsonPath?: string;
  parameter?: string;
  path?: string;
  supplied?: Record<string, never>;
}

export interface Parameter {
  name: string;
  value?: string;
  default?: string;
  description?: string;
  enum?: string[];
  globalName?: string;
  valueFrom?: ValueFrom;
}

export interface ArchiveStrategy {
  none?: Record<string, never>;
  tar?: { compressionLevel?: number };
  zip?: Record<string, never>;
}

export interface S3Artifact {
  bucket?: string;
  endpoint?: string;
  key?: string;
  region?: string;
  insecure?: boolean;
  accessKeySecret?: SecretKeySelector;
  secretKeySecret?: SecretKeySelector;
  sessionTokenSecret?: SecretKeySelector;
  caSecret?: SecretKeySelector;
  roleARN?: string;
  useSDKCreds?: boolean;
  addressingStyle?: string;
  createBucketIfNotPresent?: { objectLocking?: boolean };
  encryptionOptions?: Record<string, unknown>;
}

export interface HTTPArtifact {
  url: string;
  headers?: { name: string; value: string }[];
  auth?: Record<string, unknown>;
  saveStreamViaFile?: boolean;
}

export interface GitArtifact {
  repo: string;
  revision?: string;
  branch?: string;
  depth?: number;
  fetch?: string[];
  singleBranch?: boolean;
  disableSubmodules?: boolean;
  insecureIgnoreHostKey?: boolean;
  insecureSkipTLS?: boolean;
  usernameSecret?: SecretKeySelector;
  passwordSecret?: SecretKeySelector;
  sshPrivateKeySecret?: SecretKeySelector;
}

export interface ArtifactGC {
  strategy?: string;
  podMetadata?: Metadata;
  serviceAccountName?: string;
}

/** Where an artifact lives; any one of the repository kinds. */
export interface ArtifactLocation {
  archiveLogs?: boolean;
  s3?: S3Artifact;
  http?: HTTPArtifact;
  git?: GitArtifact;
  raw?: { data: string };
  artifactory?: Record<string, unknown>;
  azure?: Record<string, unknown>;
  gcs?: Record<string, unknown>;
  hdfs?: Record<string, unknown>;
  oss?: Record<string, unknown>;
  plugin?: Record<string, unknown>;
}

export interface Artifact extends ArtifactLocation {
  name: string;
  path?: string;
  mode?: number;
  from?: string;
  fromExpression?: string;
  subPath?: string;
  optional?: boolean;
  globalName?: string;
  archive?: ArchiveStrategy;
  artifactGC?: ArtifactGC;
  deleted?: boolean;
  recurseMode?: boolean;
}

export interface Inputs {
  parameters?: Parameter[];
  artifacts?: Artifact[];
}

export interface Outputs {
  parameters?: Parameter[];
  artifacts?: Artifact[];
  result?: string;
  exitCode?: string;
}

export interface Arguments {
  parameters?: Parameter[];
  artifacts?: Artifact[];
}

export interface Metadata {
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
}

export interface Backoff {
  duration?: string;
  factor?: IntOrString;
  cap?: string;
  maxDuration?: string;
}

export interface RetryStrategy {
  limit?: IntOrString;
  retryPolicy?: 'Always' | 'OnFailure' | 'OnError' | 'OnTransientError' | string;
  backoff?: Backoff;
  expression?: string;
  affinity?: { nodeAntiAffinity?: Record<string, never> };
}

export interface ContinueOn {
  error?: boolean;
  failed?: boolean;
}

export interface TemplateRef {
  name?: string;
  template?: string;
  clusterScope?: boolean;
}

export interface LifecycleHook {
  template?: string;
  templateRef?: TemplateRef;
  arguments?: Arguments;
  expression?: string;
}

export type LifecycleHooks = Record<string, LifecycleHook>;

export interface Sequence {
  count?: IntOrString;
  start?: IntOrString;
  end?: IntOrString;
  format?: string;
}

/** A withItems entry: any JSON value. */
export type Item = unknown;

export interface WorkflowStep {
  name?: string;
  template?: string;
  templateRef?: TemplateRef;
  inline?: Template;
  arguments?: Arguments;
  when?: string;
  withItems?: Item[];
  withParam?: string;
  withSequence?: Sequence;
  continueOn?: ContinueOn;
  onExit?: string;
  hooks?: LifecycleHooks;
}

export type ParallelSteps = WorkflowStep[];

export interface DAGTask {
  name: string;
  template?: string;
  templateRef?: TemplateRef;
  inline?: Template;
  arguments?: Arguments;
  dependencies?: string[];
  depends?: string;
  when?: string;
  withItems?: Item[];
  withParam?: string;
  withSequence?: Sequence;
  continueOn?: ContinueOn;
  onExit?: string;
  hooks?: LifecycleHooks;
}

export interface DAGTemplate {
  tasks: DAGTask[];
  target?: string;
  failFast?: boolean;
}

export interface SuspendTemplate {
  duration?: string;
}

export interface UserContainer extends Container {
  name: string;
  mirrorVolumeMounts?: boolean;
}

export interface ScriptTemplate extends Container {
  image: string;
  source: string;
}

export interface ContainerNode extends Container {
  name: string;
  dependencies?: string[];
}

export interface ContainerSetTemplate {
  containers: ContainerNode[];
  volumeMounts?: VolumeMount[];
  retryStrategy?: { duration?: string; retries: IntOrString };
}

export interface HTTPHeader {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: SecretKeySelector };
}

export interface HTTP {
  url: string;
  method?: string;
  headers?: HTTPHeader[];
  body?: string;
  bodyFrom?: { bytes?: string };
  successCondition?: string;
  timeoutSeconds?: number;
  insecureSkipVerify?: boolean;
}

export interface TransformationStep {
  expression: string;
}

export interface Data {
  source: { artifactPaths?: Artifact & { name?: string } };
  transformation: TransformationStep[];
}

export interface ResourceTemplate {
  action: string;
  manifest?: string;
  manifestFrom?: { artifact: Artifact };
  mergeStrategy?: string;
  successCondition?: string;
  failureCondition?: string;
  setOwnerReference?: boolean;
  flags?: string[];
}

export interface Mutex {
  name?: string;
  namespace?: string;
  database?: boolean;
}

export interface SemaphoreRef {
  configMapKeyRef?: ConfigMapKeySelector;
  database?: { key: string };
  namespace?: string;
}

export interface Synchronization {
  mutexes?: Mutex[];
  semaphores?: SemaphoreRef[];
}

export interface Memoize {
  key: string;
  maxAge: string;
  cache: { configMap: LocalObjectReference };
}

export interface Prometheus {
  name: string;
  help: string;
  labels?: { key: string; value: string }[];
  when?: string;
  gauge?: { value: string; realtime?: boolean; operation?: string };
  counter?: { value: string };
  histogram?: { value: string; buckets: number[] };
}

export interface Metrics {
  prometheus: Prometheus[];
}

export interface Template {
  name?: string;
  inputs?: Inputs;
  outputs?: Outputs;
  metadata?: Metadata;
  daemon?: boolean;
  steps?: ParallelSteps[];
  dag?: DAGTemplate;
  container?: Container;
  containerSet?: ContainerSetTemplate;
  script?: ScriptTemplate;
  resource?: ResourceTemplate;
  suspend?: SuspendTemplate;
  http?: HTTP;
  data?: Data;
  plugin?: Record<string, unknown>;
  volumes?: Volume[];
  initContainers?: UserContainer[];
  sidecars?: UserContainer[];
  archiveLocation?: ArtifactLocation;
  activeDeadlineSeconds?: IntOrString;
  retryStrategy?: RetryStrategy;
  parallelism?: number;
  failFast?: boolean;
  timeout?: string;
  memoize?: Memoize;
  synchronization?: Synchronization;
  metrics?: Metrics;
  nodeSelector?: Record<string, string>;
  affinity?: Record<string, unknown>;
  tolerations?: Record<string, unknown>[];
  schedulerName?: string;
  priorityClassName?: string;
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  executor?: { serviceAccountName?: string };
  hostAliases?: { ip: string; hostnames?: string[] }[];
  securityContext?: Record<string, unknown>;
  podSpecPatch?: string;
  podResources?: ResourceRequirements;
  resourceClaims?: Record<string, unknown>[];
  annotations?: Record<string, string>;
  pendingTimeout?: string;
}

export type { LabelSelector };
