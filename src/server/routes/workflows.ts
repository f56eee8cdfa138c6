// WorkflowService: workflows, their lifecycle, logs and watch streams.
import type { FastifyInstance } from 'fastify';
import { submitFromKind } from '../../model/service.js';
import { labelCreator } from '../../workflow/lifecycle/actor.js';
import type { SubmitOpts, Workflow } from '../../model/workflow.js';
import { ApiError, Code, invalid, notFound, toApiError } from '../errors.js';
import { DatabaseUnreachableError } from '../../persist/database-reachability.js';
import { bool, listQuery, logQuery, str } from '../query.js';
import {
  actorOf,
  listAll,
  required,
  servedNamespace,
  streaming,
  unary,
  type Body,
  type RouteContext,
} from '../context.js';
import { EventFrames } from '../event-frames.js';
import { StreamedList } from '../list-stream.js';
import { FieldCleaner, pruneEmpty, withResourceStructs } from '../wire.js';
import {
  mergedPage,
  pageFromStore,
  pageOf,
  workflowListCriteria,
  type WorkflowPage,
} from '../workflow-list.js';

const string = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const strings = (v: unknown): string[] | undefined =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;

/** The object's namespace must be the request's, as the Kubernetes API insists. */
export function placeInNamespace(obj: { metadata?: { namespace?: string } }, namespace: string): void {
  obj.metadata ??= {};
  if (!obj.metadata.namespace) obj.metadata.namespace = namespace;
  else if (obj.metadata.namespace !== namespace) {
    throw invalid('the namespace of the provided object does not match the namespace sent on the request');
  }
}

