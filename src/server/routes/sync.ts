// SyncService: semaphore limits, kept by the backend (ConfigMaps on the local backend).
import type { FastifyInstance } from 'fastify';
import type { SyncConfigType, SyncLimit } from '../../model/service.js';
import { invalid } from '../errors.js';
import { str } from '../query.js';
import { servedNamespace, unary, type Body, type RouteContext } from '../context.js';

/** Proto enum SyncConfigType, sent by name or (Go clients) by number; CONFIGMAP is 0 and the default. */
function syncType(value: unknown): SyncConfigType {
  if (value === undefined || value === '' || value === 0 || value === 'CONFIGMAP') return 'CONFIGMAP';
  if (value === 1 || value === 'DATABASE') return 'DATABASE';
  throw invalid(`unsupported sync config type: ${String(value)}`);
}

function limitOf(body: Body): number {
  const n = typeof body.limit === 'string' ? Number(body.limit) : body.limit;
  if (typeof n !== 'number' || !Number.isInteger(n) || n <= 0)
    throw invalid('limit must be greater than zero');
  return n;
}

/** SyncLimitResponse as Go writes it: the CONFIGMAP type (enum 0) is left out. */
function response(l: SyncLimit): Record<string, unknown> {
  return {
    cmName: l.cmName,
    namespace: l.namespace,
    key: l.key,
    limit: l.limit,
    ...(l.type === 'CONFIGMAP' ? {} : { type: l.type }),
  };
}

export function registerSyncRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { backend } = ctx.deps;
  const ns = (p: Record<string, string>): string => servedNamespace(ctx, p.namespace ?? '');
  const limitFrom = (namespace: string, key: string, body: Body): SyncLimit => ({
    namespace,
    key,
    cmName: typeof body.cmName === 'string' ? body.cmName : '',
    limit: limitOf(body),
    type: syncType(body.type),
  });

  unary(
    app,
    ctx,
    'POST',
    '/api/v1/sync/:namespace',
    'SyncService_CreateSyncLimit',
    async ({ params, body }) =>
      response(await backend.createSyncLimit(limitFrom(ns(params), String(body.key ?? ''), body))),
  );

  unary(
    app,
    ctx,
    'GET',
    '/api/v1/sync/:namespace/:key',
    'SyncService_GetSyncLimit',
    async ({ params, query }) =>
      response(
        await backend.getSyncLimit({
          namespace: ns(params),
          key: params.key,
          cmName: str(query, 'cmName') ?? '',
          type: syncType(str(query, 'type')),
        }),
      ),
  );

  unary(
    app,
    ctx,
    'PUT',
    '/api/v1/sync/:namespace/:key',
    'SyncService_UpdateSyncLimit',
    async ({ params, body }) =>
      response(await backend.updateSyncLimit(limitFrom(ns(params), params.key, body))),
  );

  unary(
    app,
    ctx,
    'DELETE',
    '/api/v1/sync/:namespace/:key',
    'SyncService_DeleteSyncLimit',
    async ({ params, query }) => {
      await backend.deleteSyncLimit({
        namespace: ns(params),
        key: params.key,
        cmName: str(query, 'cmName') ?? '',
        type: syncType(str(query, 'type')),
      });
      return {};
    },
  );
}
