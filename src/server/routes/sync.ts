// SyncService: semaphore limits kept in ConfigMaps (the only kind without a sync database).
import type { FastifyInstance } from 'fastify';
import type { ConfigMap } from '../../model/meta.js';
import { ApiError, Code, invalid, notFound } from '../errors.js';
import { str, type Query } from '../query.js';
import { servedNamespace, unary, type Body, type RouteContext } from '../context.js';

/** Proto enum SyncConfigType: CONFIGMAP is 0 (left out of responses, as Go omits zero values). */
function syncType(value: unknown): 'CONFIGMAP' {
  if (value === undefined || value === null || value === '' || value === 0 || value === 'CONFIGMAP')
    return 'CONFIGMAP';
  if (value === 1 || value === 'DATABASE') throw invalid('unsupported sync config type: DATABASE');
  throw invalid(`unsupported sync config type: ${String(value)}`);
}

interface LimitRequest {
  namespace: string;
  key: string;
  cmName: string;
  limit: number;
}

function limitOf(body: Body): number {
  const n = typeof body.limit === 'string' ? Number(body.limit) : body.limit;
  if (typeof n !== 'number' || !Number.isInteger(n) || n <= 0)
    throw invalid('limit must be greater than zero');
  return n;
}

const response = (r: LimitRequest): Record<string, unknown> => ({
  cmName: r.cmName,
  namespace: r.namespace,
  key: r.key,
  limit: r.limit,
});

export function registerSyncRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { store } = ctx.deps;
  const ns = (p: Record<string, string>): string => servedNamespace(ctx, p.namespace ?? '');
  const configMap = async (namespace: string, name: string): Promise<ConfigMap> => {
    const cm = await store.get<ConfigMap>('ConfigMap', namespace, name);
    if (!cm) throw notFound(`configmaps "${name}" not found`);
    return cm;
  };
  const fromQuery = (params: Record<string, string>, query: Query) => {
    syncType(str(query, 'type'));
    return { namespace: ns(params), key: params.key, cmName: str(query, 'cmName') ?? '' };
  };

  unary(
    app,
    ctx,
    'POST',
    '/api/v1/sync/:namespace',
    'SyncService_CreateSyncLimit',
    async ({ params, body }) => {
      const limit = limitOf(body);
      syncType(body.type);
      const r: LimitRequest = {
        namespace: ns(params),
        key: String(body.key ?? ''),
        cmName: String(body.cmName ?? ''),
        limit,
      };
      const cm = await store.get<ConfigMap>('ConfigMap', r.namespace, r.cmName);
      if (cm) {
        if (cm.data && r.key in cm.data) {
          throw new ApiError(Code.AlreadyExists, 'sync limit cannot be created as it already exists');
        }
        await store.update<ConfigMap>('ConfigMap', {
          ...cm,
          data: { ...(cm.data ?? {}), [r.key]: String(limit) },
        });
      } else {
        await store.create<ConfigMap>('ConfigMap', {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: r.cmName, namespace: r.namespace },
          data: { [r.key]: String(limit) },
        });
      }
      return response(r);
    },
  );

  unary(
    app,
    ctx,
    'GET',
    '/api/v1/sync/:namespace/:key',
    'SyncService_GetSyncLimit',
    async ({ params, query }) => {
      const q = fromQuery(params, query);
      const cm = await configMap(q.namespace, q.cmName);
      const value = cm.data?.[q.key];
      if (value === undefined)
        throw notFound(`key ${q.key} not found in configmap ${q.namespace}/${q.cmName}`);
      if (!/^[+-]?\d+$/.test(value)) {
        throw invalid(`invalid limit format for key ${q.key} in configmap ${q.namespace}/${q.cmName}`);
      }
      return response({ ...q, limit: Number(value) });
    },
  );

  unary(
    app,
    ctx,
    'PUT',
    '/api/v1/sync/:namespace/:key',
    'SyncService_UpdateSyncLimit',
    async ({ params, body }) => {
      const limit = limitOf(body);
      syncType(body.type);
      const r: LimitRequest = {
        namespace: ns(params),
        key: params.key,
        cmName: String(body.cmName ?? ''),
        limit,
      };
      const cm = await configMap(r.namespace, r.cmName);
      if (!cm.data || !(r.key in cm.data)) {
        throw notFound(
          `key ${r.key} not found in configmap ${r.namespace}/${r.cmName} - please create it first`,
        );
      }
      await store.update<ConfigMap>('ConfigMap', { ...cm, data: { ...cm.data, [r.key]: String(limit) } });
      return response(r);
    },
  );

  unary(
    app,
    ctx,
    'DELETE',
    '/api/v1/sync/:namespace/:key',
    'SyncService_DeleteSyncLimit',
    async ({ params, query }) => {
      const q = fromQuery(params, query);
      const cm = await configMap(q.namespace, q.cmName);
      const data = { ...(cm.data ?? {}) };
      delete data[q.key];
      await store.update<ConfigMap>('ConfigMap', { ...cm, data });
      return {};
    },
  );
}
