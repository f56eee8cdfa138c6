// The workflows list as live state: one page from the API, then the watch stream's events applied to
// it (from the list's resourceVersion, so nothing between the two is missed), newest first.
import { useCallback, useEffect, useState } from 'react';
import { get } from '../api/http';
import { watch } from '../api/stream';
import type { List, Workflow } from '../api/types';

export const PAGE_SIZE = 50;

// Only what the list shows: a workflow's nodes can be large, and a page may hold many.
const ITEM_FIELDS = [
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
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

const newestFirst = (a: Workflow, b: Workflow): number =>
  (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? '') ||
  (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '');

export interface WorkflowsState {
  items?: Workflow[];
  error?: unknown;
  streamError?: string;
  more: boolean;
  loadMore: () => void;
}

export function useWorkflows(namespace: string, selector: string): WorkflowsState {
  const [items, setItems] = useState<Workflow[]>();
  const [error, setError] = useState<unknown>();
  const [streamError, setStreamError] = useState<string>();
  const [next, setNext] = useState<string>();

  useEffect(() => {
    let stop: (() => void) | undefined;
    const abort = new AbortController();
    setItems(undefined);
    setError(undefined);
    get<List<Workflow>>(
      `workflows/${encodeURIComponent(namespace)}`,
      { 'listOptions.labelSelector': selector, 'listOptions.limit': PAGE_SIZE, fields: LIST_FIELDS },
      abort.signal,
    ).then(
      (list) => {
        if (abort.signal.aborted) return;
        setItems([...(list.items ?? [])].sort(newestFirst));
        setNext(list.metadata?.continue || undefined);
        stop = watch<Workflow>(
          `workflow-events/${encodeURIComponent(namespace)}`,
          {
            'listOptions.labelSelector': selector,
            'listOptions.resourceVersion': list.metadata?.resourceVersion,
            fields: WATCH_FIELDS,
          },
          (event) =>
            setItems((current = []) => {
              const uid = event.object.metadata.uid;
              const rest = current.filter((w) => w.metadata.uid !== uid);
              return event.type === 'DELETED' ? rest : [...rest, event.object].sort(newestFirst);
            }),
          setStreamError,
        );
      },
      (err: unknown) => !abort.signal.aborted && setError(err),
    );
    return () => {
      abort.abort();
      stop?.();
    };
  }, [namespace, selector]);

  const loadMore = useCallback(() => {
    if (!next) return;
    get<List<Workflow>>(`workflows/${encodeURIComponent(namespace)}`, {
      'listOptions.labelSelector': selector,
      'listOptions.limit': PAGE_SIZE,
      'listOptions.continue': next,
      fields: LIST_FIELDS,
    }).then(
      (list) => {
        setItems((current = []) => {
          const known = new Set(current.map((w) => w.metadata.uid));
          return [...current, ...(list.items ?? []).filter((w) => !known.has(w.metadata.uid))].sort(
            newestFirst,
          );
        });
        setNext(list.metadata?.continue || undefined);
      },
      (err: unknown) => setError(err),
    );
  }, [namespace, selector, next]);

  return { items, error, streamError, more: next !== undefined, loadMore };
}
