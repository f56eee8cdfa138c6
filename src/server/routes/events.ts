// EventService (workflow event bindings and the event webhook) and the Argo Events services
// (event sources, sensors), which need Argo Events and answer Unimplemented here.
import type { FastifyInstance } from 'fastify';
import type { KubeObject } from '../../model/meta.js';
import { ApiError, Code } from '../errors.js';
import { dispatchEvent } from '../event-dispatch.js';
import { listQuery } from '../query.js';
import { servedNamespace, unary, type RouteContext } from '../context.js';

const ARGO_EVENTS = (what: string): ApiError =>
  new ApiError(
    Code.Unimplemented,
    `${what} belong to Argo Events, which this server does not include; use Argo Events' own API`,
  );

export function registerEventRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { store } = ctx.deps;

  unary(
    app,
    ctx,
    'GET',
    '/api/v1/workflow-event-bindings/:namespace',
    'EventService_ListWorkflowEventBindings',
    async ({ params, query }) => {
      const lq = listQuery(query);
      const res = await store.list<KubeObject>('WorkflowEventBinding', {
        namespace: servedNamespace(ctx, params.namespace ?? '') || undefined,
        labelSelector: lq.labelSelector,
        fieldSelector: lq.fieldSelector,
        limit: lq.limit,
        continue: lq.continue,
      });
      return { metadata: { resourceVersion: res.resourceVersion, continue: res.continue }, items: res.items };
    },
  );

  unary(
    app,
    ctx,
    'POST',
    '/api/v1/events/:namespace/:discriminator',
    'EventService_ReceiveEvent',
    async ({ req, params }) => {
      await dispatchEvent(
        {
          namespace: servedNamespace(ctx, params.namespace ?? ''),
          discriminator: params.discriminator ?? '',
          payload: req.body,
          headers: req.headers,
        },
        store,
        ctx.deps.backend,
      );
      return {};
    },
  );

  const unsupported = (
    kind: string,
    service: string,
    routes: { method: 'GET' | 'POST' | 'PUT' | 'DELETE'; url: string; op: string }[],
  ): void => {
    for (const r of routes) {
      unary(app, ctx, r.method, r.url, `${service}_${r.op}`, async ({ params }) => {
        if (params.namespace !== undefined) servedNamespace(ctx, params.namespace);
        throw ARGO_EVENTS(kind);
      });
    }
  };
  unsupported('event sources', 'EventSourceService', [
    { method: 'GET', url: '/api/v1/event-sources/:namespace', op: 'ListEventSources' },
    { method: 'POST', url: '/api/v1/event-sources/:namespace', op: 'CreateEventSource' },
    { method: 'GET', url: '/api/v1/event-sources/:namespace/:name', op: 'GetEventSource' },
    { method: 'PUT', url: '/api/v1/event-sources/:namespace/:name', op: 'UpdateEventSource' },
    { method: 'DELETE', url: '/api/v1/event-sources/:namespace/:name', op: 'DeleteEventSource' },
    { method: 'GET', url: '/api/v1/stream/event-sources/:namespace', op: 'WatchEventSources' },
    { method: 'GET', url: '/api/v1/stream/event-sources/:namespace/logs', op: 'EventSourcesLogs' },
  ]);
  unsupported('sensors', 'SensorService', [
    { method: 'GET', url: '/api/v1/sensors/:namespace', op: 'ListSensors' },
    { method: 'POST', url: '/api/v1/sensors/:namespace', op: 'CreateSensor' },
    { method: 'GET', url: '/api/v1/sensors/:namespace/:name', op: 'GetSensor' },
    { method: 'PUT', url: '/api/v1/sensors/:namespace/:name', op: 'UpdateSensor' },
    { method: 'DELETE', url: '/api/v1/sensors/:namespace/:name', op: 'DeleteSensor' },
    { method: 'GET', url: '/api/v1/stream/sensors/:namespace', op: 'WatchSensors' },
    { method: 'GET', url: '/api/v1/stream/sensors/:namespace/logs', op: 'SensorsLogs' },
  ]);
}
