// SyncService over a store (local or Kubernetes): semaphore limits are keys of ConfigMaps in the store, read by
// the controller's semaphores. Errors carry the status and words the Argo Server gives.
import type { ConfigMap } from '../../model/meta.js';
import type { ResourceStore } from '../../store/types.js';
import type { SyncLimit, SyncLimitRef } from '../types.js';
import { ArgoError } from '../types.js';

function checkType(ref: SyncLimitRef): void {
  if (ref.type === 'CONFIGMAP') return;
  throw new ArgoError(
    `unsupported sync config type: ${ref.type} (database limits need an Argo Server with a sync database; use --type configmap)`,
    400,
  );
}

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

export async function createSyncLimit(store: ResourceStore, req: SyncLimit): Promise<SyncLimit> {
  checkLimit(req.limit);
  checkType(req);
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

export async function getSyncLimit(store: ResourceStore, ref: SyncLimitRef): Promise<SyncLimit> {
  checkType(ref);
  const cm = await configMap(store, ref);
  const value = cm.data?.[ref.key];
  const where = `${ref.namespace}/${ref.cmName ?? ''}`;
  if (value === undefined) throw new ArgoError(`key ${ref.key} not found in configmap ${where}`, 404);
  if (!/^[+-]?\d+$/.test(value.trim()))
    throw new ArgoError(`invalid limit format for key ${ref.key} in configmap ${where}`, 400);
  return result(ref, Number(value));
}

export async function updateSyncLimit(store: ResourceStore, req: SyncLimit): Promise<SyncLimit> {
  checkLimit(req.limit);
  checkType(req);
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

export async function deleteSyncLimit(store: ResourceStore, ref: SyncLimitRef): Promise<void> {
  checkType(ref);
  const cm = await configMap(store, ref);
  const data = { ...(cm.data ?? {}) };
  delete data[ref.key];
  await store.update<ConfigMap>('ConfigMap', { ...cm, data });
}
