// Archived workflows. Without a persistence configuration the Argo Server runs with a null archive:
// lists are empty and reading or deleting a record fails with the messages below.
import type { Workflow } from '../model/workflow.js';

export interface ArchiveListOptions {
  namespace?: string;
  /** `Exact` (default), `Contains`, `Prefix` or `NotEquals`, applied to `name`. */
  nameFilter?: string;
  name?: string;
  namePrefix?: string;
  labelSelector?: string;
  limit: number;
  offset: number;
}

export interface WorkflowArchive {
  readonly enabled: boolean;
  list(opts: ArchiveListOptions): Promise<Workflow[]>;
  count(opts: ArchiveListOptions): Promise<number>;
  /** By uid, or by namespace and name when uid is ''. Undefined when there is no such record. */
  get(uid: string, namespace: string, name: string): Promise<Workflow | undefined>;
  delete(uid: string): Promise<void>;
  labelKeys(): Promise<string[]>;
  labelValues(key: string): Promise<string[]>;
}

export const nullArchive: WorkflowArchive = {
  enabled: false,
  list: async () => [],
  count: async () => 0,
  get: async () => {
    throw new Error('getting archived workflows not supported');
  },
  delete: async () => {
    throw new Error('deleting archived workflows not supported');
  },
  labelKeys: async () => [],
  labelValues: async () => [],
};
