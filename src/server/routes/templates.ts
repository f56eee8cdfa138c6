// WorkflowTemplateService and ClusterWorkflowTemplateService.
import type { FastifyInstance } from 'fastify';
import type { KubeObject } from '../../model/meta.js';
import type { ClusterWorkflowTemplate, WorkflowTemplate } from '../../model/workflow.js';
import { notFound } from '../errors.js';
import { listQuery, str } from '../query.js';
import { labelActor, labelCreator } from '../../workflow/lifecycle/actor.js';
import {
  actorOf,
  listAll,
  required,
  servedNamespace,
  unary,
  type Body,
  type RouteContext,
  nameFromUrl,
} from '../context.js';
import { placeInNamespace } from './workflows.js';

const byName = (a: KubeObject, b: KubeObject): number =>
  (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '');

/** Upstream's paging of a name-pattern search: newest resourceVersion first, `continue` is a resourceVersion. */
function pageByResourceVersion<T extends KubeObject>(
  items: T[],
  after: string | undefined,
  limit: number | undefined,
) {
  const rv = (x: T): number => Number(x.metadata.resourceVersion ?? 0);
  let sorted = [...items].sort((a, b) => rv(b) - rv(a));
  if (after) sorted = sorted.filter((x) => rv(x) < Number(after));
  const page = limit ? sorted.slice(0, limit) : sorted;
  const cont = limit && page.length === limit ? page[page.length - 1].metadata.resourceVersion : undefined;
  return { page, cont };
}

/** The WorkflowTemplate a create or lint request carries, placed in the request's namespace. */
function templateIn(body: Body, namespace: string): WorkflowTemplate {
  const t = required<WorkflowTemplate>(
    body,
    'template',
    'workflow template was not found in the request body',
  );
  placeInNamespace(t, namespace);
  return t;
}

export function registerTemplateRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { backend } = ctx.deps;
  const ns = (p: Record<string, string>): string => servedNamespace(ctx, p.namespace ?? '');

  unary(
    app,
    ctx,
    'GET',
    '/api/v1/workflow-templates/:namespace',
    'WorkflowTemplateService_ListWorkflowTemplates',
    async ({ params, query }) => {
      const namespace = ns(params);
      const lq = listQuery(query);
      const pattern = str(query, 'namePattern');
      if (!pattern) {
        const res = await backend.listWorkflowTemplates(namespace, {
          labelSelector: lq.labelSelector,
          fieldSelector: lq.fieldSelector,
          limit: lq.limit,
          continue: lq.continue,
        });
        return { metadata: res.metadata, items: [...res.items].sort(byName) };
      }
      const all = await listAll((cont) =>
        backend.listWorkflowTemplates(namespace, {
          labelSelector: lq.labelSelector,
          fieldSelector: lq.fieldSelector,
          continue: cont,
        }),
      );
      const matching = all.items.filter((t) => (t.metadata.name ?? '').includes(pattern));
      const { page, cont } = pageByResourceVersion(matching, lq.continue, lq.limit);
      return { metadata: { resourceVersion: all.resourceVersion, continue: cont }, items: page.sort(byName) };
    },
  );

  unary(
    app,
    ctx,
    'POST',
    '/api/v1/workflow-templates/:namespace',
    'WorkflowTemplateService_CreateWorkflowTemplate',
    async ({ params, body }) => {
      const namespace = ns(params);
      const template = templateIn(body, namespace);
      labelCreator(template, actorOf(ctx));
      return backend.createWorkflowTemplate(namespace, template);
    },
  );

  unary(
    app,
    ctx,
    'POST',
    '/api/v1/workflow-templates/:namespace/lint',
    'WorkflowTemplateService_LintWorkflowTemplate',
    async ({ params, body }) => {
      const namespace = ns(params);
      return backend.lintWorkflowTemplate(namespace, templateIn(body, namespace));
    },
  );

  unary(
    app,
    ctx,
    'GET',
    '/api/v1/workflow-templates/:namespace/:name',
    'WorkflowTemplateService_GetWorkflowTemplate',
    ({ params }) => backend.getWorkflowTemplate(ns(params), params.name),
  );

  unary(
    app,
    ctx,
    'PUT',
    '/api/v1/workflow-templates/:namespace/:name',
    'WorkflowTemplateService_UpdateWorkflowTemplate',
    async ({ params, body }) => {
      const namespace = ns(params);
      const t = required<WorkflowTemplate>(body, 'template', 'WorkflowTemplate is not found in Request body');
      placeInNamespace(t, namespace);
      nameFromUrl(t, params.name);
      // As upstream's server: who changed it last, with the action "Update".
      labelActor(t, 'Update', actorOf(ctx));
      return backend.updateWorkflowTemplate(namespace, t);
    },
  );

  unary(
    app,
    ctx,
    'DELETE',
    '/api/v1/workflow-templates/:namespace/:name',
    'WorkflowTemplateService_DeleteWorkflowTemplate',
    async ({ params }) => {
      await backend.deleteWorkflowTemplate(ns(params), params.name);
      return {};
    },
  );

  unary(
    app,
    ctx,
    'GET',
    '/api/v1/cluster-workflow-templates',
    'ClusterWorkflowTemplateService_ListClusterWorkflowTemplates',
    async ({ query }) => {
      const lq = listQuery(query);
      const res = await backend.listClusterWorkflowTemplates({
        labelSelector: lq.labelSelector,
        fieldSelector: lq.fieldSelector,
        limit: lq.limit,
        continue: lq.continue,
      });
      return { metadata: res.metadata, items: [...res.items].sort(byName) };
    },
  );

  const clusterTemplate = (body: Record<string, unknown>): ClusterWorkflowTemplate => {
    const t = required<ClusterWorkflowTemplate>(
      body,
      'template',
      'cluster workflow template was not found in the request body',
    );
    t.metadata ??= {};
    return t;
  };

  unary(
    app,
    ctx,
    'POST',
    '/api/v1/cluster-workflow-templates',
    'ClusterWorkflowTemplateService_CreateClusterWorkflowTemplate',
    ({ body }) => {
      const template = clusterTemplate(body);
      labelCreator(template, actorOf(ctx));
      return backend.createClusterWorkflowTemplate(template);
    },
  );

  unary(
    app,
    ctx,
    'POST',
    '/api/v1/cluster-workflow-templates/lint',
    'ClusterWorkflowTemplateService_LintClusterWorkflowTemplate',
    ({ body }) => backend.lintClusterWorkflowTemplate(clusterTemplate(body)),
  );

  unary(
    app,
    ctx,
    'GET',
    '/api/v1/cluster-workflow-templates/:name',
    'ClusterWorkflowTemplateService_GetClusterWorkflowTemplate',
    ({ params }) => backend.getClusterWorkflowTemplate(params.name),
  );

  unary(
    app,
    ctx,
    'PUT',
    '/api/v1/cluster-workflow-templates/:name',
    'ClusterWorkflowTemplateService_UpdateClusterWorkflowTemplate',
    async ({ params, body }) => {
      const t = clusterTemplate(body);
      nameFromUrl(t, params.name);
      labelActor(t, 'Update', actorOf(ctx));
      return backend.updateClusterWorkflowTemplate(t);
    },
  );

  unary(
    app,
    ctx,
    'DELETE',
    '/api/v1/cluster-workflow-templates/:name',
    'ClusterWorkflowTemplateService_DeleteClusterWorkflowTemplate',
    async ({ params }) => {
      if (!params.name) throw notFound('clusterworkflowtemplates.argoproj.io "" not found');
      await backend.deleteClusterWorkflowTemplate(params.name);
      return {};
    },
  );
}
