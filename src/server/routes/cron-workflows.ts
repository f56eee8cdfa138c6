// CronWorkflowService. The cron controller (not the server) turns schedules into workflows.
import type { FastifyInstance } from 'fastify';
import type { CronWorkflow } from '../../model/workflow.js';
import { ApiError, Code } from '../errors.js';
import { listQuery } from '../query.js';
import { labelActor, labelCreator } from '../../workflow/lifecycle/actor.js';
import { actorOf, servedNamespace, unary, type Body, type RouteContext, nameFromUrl } from '../context.js';
import { placeInNamespace } from './workflows.js';

function cronOf(body: Body, namespace: string, code: (typeof Code)[keyof typeof Code]): CronWorkflow {
  const cron = body.cronWorkflow;
  if (!cron || typeof cron !== 'object')
    throw new ApiError(code, 'cron workflow was not found in the request body');
  placeInNamespace(cron as CronWorkflow, namespace);
  return cron as CronWorkflow;
}

export function registerCronWorkflowRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { backend } = ctx.deps;
  const ns = (p: Record<string, string>): string => servedNamespace(ctx, p.namespace ?? '');

  unary(
    app,
    ctx,
    'GET',
    '/api/v1/cron-workflows/:namespace',
    'CronWorkflowService_ListCronWorkflows',
    ({ params, query }) => {
      const lq = listQuery(query);
      return backend.listCronWorkflows(ns(params), {
        labelSelector: lq.labelSelector,
        fieldSelector: lq.fieldSelector,
        limit: lq.limit,
        continue: lq.continue,
      });
    },
  );

  unary(
    app,
    ctx,
    'POST',
    '/api/v1/cron-workflows/:namespace',
    'CronWorkflowService_CreateCronWorkflow',
    ({ params, body }) => {
      const namespace = ns(params);
      // Upstream answers a missing body with NotFound here.
      const cron = cronOf(body, namespace, Code.NotFound);
      labelCreator(cron, actorOf(ctx));
      return backend.createCronWorkflow(namespace, cron);
    },
  );

  unary(
    app,
    ctx,
    'POST',
    '/api/v1/cron-workflows/:namespace/lint',
    'CronWorkflowService_LintCronWorkflow',
    ({ params, body }) => {
      const namespace = ns(params);
      return backend.lintCronWorkflow(namespace, cronOf(body, namespace, Code.InvalidArgument));
    },
  );

  unary(
    app,
    ctx,
    'GET',
    '/api/v1/cron-workflows/:namespace/:name',
    'CronWorkflowService_GetCronWorkflow',
    ({ params }) => backend.getCronWorkflow(ns(params), params.name),
  );

  unary(
    app,
    ctx,
    'PUT',
    '/api/v1/cron-workflows/:namespace/:name',
    'CronWorkflowService_UpdateCronWorkflow',
    ({ params, body }) => {
      const namespace = ns(params);
      const cron = cronOf(body, namespace, Code.InvalidArgument);
      nameFromUrl(cron, params.name);
      // As upstream's server: who changed it last, with the action "Update".
      labelActor(cron, 'Update', actorOf(ctx));
      return backend.updateCronWorkflow(namespace, cron);
    },
  );

  unary(
    app,
    ctx,
    'DELETE',
    '/api/v1/cron-workflows/:namespace/:name',
    'CronWorkflowService_DeleteCronWorkflow',
    async ({ params }) => {
      await backend.deleteCronWorkflow(ns(params), params.name);
      return {};
    },
  );

  unary(
    app,
    ctx,
    'PUT',
    '/api/v1/cron-workflows/:namespace/:name/suspend',
    'CronWorkflowService_SuspendCronWorkflow',
    ({ params }) => backend.suspendCronWorkflow(ns(params), params.name),
  );
  unary(
    app,
    ctx,
    'PUT',
    '/api/v1/cron-workflows/:namespace/:name/resume',
    'CronWorkflowService_ResumeCronWorkflow',
    ({ params }) => backend.resumeCronWorkflow(ns(params), params.name),
  );
}
