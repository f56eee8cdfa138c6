// The parts of Argo's resources the UI reads, as the Argo Server API sends them.

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  creationTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface Parameter {
  name: string;
  value?: string;
  default?: string;
  enum?: string[];
  description?: string;
}

export interface Artifact {
  name: string;
  path?: string;
  optional?: boolean;
  s3?: { key?: string };
}

export interface IO {
  parameters?: Parameter[];
  artifacts?: Artifact[];
  result?: string;
  exitCode?: string;
}

export type NodePhase = 'Pending' | 'Running' | 'Succeeded' | 'Skipped' | 'Failed' | 'Error' | 'Omitted';

export interface NodeStatus {
  id: string;
  name: string;
  displayName?: string;
  type: string;
  templateName?: string;
  templateRef?: { name?: string; template?: string };
  phase?: NodePhase;
  boundaryID?: string;
  message?: string;
  startedAt?: string;
  finishedAt?: string;
  progress?: string;
  children?: string[];
  outboundNodes?: string[];
  inputs?: IO;
  outputs?: IO;
  hostNodeName?: string;
}

export interface Template {
  name: string;
  inputs?: IO;
  container?: { image?: string };
  containerSet?: { containers?: { name: string }[] };
  dag?: unknown;
  steps?: unknown;
}

export interface WorkflowSpec {
  entrypoint?: string;
  arguments?: IO;
  templates?: Template[];
  workflowTemplateRef?: { name?: string; clusterScope?: boolean };
  suspend?: boolean;
  shutdown?: string;
}

export type WorkflowPhase = '' | 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Error';

export interface WorkflowStatus {
  phase?: WorkflowPhase;
  startedAt?: string;
  finishedAt?: string;
  progress?: string;
  message?: string;
  nodes?: Record<string, NodeStatus>;
  storedTemplates?: Record<string, Template>;
}

export interface Workflow {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec: WorkflowSpec;
  status?: WorkflowStatus;
}

export interface WorkflowTemplate {
  metadata: ObjectMeta;
  spec: WorkflowSpec;
}

export interface CronWorkflow {
  metadata: ObjectMeta;
  spec: {
    schedule?: string;
    schedules?: string[];
    timezone?: string;
    suspend?: boolean;
    concurrencyPolicy?: string;
    workflowSpec: WorkflowSpec;
  };
  status?: {
    active?: { name?: string; namespace?: string }[];
    lastScheduledTime?: string;
    conditions?: { type?: string; message?: string }[];
    phase?: string;
  };
}

export interface List<T> {
  metadata?: { continue?: string; resourceVersion?: string; remainingItemCount?: number };
  items?: T[] | null;
}

export interface WatchEvent<T> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: T;
}

export interface LogEntry {
  content?: string;
  podName?: string;
}

export interface Info {
  managedNamespace?: string;
  links?: { name: string; scope: string; url: string }[];
}
