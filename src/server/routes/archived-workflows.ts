// ArchivedWorkflowService over the server's WorkflowArchive (the null archive when no persistence
// is configured, answering as upstream's does then).
import type { FastifyInstance } from 'fastify';
import { labelValuesKey } from '../../persist/label-query.js';
import { resubmitFromArchive, retryFromArchive, RETRY_LIVE_EXISTS } from '../../persist/archive-rerun.js';
import type { Workflow } from '../../model/workflow.js';
import { nullArchive, type WorkflowArchive } from '../archive.js';
import { ApiError, Code, invalid, toApiError } from '../errors.js';
import { listQuery, str } from '../query.js';
import { actorOf, servedNamespace, unary, type RouteContext } from '../context.js';
import { compareForPage, workflowListCriteria } from '../workflow-list.js';

export function registerArchivedWorkflowRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const archive: WorkflowArchive = ctx.deps.archive ?? nullArchive;
  const { backend } = ctx.deps;

  /** A record by uid, or by name within a namespace; not-found and access failures as upstream words them. */
  const find = async (uid: string, namespace: string, name: string): Promise<Workflow> => {
    let wf: Workflow | undefined;
    try {
      wf = await archive.get(uid, namespace, name);
    } catch (err) {
      throw toApiError(err, Code.Internal);
    }
    if (!wf) throw new ApiError(Code.NotFound, 'not found');
    servedNamespace(ctx, wf.metadata.namespace ?? '');
    return wf;
  };

  unary(
    app,
    ctx,
    'GET',
    '/api/v1/archived-workflows',
    'ArchivedWorkflowService_ListArchivedWorkflows',
    async ({ query }) => {
      const lq = listQuery(query);
      const criteria = workflowListCriteria({
        namespace: servedNamespace(ctx, str(query, 'namespace') ?? ''),
        fieldSelector: lq.fieldSelector,
        nameFilter: str(query, 'nameFilter'),
        limit: lq.limit,
        continue: lq.continue,
      });
      const opts = {
        namespace: criteria.namespace,
        namespaceNotEquals: criteria.namespaceNotEquals,
        minStartedAt: criteria.minStartedAt,
        maxStartedAt: criteria.maxStartedAt,
        name: criteria.name,
        nameFilter: criteria.nameFilter,
        namePrefix: str(query, 'namePrefix'),
        labelSelector: lq.labelSelector,
        // One more than asked tells whether another page exists.
        limit: criteria.limit > 0 ? criteria.limit + 1 : 0,
        offset: criteria.offset,
      };
      let items = await archive.list(opts).catch((err: unknown) => {
        throw toApiError(err, Code.Internal);
      });
      let cont: string | undefined;
      let remainingItemCount: number | undefined;
      if (criteria.showRemainingItemCount && criteria.limit > 0) {
        const total = await archive.count(opts);
        remainingItemCount = Math.max(
          total - criteria.offset - items.length + (items.length > criteria.limit ? 1 : 0),
          0,
        );
      }
      if (criteria.limit > 0 && items.length > criteria.limit) {
        items = items.slice(0, criteria.limit);
        cont = String(criteria.offset + criteria.limit);
      }
      return { metadata: { continue: cont, remainingItemCount }, items: [...items].sort(compareForPage) };
    },
  );

  unary(
    app,
    ctx,
    'GET',
    '/api/v1/archived-workflows-label-keys',
    'ArchivedWorkflowService_ListArchivedWorkflowLabelKeys',
    async () => ({
      items: await archive.labelKeys(),
    }),
  );

  unary(
    app,
    ctx,
    'GET',
    '/api/v1/archived-workflows-label-values',
    'ArchivedWorkflowService_ListArchivedWorkflowLabelValues',
    async ({ query }) => {
      let key: string;
      try {
        key = labelValuesKey(listQuery(query).labelSelector ?? '');
      } catch (err) {
        throw invalid((err as Error).message);
      }
      return { items: await archive.labelValues(key) };
    },
  );

  unary(
    app,
    ctx,
    'GET',
    '/api/v1/archived-workflows/:uid',
    'ArchivedWorkflowService_GetArchivedWorkflow',
    ({ params, query }) => find(params.uid, str(query, 'namespace') ?? '', str(query, 'name') ?? ''),
  );

  unary(
    app,
    ctx,
    'DELETE',
    '/api/v1/archived-workflows/:uid',
    'ArchivedWorkflowService_DeleteArchivedWorkflow',
    async ({ params, query }) => {
      const name = str(query, 'name') ?? '';
      const wf = await find(name ? '' : params.uid, str(query, 'namespace') ?? '', name);
      await archive.delete(wf.metadata.uid ?? params.uid).catch((err: unknown) => {
        throw toApiError(err, Code.Internal);
      });
      return {};
    },
  );

  const target = (body: Record<string, unknown>): { name: string; namespace: string } => ({
    name: typeof body.name === 'string' ? body.name : '',
    namespace: typeof body.namespace === 'string' ? body.namespace : '',
  });
  const strings = (v: unknown): string[] | undefined =>
    Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;

  unary(
    app,
    ctx,
    'PUT',
    '/api/v1/archived-workflows/:uid/resubmit',
    'ArchivedWorkflowService_ResubmitArchivedWorkflow',
    async ({ params, body }) => {
      const { name, namespace } = target(body);
      const wf = await find(name ? '' : params.uid, namespace, name);
      const next = resubmitFromArchive(
        wf,
        { memoized: body.memoized === true, parameters: strings(body.parameters), actor: actorOf(ctx) },
        new Date(),
      );
      const ns = servedNamespace(ctx, namespace || wf.metadata.namespace || '');
      return backend.createWorkflow(ns, next);
    },
  );

  unary(
    app,
    ctx,
    'PUT',
    '/api/v1/archived-workflows/:uid/retry',
    'ArchivedWorkflowService_RetryArchivedWorkflow',
    async ({ params, body }) => {
      const { name, namespace } = target(body);
      const wf = await find(name ? '' : params.uid, namespace, name);
      const ns = servedNamespace(ctx, namespace || wf.metadata.namespace || '');
      // The store, not getWorkflow: that answers with the archived record when none is live.
      const live = await ctx.deps.store.get('Workflow', ns, wf.metadata.name ?? '');
      if (live) throw new ApiError(Code.AlreadyExists, RETRY_LIVE_EXISTS);
      const workflow = retryFromArchive(
        wf,
        {
          restartSuccessful: body.restartSuccessful === true,
          nodeFieldSelector: typeof body.nodeFieldSelector === 'string' ? body.nodeFieldSelector : undefined,
          parameters: strings(body.parameters),
        },
        new Date(),
      );
      return backend.createWorkflow(ns, workflow);
    },
  );
}