export function registerWorkflowRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { backend } = ctx.deps;
  const ns = (p: Record<string, string>): string => servedNamespace(ctx, p.namespace ?? '');
  // Shared by every watch stream of this server, so each event is serialised once per fields shape.
  const frames = new EventFrames();

  unary(
    app,
    ctx,
    'GET',
    '/api/v1/workflows/:namespace',
    'WorkflowService_ListWorkflows',
    async ({ params, query }) => {
      const lq = listQuery(query);
      const criteria = workflowListCriteria({
        namespace: ns(params),
        fieldSelector: lq.fieldSelector,
        nameFilter: str(query, 'nameFilter'),
        createdAfter: str(query, 'createdAfter'),
        finishedBefore: str(query, 'finishedBefore'),
        limit: lq.limit,
        continue: lq.continue,
      });
      // A namespace excluded by `metadata.namespace!=` still means listing every served namespace.
      const scope = criteria.namespaceNotEquals ? servedNamespace(ctx, '') : criteria.namespace;
      const withinServed = !(criteria.namespaceNotEquals && scope !== '');
      const archive = ctx.deps.archive;
      // The store pages itself unless an excluded namespace must also stay within the served one.
      let page: (WorkflowPage & { resourceVersion?: string }) | undefined = !withinServed
        ? undefined
        : archive?.enabled
          ? await mergedPage(ctx.deps.store, archive, criteria, lq.labelSelector, (labelSelector) =>
              listAll((cont) => backend.listWorkflows(scope, { labelSelector, continue: cont })),
            ).catch((err: unknown) => {
              // The archive's database is down (logged once by the archive): the live workflows
              // are still there to list, and `argo archive list` says what is wrong.
              if (!(err instanceof DatabaseUnreachableError)) throw err;
              return pageFromStore(ctx.deps.store, criteria, lq.labelSelector);
            })
          : await pageFromStore(ctx.deps.store, criteria, lq.labelSelector);
      if (!page) {
        const all = await listAll((cont) =>
          backend.listWorkflows(scope, { labelSelector: lq.labelSelector, continue: cont }),
        );
        page = { ...pageOf(all.items, criteria), resourceVersion: all.resourceVersion };
      }
      const cleaner = new FieldCleaner(str(query, 'fields'));
      const head = cleaner.clean({
        metadata: {
          resourceVersion: page.resourceVersion,
          continue: page.continue,
          remainingItemCount: page.remainingItemCount,
        },
      });
      // A `fields` that leaves out `items` answers with none, as it did when the page was trimmed whole.
      let items = 'items' in cleaner.clean({ items: [] }) ? page.items : [];
      // As upstream's list, offloaded nodes are read back unless the fields leave nodes out.
      const hydrator = ctx.deps.hydrator;
      if (hydrator && !cleaner.willExclude('items.status.nodes'))
        // A version whose row is gone lists without nodes, as upstream's lookup leaves it.
        items = await Promise.all(items.map((wf) => hydrator.hydrate(wf).catch(() => wf)));
      return new StreamedList(head, items, (wf) => withResourceStructs(cleaner.cleanElement('items', wf)));
    },
  );

  unary(
    app,
    ctx,
    'POST',
    '/api/v1/workflows/:namespace',
    'WorkflowService_CreateWorkflow',
    async ({ params, body }) => {
      const namespace = ns(params);
      const wf = required<Workflow>(body, 'workflow', 'workflow body not specified');
      placeInNamespace(wf, namespace);
      labelCreator(wf, actorOf(ctx));
      const createOptions = (body.createOptions ?? {}) as { dryRun?: string[] };
      return backend.createWorkflow(namespace, wf, {
        dryRun: (createOptions.dryRun ?? []).length > 0,
        serverDryRun: body.serverDryRun === true,
      });
    },
  );

  unary(
    app,
    ctx,
    'POST',
    '/api/v1/workflows/:namespace/lint',
    'WorkflowService_LintWorkflow',
    async ({ params, body }) => {
      const namespace = ns(params);
      const wf = body.workflow as Workflow | undefined;
      if (!wf || typeof wf !== 'object') throw new ApiError(Code.Unknown, 'unable to get a workflow');
      placeInNamespace(wf, namespace);
      // Upstream returns the validation error as it is, which gRPC reports as Unknown.
      return backend.lintWorkflow(namespace, wf).catch((err: unknown) => {
        throw toApiError(err).code === Code.InvalidArgument
          ? new ApiError(Code.Unknown, (err as Error).message)
          : err;
      });
    },
  );

  unary(
    app,
    ctx,
    'POST',
    '/api/v1/workflows/:namespace/submit',
    'WorkflowService_SubmitWorkflow',
    async ({ params, body }) => {
      const namespace = ns(params);
      const kindName = String(body.resourceKind ?? '');
      const kind = submitFromKind(kindName);
      if (!kind) throw invalid(`Resource kind '${kindName}' is not supported for submitting`);
      const name = string(body.resourceName) ?? '';
      // The caller is the creator, whatever the request body says.
      const opts = { ...((body.submitOptions ?? {}) as SubmitOpts), actor: actorOf(ctx) };
      return backend.submitFrom(namespace, kind, name, opts);
    },
  );

  unary(
    app,
    ctx,
    'GET',
    '/api/v1/workflows/:namespace/:name',
    'WorkflowService_GetWorkflow',
    async ({ params, query }) => {
      const namespace = ns(params);
      const uid = str(query, 'uid');
      let wf: Workflow | undefined;
      let liveError: unknown;
      try {
        // The live workflow, else (the backend falls back by name) its latest archived record.
        wf = await backend.getWorkflow(namespace, params.name);
      } catch (err) {
        if (!uid) throw err;
        liveError = err;
      }
      if (uid && wf?.metadata.uid !== uid) {
        // As upstream's server: a uid the live workflow does not have is looked up in the archive
        // by that uid alone; when that finds nothing, the live lookup's answer stands.
        const archive = ctx.deps.archive;
        const archived = archive?.enabled ? await archive.get(uid, '', '').catch(() => undefined) : undefined;
        if (!archived) throw liveError ?? notFound(`workflows.argoproj.io "${params.name}" not found`);
        wf = archived;
      }
      return withResourceStructs(new FieldCleaner(str(query, 'fields')).clean(wf!));
    },
  );

  unary(
    app,
    ctx,
    'DELETE',
    '/api/v1/workflows/:namespace/:name',
    'WorkflowService_DeleteWorkflow',
    async ({ params, query }) => {
      bool(query, 'force');
      await backend.deleteWorkflow(ns(params), params.name);
      return {};
    },
  );

  const lifecycle = (
    action: string,
    operation: string,
    run: (namespace: string, name: string, body: Body) => Promise<Workflow>,
  ): void =>
    unary(app, ctx, 'PUT', `/api/v1/workflows/:namespace/:name/${action}`, operation, ({ params, body }) =>
      run(ns(params), params.name, body),
    );
  lifecycle('retry', 'WorkflowService_RetryWorkflow', (namespace, name, b) =>
    backend.retryWorkflow(namespace, name, {
      restartSuccessful: b.restartSuccessful === true,
      nodeFieldSelector: string(b.nodeFieldSelector),
      parameters: strings(b.parameters),
      actor: actorOf(ctx),
    }),
  );
  lifecycle('resubmit', 'WorkflowService_ResubmitWorkflow', (namespace, name, b) =>
    backend.resubmitWorkflow(namespace, name, {
      memoized: b.memoized === true,
      parameters: strings(b.parameters),
      actor: actorOf(ctx),
    }),
  );
  lifecycle('resume', 'WorkflowService_ResumeWorkflow', (namespace, name, b) =>
    backend.resumeWorkflow(namespace, name, {
      nodeFieldSelector: string(b.nodeFieldSelector),
      actor: actorOf(ctx),
    }),
  );
  lifecycle('suspend', 'WorkflowService_SuspendWorkflow', (namespace, name) =>
    backend.suspendWorkflow(namespace, name, { actor: actorOf(ctx) }),
  );
  lifecycle('stop', 'WorkflowService_StopWorkflow', (namespace, name, b) =>
    backend.stopWorkflow(namespace, name, {
      nodeFieldSelector: string(b.nodeFieldSelector),
      message: string(b.message),
      actor: actorOf(ctx),
    }),
  );
  lifecycle('terminate', 'WorkflowService_TerminateWorkflow', (namespace, name) =>
    backend.terminateWorkflow(namespace, name, { actor: actorOf(ctx) }),
  );
  lifecycle('set', 'WorkflowService_SetWorkflow', (namespace, name, b) =>
    backend.setWorkflow(namespace, name, {
      nodeFieldSelector: string(b.nodeFieldSelector),
      message: string(b.message),
      outputParameters: string(b.outputParameters),
      phase: string(b.phase),
      actor: actorOf(ctx),
    }),
  );

  const logs = (url: string, operation: string): void =>
    streaming(app, ctx, url, operation, async ({ params, query }, signal) => {
      const namespace = ns(params);
      const wf = await backend.getWorkflow(namespace, params.name);
      const lq = logQuery(query);
      const podName = params.podName ?? str(query, 'podName');
      return backend.workflowLogs(
        namespace,
        wf.metadata.name ?? params.name,
        {
          podName: podName || undefined,
          container: lq.container,
          follow: lq.follow,
          previous: lq.previous,
          sinceSeconds: lq.sinceSeconds,
          sinceTime: lq.sinceTime,
          timestamps: lq.timestamps,
          tailLines: lq.tailLines,
          grep: str(query, 'grep') || undefined,
          selector: str(query, 'selector') || undefined,
        },
        signal,
      );
    });
  logs('/api/v1/workflows/:namespace/:name/log', 'WorkflowService_WorkflowLogs');
  logs('/api/v1/workflows/:namespace/:name/:podName/log', 'WorkflowService_PodLogs');

  streaming(
    app,
    ctx,
    '/api/v1/workflow-events/:namespace',
    'WorkflowService_WatchWorkflows',
    async ({ params, query }, signal) => {
      const namespace = ns(params);
      const lq = listQuery(query);
      const cleaner = new FieldCleaner(str(query, 'fields')).withoutPrefix('result.object.');
      const events = backend.watchWorkflows(
        namespace,
        {
          labelSelector: lq.labelSelector,
          fieldSelector: lq.fieldSelector,
          resourceVersion: lq.resourceVersion,
        },
        signal,
      );
      const shape = str(query, 'fields') ?? '';
      return (async function* () {
        for await (const ev of events) {
          const meta = ev.object.metadata;
          const identity = `${ev.type} ${meta.namespace ?? ''}/${meta.name ?? ''} ${meta.uid ?? ''} ${meta.resourceVersion ?? ''}`;
          yield frames.result(identity, shape, () =>
            pruneEmpty({ type: ev.type, object: withResourceStructs(cleaner.clean(ev.object)) }),
          );
        }
      })();
    },
  );

  // The local engine records no Kubernetes Events: the stream stays open and quiet.
  streaming(
    app,
    ctx,
    '/api/v1/stream/events/:namespace',
    'WorkflowService_WatchEvents',
    async ({ params, query }, signal) => {
      ns(params);
      listQuery(query);
      const quiet: AsyncIterable<never> = {
        [Symbol.asyncIterator]: () => ({
          next: () =>
            new Promise<IteratorResult<never>>((resolve) =>
              signal.addEventListener('abort', () => resolve({ done: true, value: undefined }), {
                once: true,
              }),
            ),
        }),
      };
      return quiet;
    },
  );
}
