// Listing workflows as the Argo Server does: the field selector understands only a few fields
// (namespace, name, startedAt and `ext.showRemainingItemCount`), `nameFilter` says how to match the
// name, `listOptions.continue` is an offset, and each page is ordered running-first, newest first.
// A store that pages workflows itself (store/workflow-page.ts) selects the page; others are listed
// whole and paged here.
import type { Workflow } from '../model/workflow.js';
import type { WorkflowArchive } from '../persist/archive-api.js';
import { mergedWorkflowPage, NOT_ARCHIVED, type LiveWorkflows } from '../persist/archive-merge.js';
import type { ResourceStore } from '../store/types.js';
import { canPageWorkflows, timeOf as time, type WorkflowPageQuery } from '../store/workflow-page.js';
import { ApiError, Code, invalid } from './errors.js';

export interface WorkflowListCriteria extends Omit<WorkflowPageQuery, 'labelSelector' | 'countRemaining'> {
  showRemainingItemCount: boolean;
}

function rfc3339(value: string): number {
  const t = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value) || Number.isNaN(t)) {
    throw new ApiError(
      Code.Internal,
      `parsing time ${JSON.stringify(value)} as "2006-01-02T15:04:05Z07:00": cannot parse`,
    );
  }
  return t;
}

export function workflowListCriteria(input: {
  namespace: string;
  fieldSelector?: string;
  nameFilter?: string;
  createdAfter?: string;
  finishedBefore?: string;
  limit?: number;
  continue?: string;
}): WorkflowListCriteria {
  const cont = input.continue || '0';
  if (!/^[+-]?\d+$/.test(cont)) throw invalid('listOptions.continue must be int');
  const offset = Number(cont);
  if (offset < 0) throw invalid('listOptions.continue must >= 0');
  const c: WorkflowListCriteria = {
    namespace: input.namespace,
    namespaceNotEquals: false,
    name: '',
    nameFilter: input.nameFilter ?? '',
    limit: input.limit ?? 0,
    offset,
    showRemainingItemCount: false,
  };
  if (input.createdAfter) c.createdAfter = rfc3339(input.createdAfter);
  if (input.finishedBefore) c.finishedBefore = rfc3339(input.finishedBefore);
  const namespaceFromSelector = (ns: string): void => {
    if (c.namespace === '' || c.namespace === ns) c.namespace = ns;
    else
      throw invalid(
        `'namespace' query param (${JSON.stringify(c.namespace)}) and fieldselector 'metadata.namespace' (${JSON.stringify(ns)}) are both specified and contradict each other`,
      );
  };
  for (const selector of (input.fieldSelector ?? '').split(',')) {
    if (selector === '') continue;
    const after = (prefix: string): string | undefined =>
      selector.startsWith(prefix) ? selector.slice(prefix.length) : undefined;
    let v: string | undefined;
    if ((v = after('metadata.namespace!=')) !== undefined) {
      c.namespace = v;
      c.namespaceNotEquals = true;
    } else if ((v = after('metadata.namespace==') ?? after('metadata.namespace=')) !== undefined) {
      namespaceFromSelector(v);
    } else if ((v = after('metadata.name!=')) !== undefined) {
      c.name = v;
      c.nameFilter = 'NotEquals';
    } else if ((v = after('metadata.name==') ?? after('metadata.name=')) !== undefined) {
      c.name = v;
    } else if ((v = after('spec.startedAt>')) !== undefined) {
      c.minStartedAt = rfc3339(v);
    } else if ((v = after('spec.startedAt<')) !== undefined) {
      c.maxStartedAt = rfc3339(v);
    } else if (selector.startsWith('ext.showRemainingItemCount')) {
      const flag = selector.slice('ext.showRemainingItemCount='.length);
      if (!/^(1|t|T|TRUE|true|True|0|f|F|FALSE|false|False)$/.test(flag)) {
        throw new ApiError(
          Code.Internal,
          `strconv.ParseBool: parsing ${JSON.stringify(flag)}: invalid syntax`,
        );
      }
      c.showRemainingItemCount = /^(1|t|T|TRUE|true|True)$/.test(flag);
    } else {
      throw invalid(`unsupported requirement ${selector}`);
    }
  }
  return c;
}

export function matchesCriteria(wf: Workflow, c: WorkflowListCriteria): boolean {
  const name = wf.metadata.name ?? '';
  const ns = wf.metadata.namespace ?? '';
  if (c.namespace !== '' && (c.namespaceNotEquals ? ns === c.namespace : ns !== c.namespace)) return false;
  if (c.name !== '') {
    switch (c.nameFilter || 'Exact') {
      case 'Exact':
        if (name !== c.name) return false;
        break;
      case 'Contains':
        if (!name.includes(c.name)) return false;
        break;
      case 'Prefix':
        if (!name.startsWith(c.name)) return false;
        break;
      case 'NotEquals':
        if (name === c.name) return false;
        break;
    }
  }
  const started = time(wf.status?.startedAt);
  if (c.minStartedAt !== undefined && started < c.minStartedAt) return false;
  if (c.maxStartedAt !== undefined && started > c.maxStartedAt) return false;
  if (c.createdAfter !== undefined && time(wf.metadata.creationTimestamp) < c.createdAfter) return false;
  if (
    c.finishedBefore !== undefined &&
    !(wf.status?.finishedAt && time(wf.status.finishedAt) <= c.finishedBefore)
  )
    return false;
  return true;
}

