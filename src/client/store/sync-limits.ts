// SyncService over a store (local or Kubernetes): semaphore limits are keys of ConfigMaps in the store, read by
// the controller's semaphores, or rows of the synchronization database (sync_limit, named
// `<namespace>/<key>`) when the backend reaches one. Errors carry the status and words the Argo Server gives.
import type { ConfigMap } from '../../model/meta.js';
import type { SyncDatabase } from '../../persist/sync-database.js';
import type { ResourceStore } from '../../store/types.js';
import type { SyncLimit, SyncLimitRef } from '../types.js';
import { ArgoError } from '../types.js';

/** Opens the backend's synchronization database; absent when it has none. */
export type SyncDatabaseOf = (() => Promise<SyncDatabase>) | undefined;

function checkType(ref: SyncLimitRef): void {
  if (ref.type === 'CONFIGMAP' || ref.type === 'DATABASE') return;
  throw new ArgoError(`unsupported sync config type: ${ref.type}`, 400);
}

async function databaseOf(open: SyncDatabaseOf): Promise<SyncDatabase> {
  if (!open)
    throw new ArgoError(
      'database sync limits need the synchronization database, which this backend does not reach (use the Argo Server, or --type configmap)',
      400,
    );
  return open();
}

const dbName = (ref: SyncLimitRef): string => `${ref.namespace}/${ref.key}`;

function checkLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit <= 0) throw new ArgoError('limit must be greater than zero', 400);
}

async function configMap(store: ResourceStore, ref: SyncLimitRef): Promise<ConfigMap> {
  const cm = await store.get<ConfigMap>('ConfigMap', ref.namespace, ref.cmName ?? '');
  if (!cm) throw new ArgoError(`configmaps "${ref.cmName ?? ''}" not found`, 404);
  return cm;
}

const result = (ref: SyncLimitRef, limit: number): SyncLimit => ({
  namespace: ref.namespace,
  key: ref.key,
  cmName: ref.cmName,
  limit,
  type: ref.type,
});

export async function createSyncLimit(
  store: ResourceStore,
  req: SyncLimit,
  syncDb?: SyncDatabaseOf,
): Promise<SyncLimit> {
  checkLimit(req.limit);
  checkType(req);
  if (req.type === 'DATABASE') {
    const db = await databaseOf(syncDb);
    if ((await db.getLimit(dbName(req))) !== undefined)
      throw new ArgoError('sync limit cannot be created as it already exists', 409);
    await db.createLimit(dbName(req), req.limit);
    return result(req, req.limit);
  }
  const cm = await store.get<ConfigMap>('ConfigMap', req.namespace, req.cmName ?? '');
  if (cm) {
    if (cm.data && req.key in cm.data)
      throw new ArgoError('sync limit cannot be created as it already exists', 409);
    await store.update<ConfigMap>('ConfigMap', {
      ...cm,
      data: { ...(cm.data ?? {}), [req.key]: String(req.limit) },
    });
  } else {
    await store.create<ConfigMap>('ConfigMap', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: req.cmName ?? '', namespace: req.namespace },
      data: { [req.key]: String(req.limit) },
    });
  }
  return result(req, req.limit);
}

export async function getSyncLimit(
  store: ResourceStore,
  ref: SyncLimitRef,
  syncDb?: SyncDatabaseOf,
): Promise<SyncLimit> {
  checkType(ref);
  if (ref.type === 'DATABASE') {
    const limit = await (await databaseOf(syncDb)).getLimit(dbName(ref));
    if (limit === undefined) throw new ArgoError(`sync limit ${dbName(ref)} not found in the database`, 404);
    return result(ref, limit);
  }
  const cm = await configMap(store, ref);
  const value = cm.data?.[ref.key];
  const where = `${ref.namespace}/${ref.cmName ?? ''}`;
  if (value === undefined) throw new ArgoError(`key ${ref.key} not found in configmap ${where}`, 404);
  if (!/^[+-]?\d+$/.test(value.trim()))
    throw new ArgoError(`invalid limit format for key ${ref.key} in configmap ${where}`, 400);
  return result(ref, Number(value));
}

export async function updateSyncLimit(
  store: ResourceStore,
  req: SyncLimit,
  syncDb?: SyncDatabaseOf,
): Promise<SyncLimit> {
  checkLimit(req.limit);
  checkType(req);
  if (req.type === 'DATABASE') {
    if (!(await (await databaseOf(syncDb)).updateLimit(dbName(req), req.limit)))
      throw new ArgoError(
        `sync limit ${dbName(req)} not found in the database - please create it first`,
        404,
      );
    return result(req, req.limit);
  }
  const cm = await configMap(store, req);
  if (!cm.data || !(req.key in cm.data)) {
    throw new ArgoError(
      `key ${req.key} not found in configmap ${req.namespace}/${req.cmName ?? ''} - please create it first`,
      404,
    );
  }
  await store.update<ConfigMap>('ConfigMap', { ...cm, data: { ...cm.data, [req.key]: String(req.limit) } });
  return result(req, req.limit);
}

export async function deleteSyncLimit(
  store: ResourceStore,
  ref: SyncLimitRef,
  syncDb?: SyncDatabaseOf,
): Promise<void> {
  checkType(ref);
  if (ref.type === 'DATABASE') return (await databaseOf(syncDb)).deleteLimit(dbName(ref));
  const cm = await configMap(store, ref);
  const data = { ...(cm.data ?? {}) };
  delete data[ref.key];
  await store.update<ConfigMap>('ConfigMap', { ...cm, data });
}
