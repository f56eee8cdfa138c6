// The workflows list as live state: one page from the API (never more: a namespace may hold thousands),
// then the watch stream's events applied to it (from the list's resourceVersion, so nothing between the
// two is missed), with the count of all that match. Rows keep the server's order (unfinished first,
// then the latest finished), the order pages are cut in; a new workflow goes on top.
import { useEffect, useState } from 'react';
import { get } from '../api/http';
import { watch } from '../api/stream';
import type { List, Workflow } from '../api/types';
import { totalOf } from '../shared/pager';
import { isNotOlder } from '../shared/resource-version';

// Only what the list shows: a workflow's nodes can be large, and a page may hold many.
const ITEM_FIELDS = [
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  // So a late copy never replaces a newer one on the page.
  'metadata.resourceVersion',
  'metadata.creationTimestamp',
  'metadata.labels',
  'metadata.annotations',
  'spec.suspend',
  'status.phase',
  'status.message',
  'status.startedAt',
  'status.finishedAt',
  'status.progress',
];
const LIST_FIELDS = ['metadata', ...ITEM_FIELDS.map((f) => `items.${f}`)].join(',');
const WATCH_FIELDS = ['result.type', ...ITEM_FIELDS.map((f) => `result.object.${f}`)].join(',');

export function labelSelector(phases: string[], labels: string): string {
  const parts = labels.trim() ? [labels.trim()] : [];
  if (phases.length > 0) parts.push(`workflows.argoproj.io/phase in (${phases.join(',')})`);
  return parts.join(',');
}

/** Which page: the server's `continue` token for it (none for the first) and its size. */
export interface PageRequest {
  continue?: string;
  limit: number;
}

export interface WorkflowsState {
  items?: Workflow[];
  /** How many workflows match in all, on every page; kept current by the stream. */
  total?: number;
  /** The token of the next page, when there is one. */
  next?: string;
  error?: unknown;
  streamError?: string;
}

interface Loaded {
  items: Workflow[];
  total?: number;
  next?: string;
}

/**
 * A stream event applied to the page shown. Rows on the page follow their workflow; a workflow new to
 * the list (created, or come to match the filters) is counted, and shown only on the first page,
 * where the newest are; one that leaves the list is taken off the page and the count.
 */
function applied(page: Loaded, type: 'ADDED' | 'MODIFIED' | 'DELETED', wf: Workflow, first: boolean): Loaded {
  const uid = wf.metadata.uid;
  const at = page.items.findIndex((w) => w.metadata.uid === uid);
  const count = (delta: number): number | undefined =>
    page.total === undefined ? undefined : Math.max(page.total + delta, 0);
  if (type === 'DELETED')
    return { ...page, items: page.items.filter((w) => w.metadata.uid !== uid), total: count(-1) };
  if (at >= 0) {
    if (!isNotOlder(wf, page.items[at])) return page;
    const items = [...page.items];
    items[at] = wf;
    return { ...page, items };
  }
  if (type !== 'ADDED') return page;
  return {
    ...page,
    items: first ? [wf, ...page.items] : page.items,
    total: count(1),
  };
}

export function useWorkflows(namespace: string, selector: string, request: PageRequest): WorkflowsState {
  const [page, setPage] = useState<Loaded>();
  const [error, setError] = useState<unknown>();
  const [streamError, setStreamError] = useState<string>();
  const first = !request.continue;

  useEffect(() => {
    let stop: (() => void) | undefined;
    const abort = new AbortController();
    setPage(undefined);
    setError(undefined);
    get<List<Workflow>>(
      `workflows/${encodeURIComponent(namespace)}`,
      {
        'listOptions.labelSelector': selector,
        'listOptions.limit': request.limit,
        'listOptions.continue': request.continue,
        // The count of what lies beyond this page, so the page can say "of N".
        'listOptions.fieldSelector': 'ext.showRemainingItemCount=true',
        fields: LIST_FIELDS,
      },
      abort.signal,
    ).then(
      (list) => {
        if (abort.signal.aborted) return;
        const items = list.items ?? [];
        setPage({
          items,
          next: list.metadata?.continue || undefined,
          total: totalOf(request.continue, items.length, list.metadata?.remainingItemCount),
        });
        stop = watch<Workflow>(
          `workflow-events/${encodeURIComponent(namespace)}`,
          {
            'listOptions.labelSelector': selector,
            'listOptions.resourceVersion': list.metadata?.resourceVersion,
            fields: WATCH_FIELDS,
          },
          (event) => setPage((current) => current && applied(current, event.type, event.object, first)),
          setStreamError,
        );
      },
      (err: unknown) => !abort.signal.aborted && setError(err),
    );
    return () => {
      abort.abort();
      stop?.();
    };
  }, [namespace, selector, request.continue, request.limit, first]);

  return { items: page?.items, total: page?.total, next: page?.next, error, streamError };
}
