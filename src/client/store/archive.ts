// The workflow archive: against a cluster it lives in the Argo Server's database, and a client
// that talks to the Kubernetes API has no way to it, as upstream's CLI has none outside "Argo
// Server mode". The local backend reads its own archive ($ARGO_HOME) directly.
import type { ArchiveListOptions, ArchiveRef, ListResponse } from '../../model/service.js';
import type { Workflow } from '../../model/workflow.js';
import type { ArchiveListOptions as ArchiveQuery, WorkflowArchive } from '../../persist/archive-api.js';
import { labelValuesKey } from '../../persist/label-query.js';
import { ArgoError } from '../types.js';
import type { ClientHost } from './host.js';

/**
 * upstream's CLI words when it talks to the Kubernetes API and is asked for what only the Argo
 * Server has (its ErrNoArgoServer), the documentation link at "latest" as this CLI has no release
 * branch of upstream's documentation.
 */
export const NO_ARGO_SERVER =
  'this is impossible if you are not using the Argo Server, see https://argo-workflows.readthedocs.io/en/latest/cli/argo';

export function archiveNeedsServer(backend: ClientHost['backend']): ArgoError {
  if (backend === 'kube') return new ArgoError(NO_ARGO_SERVER, 501);
  return new ArgoError(
    'the workflow archive is kept by the Argo Server with persistence configured; this local backend has no archive of its own. Point the CLI at such a server with --argo-server or ARGO_SERVER',
    501,
  );
}

/**
 * Why the CLI on the Kubernetes API cannot show a workflow whose nodes were offloaded to the
 * database: only the Argo Server reads that database. upstream's CLI fails the same read ("offload
 * node status is not supported"); this names the workflow and the way that works.
 */
export function offloadNeedsServer(wf: Workflow): string {
  const name = `${wf.metadata.namespace ?? ''}/${wf.metadata.name ?? ''}`;
  return `workflow ${name} has its nodes offloaded to the database (status.offloadNodeStatusVersion): ${NO_ARGO_SERVER}`;
}

/** The backend's own archive, or the error saying it needs the Argo Server. */
export function archiveOf(host: ClientHost): Promise<WorkflowArchive> {
  return host.archive ? host.archive() : Promise.reject(archiveNeedsServer(host.backend));
}

/** A page of the archive: the continue token is the offset of the next page, as the Argo Server's is. */
export async function listArchive(
  archive: WorkflowArchive,
  namespace: string,
  opts: ArchiveListOptions,
): Promise<ListResponse<Workflow>> {
  const offset = opts.continue ? Number(opts.continue) : 0;
  if (!Number.isInteger(offset) || offset < 0)
    throw new ArgoError(
      `invalid continue token "${opts.continue}": expected the offset of the next page`,
      400,
    );
  const limit = opts.limit ?? 0;
  const byName = opts.nameFilter && opts.nameFilter !== 'Prefix';
  const query: ArchiveQuery = {
    namespace,
    labelSelector: opts.labelSelector,
    namePrefix: byName ? undefined : opts.namePrefix,
    name: byName ? opts.namePrefix : undefined,
    nameFilter: byName ? opts.nameFilter : undefined,
    // One more than asked tells whether another page exists.
    limit: limit > 0 ? limit + 1 : 0,
    offset,
  };
  if (opts.fieldSelector) Object.assign(query, await fieldSelection(namespace, opts.fieldSelector));
  const items = await archive.list(query).catch((err: Error) => {
    throw new ArgoError(err.message, 400);
  });
  if (limit > 0 && items.length > limit)
    return { metadata: { continue: String(offset + limit) }, items: items.slice(0, limit) };
  return { metadata: {}, items };
}

/**
 * What a field selector selects in the archive, read as the Argo Server reads the archived list's
 * (metadata.namespace, metadata.name, spec.startedAt bounds); what it refuses is the caller's error.
 */
async function fieldSelection(namespace: string, fieldSelector: string): Promise<Partial<ArchiveQuery>> {
  const { workflowListCriteria } = await import('../../server/workflow-list.js');
  let c;
  try {
    c = workflowListCriteria({ namespace, fieldSelector });
  } catch (err) {
    throw new ArgoError((err as Error).message, 400);
  }
  return {
    namespace: c.namespace,
    namespaceNotEquals: c.namespaceNotEquals || undefined,
    minStartedAt: c.minStartedAt,
    maxStartedAt: c.maxStartedAt,
    ...(c.name ? { name: c.name, nameFilter: c.nameFilter || 'Exact', namePrefix: undefined } : {}),
  };
}

export async function findArchived(archive: WorkflowArchive, ref: ArchiveRef): Promise<Workflow> {
  if (!ref.uid && !(ref.namespace && ref.name))
    throw new ArgoError('both name and namespace are required if uid is not specified', 400);
  const wf = await archive.get(ref.uid ?? '', ref.namespace ?? '', ref.name ?? '');
  if (!wf) throw new ArgoError('not found', 404);
  return wf;
}

/** The key of a list-label-values selector; a bad selector is the caller's error. */
export function labelKeyOf(labelSelector: string): string {
  try {
    return labelValuesKey(labelSelector);
  } catch (err) {
    throw new ArgoError((err as Error).message, 400);
  }
}
