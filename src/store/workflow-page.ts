// One page of workflows as the Argo Server lists them (server/workflow-list.ts parses the request
// into this): selected by namespace, name, start, creation and finish times and labels, ordered
// newest started first, paged by offset. A store that can do this itself (the SQLite store, with
// an index on the start time) parses only the page; others are paged in memory by the server.
import type { KubeObject } from '../model/meta.js';
import type { ResourceStore } from './types.js';

export interface WorkflowPageQuery {
  /** '' for every namespace. */
  namespace: string;
  /** The namespace is the one to leave out (`metadata.namespace!=`). */
  namespaceNotEquals: boolean;
  /** '' for any name; else matched per nameFilter. */
  name: string;
  /** Exact (also ''), Contains, Prefix or NotEquals. */
  nameFilter: string;
  /** Bounds in ms since the epoch, as timeOf gives them. */
  minStartedAt?: number;
  maxStartedAt?: number;
  createdAfter?: number;
  finishedBefore?: number;
  labelSelector?: string;
  offset: number;
  /** 0 for no limit. */
  limit: number;
  /** Count every match after the page; otherwise `remaining` only says whether there is one. */
  countRemaining: boolean;
}

export interface WorkflowPageResult<T> {
  items: T[];
  /** Matches after the page: their count, or 0/1 when countRemaining was false. */
  remaining: number;
  resourceVersion: string;
}

export interface WorkflowPager {
  pageWorkflows<T extends KubeObject>(query: WorkflowPageQuery): Promise<WorkflowPageResult<T>>;
}

/** A timestamp as the list compares it: ms since the epoch, 0 when unset or unreadable. */
export function timeOf(value: unknown): number {
  return (typeof value === 'string' && value ? Date.parse(value) : 0) || 0;
}

export function canPageWorkflows(store: ResourceStore): store is ResourceStore & WorkflowPager {
  return typeof (store as Partial<WorkflowPager>).pageWorkflows === 'function';
}
