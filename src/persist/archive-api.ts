// What the server and CLI ask of a workflow archive, whatever database (or none) holds it.
import type { Workflow } from '../model/workflow.js';

export interface ArchiveListOptions {
  namespace?: string;
  /** `Exact` (default), `Contains`, `Prefix` or `NotEquals`, applied to `name`. */
  nameFilter?: string;
  name?: string;
  namePrefix?: string;
  labelSelector?: string;
  /** `namespace` is the one to leave out (a `metadata.namespace!=` field selector). */
  namespaceNotEquals?: boolean;
  /** Bounds in ms since the epoch: started within, created after, finished before. */
  minStartedAt?: number;
  maxStartedAt?: number;
  createdAfter?: number;
  finishedBefore?: number;
  /** 0: no limit. */
  limit: number;
  offset: number;
}

export interface WorkflowArchive {
  readonly enabled: boolean;
  /** Most recently started first; each record carries the summary fields a list shows, not the whole workflow. */
  list(opts: ArchiveListOptions): Promise<Workflow[]>;
  count(opts: ArchiveListOptions): Promise<number>;
  /** By uid, or by namespace and name when uid is ''. Undefined when there is no such record. */
  get(uid: string, namespace: string, name: string): Promise<Workflow | undefined>;
  delete(uid: string): Promise<void>;
  labelKeys(): Promise<string[]>;
  labelValues(key: string): Promise<string[]>;
}
