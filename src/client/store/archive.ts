// The workflow archive: against a cluster it lives in the Argo Server's database, and a client
// that talks to the Kubernetes API has no way to it, as upstream's CLI has none outside "Argo
// Server mode". The local backend reads its own archive ($ARGO_HOME) directly.
import type { ArchiveListOptions, ArchiveRef, ListResponse } from '../../model/service.js';
import type { Workflow } from '../../model/workflow.js';
import type { WorkflowArchive } from '../../persist/archive-api.js';
import { labelValuesKey } from '../../persist/label-query.js';
import { ArgoError } from '../types.js';
import type { ClientHost } from './host.js';

const WHERE: Record<ClientHost['backend'], string> = {
  local: 'this local backend has no archive of its own',
  kube: 'talking to the Kubernetes API directly, the CLI cannot reach it (argo archive requires the Argo Server)',
};

export function archiveNeedsServer(backend: ClientHost['backend']): ArgoError {
  return new ArgoError(
    `the workflow archive is kept by the Argo Server with persistence configured; ${WHERE[backend]}. Point the CLI at such a server with --argo-server or ARGO_SERVER`,
    501,
  );
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
  if (opts.fieldSelector)
    throw new ArgoError(
      `field selector "${opts.fieldSelector}": the local archive does not take field selectors yet; use --prefix or -l`,
      400,
    );
  const limit = opts.limit ?? 0;
  const byName = opts.nameFilter && opts.nameFilter !== 'Prefix';
  const query = {
    namespace,
    labelSelector: opts.labelSelector,
    namePrefix: byName ? undefined : opts.namePrefix,
    name: byName ? opts.namePrefix : undefined,
    nameFilter: byName ? opts.nameFilter : undefined,
    // One more than asked tells whether another page exists.
    limit: limit > 0 ? limit + 1 : 0,
    offset,
  };
  const items = await archive.list(query).catch((err: Error) => {
    throw new ArgoError(err.message, 400);
  });
  if (limit > 0 && items.length > limit)
    return { metadata: { continue: String(offset + limit) }, items: items.slice(0, limit) };
  return { metadata: {}, items };
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