/** Upstream's page order: unfinished first (newest created first), then latest finished first. */
export function compareForPage(a: Workflow, b: Workflow): number {
  const af = time(a.status?.finishedAt);
  const bf = time(b.status?.finishedAt);
  if (!af && !bf) return time(b.metadata.creationTimestamp) - time(a.metadata.creationTimestamp);
  if (!af) return -1;
  if (!bf) return 1;
  return bf - af;
}

export interface WorkflowPage {
  items: Workflow[];
  continue?: string;
  remainingItemCount?: number;
}

/** The matching workflows, newest started first: the order pages are cut in. */
function matchingOf(all: Workflow[], c: WorkflowListCriteria): Workflow[] {
  return all
    .filter((wf) => matchesCriteria(wf, c))
    .sort((a, b) => time(b.status?.startedAt) - time(a.status?.startedAt));
}

/** One page of the matching workflows: selected newest-started first, then ordered for display. */
export function pageOf(all: Workflow[], c: WorkflowListCriteria): WorkflowPage {
  const matching = matchingOf(all, c);
  const items = c.limit > 0 ? matching.slice(c.offset, c.offset + c.limit) : matching.slice(c.offset);
  return shownPage(items, c, Math.max(matching.length - c.offset - items.length, 0));
}

/**
 * The page from a store that selects it itself, or undefined when the store cannot. Only what
 * the page holds is parsed: the SQLite store reads the other rows' labels and times, not objects.
 */
export async function pageFromStore(
  store: ResourceStore,
  c: WorkflowListCriteria,
  labelSelector: string | undefined,
): Promise<(WorkflowPage & { resourceVersion: string }) | undefined> {
  if (!canPageWorkflows(store)) return undefined;
  const page = await store.pageWorkflows<Workflow>({
    ...c,
    labelSelector,
    countRemaining: c.showRemainingItemCount,
  });
  return { ...shownPage(page.items, c, page.remaining), resourceVersion: page.resourceVersion };
}

function shownPage(items: Workflow[], c: WorkflowListCriteria, remaining: number): WorkflowPage {
  items.sort(compareForPage);
  return {
    items,
    continue: remaining > 0 ? String(c.offset + items.length) : undefined,
    remainingItemCount: c.showRemainingItemCount ? remaining : undefined,
  };
}

/**
 * One page of live and archived workflows together, as upstream v4's server merges them when it
 * has an archive (persist/archive-merge.ts). `listAll` lists the live workflows whole, for a store
 * that does not page them itself.
 */
export async function mergedPage(
  store: ResourceStore,
  archive: WorkflowArchive,
  c: WorkflowListCriteria,
  labelSelector: string | undefined,
  listAll: (labelSelector: string) => Promise<{ items: Workflow[]; resourceVersion?: string }>,
): Promise<WorkflowPage & { resourceVersion?: string }> {
  const liveSelector = labelSelector ? `${labelSelector},${NOT_ARCHIVED}` : NOT_ARCHIVED;
  let resourceVersion: string | undefined;
  let live: LiveWorkflows;
  if (canPageWorkflows(store)) {
    const query = { ...c, labelSelector: liveSelector };
    live = {
      count: async () => {
        const head = await store.pageWorkflows<Workflow>({
          ...query,
          offset: 0,
          limit: 1,
          countRemaining: true,
        });
        resourceVersion = head.resourceVersion;
        return head.items.length + head.remaining;
      },
      page: async (offset, limit) =>
        (await store.pageWorkflows<Workflow>({ ...query, offset, limit, countRemaining: false })).items,
    };
  } else {
    const all = await listAll(liveSelector);
    resourceVersion = all.resourceVersion;
    const matching = matchingOf(all.items, c);
    live = {
      count: async () => matching.length,
      page: async (offset, limit) =>
        limit > 0 ? matching.slice(offset, offset + limit) : matching.slice(offset),
    };
  }
  const { items, remaining } = await mergedWorkflowPage(
    live,
    archive,
    {
      namespace: c.namespace,
      namespaceNotEquals: c.namespaceNotEquals,
      name: c.name,
      nameFilter: c.nameFilter,
      minStartedAt: c.minStartedAt,
      maxStartedAt: c.maxStartedAt,
      createdAfter: c.createdAfter,
      finishedBefore: c.finishedBefore,
      labelSelector,
    },
    c.offset,
    c.limit,
  );
  return { ...shownPage(items, c, remaining), resourceVersion };
}
