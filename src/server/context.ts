// What every route shares: the dependencies, the server's options, authorization, the namespace
// boundary of --namespaced, and the request/response plumbing of unary and streaming calls.
import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../model/service.js';
import { authenticate, authorizationOf, callerCredentialsOf, type AuthMode } from './auth.js';
import type { ServerDeps } from './backend.js';
import { callerError, currentCaller, runAsCaller, type CallerDeps } from './caller.js';
import { claimsOfKubeUser } from './claims.js';
import { ApiError, Code, invalid, toApiError } from './errors.js';
import type { ConcurrencyLimit } from './request-limits.js';
import { callLabels, type ServerMetrics } from './metrics.js';
import type { Query } from './query.js';
import { streamResults } from './sse.js';
import { SerializedResult } from './event-frames.js';
import { StreamedList } from './list-stream.js';
import { dropNulls, pruneEmpty } from './wire.js';

export interface ServerOptions {
  authModes: ReadonlySet<AuthMode>;
  /** The bearer token client mode accepts. */
  token?: string;
  /** Set with --namespaced: the only namespace this server serves. */
  managedNamespace?: string;
  baseHref: string;
  secure: boolean;
  hsts: boolean;
  xFrameOptions: string;
  accessControlAllowOrigin?: string;
  /** Requests per second per client address; 0 turns the limit off. */
  apiRateLimit: number;
  /** Whether /metrics needs the same authorization as the API (ARGO_SERVER_METRICS_AUTH). */
  metricsAuth: boolean;
  /**
   * Who a request acts as when it uses the server's own rights, recorded as upstream records its
   * claims ("Resumed by: map[User:...]", actor labels). On a cluster: who the server's own
   * credentials name (claims.ts), as upstream's server mode; a client-mode caller is who its token
   * names instead (actorOf). On this machine the token stands for whoever may read the server's
   * token file, the user the server runs as, so both modes act as that user.
   */
  identity?: Actor;
  /** List calls served at once (default ARGO_SERVER_MAX_CONCURRENT_LISTS, else 8). */
  maxConcurrentLists?: number;
  /** The built web UI (dist/ui): served at the base href; without it `/` is a page saying so. */
  uiDir?: string;
}

export interface RouteContext {
  deps: ServerDeps;
  opts: ServerOptions;
  metrics: ServerMetrics;
  /** Slots for list calls, which serialize whole workflows. */
  lists: ConcurrencyLimit;
  /** Ends each open stream (watches and followed logs), so the server can close with clients on them. */
  openStreams: Set<() => void>;
}

export type Body = Record<string, unknown>;

export interface Call {
  req: FastifyRequest;
  params: Record<string, string>;
  query: Query;
  body: Body;
}

export function authorize(ctx: RouteContext, req: FastifyRequest): AuthMode {
  return authenticate(
    authorizationOf(req.headers),
    ctx.opts.authModes,
    ctx.opts.token,
    ctx.deps.forCaller !== undefined,
  );
}

/**
 * Authorizes the request and gives the caller it acts as: in client mode over the Kubernetes API,
 * the one its credentials stand for; otherwise none (the server's own rights).
 */
export function admit(ctx: RouteContext, req: FastifyRequest): CallerDeps | undefined {
  const mode = authorize(ctx, req);
  if (mode !== 'client' || !ctx.deps.forCaller) return undefined;
  const credentials = callerCredentialsOf(authorizationOf(req.headers));
  // authorize() admitted the request in client mode, which it does only with credentials.
  if (!credentials) return undefined;
  // As upstream's claims for a REST config: the user name when there is one, else the token's claims.
  return { ...ctx.deps.forCaller(credentials), actor: claimsOfKubeUser(credentials) };
}

/**
 * Who the current request acts as, recorded in what it changes (actor labels, "Resumed by: ..."):
 * a caller acting with its own token is who the token names; otherwise the server's identity.
 */
export function actorOf(ctx: RouteContext): Actor | undefined {
  const caller = currentCaller();
  return caller ? caller.actor : ctx.opts.identity;
}

/** Refuses namespaces outside the one a --namespaced server manages. */
export function servedNamespace(ctx: RouteContext, namespace: string): string {
  const managed = ctx.opts.managedNamespace;
  if (managed === undefined) return namespace;
  if (namespace === '') return managed;
  if (namespace !== managed) {
    throw new ApiError(
      Code.PermissionDenied,
      `namespace "${namespace}" is not served: this server manages only namespace "${managed}"`,
    );
  }
  return namespace;
}

/** A request body as an object; grpc-gateway answers 400 for JSON that does not decode. */
function bodyOf(req: FastifyRequest): Body {
  const b = req.body;
  if (b === undefined || b === null || b === '') return {};
  if (typeof b !== 'object' || Array.isArray(b)) throw invalid('request body must be a JSON object');
  return dropNulls(b as Body);
}

function callOf(req: FastifyRequest): Call {
  return {
    req,
    params: (req.params ?? {}) as Record<string, string>,
    query: (req.query ?? {}) as Query,
    body: bodyOf(req),
  };
}

export function sendError(reply: FastifyReply, err: ApiError): FastifyReply {
  return reply.code(err.httpStatus).type('application/json').send(JSON.stringify(err.toJSON()));
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** A request/response call: the handler's result is sent as JSON, a failure as a gRPC status. */
export function unary(
  app: FastifyInstance,
  ctx: RouteContext,
  method: Method,
  url: string,
  operationId: string,
  handler: (call: Call) => Promise<unknown>,
): void {
  const heavy = HEAVY_CALL.exec(operationId);
  app.route({
    method,
    url,
    // Before the body is read: an unauthenticated caller cannot make the server parse 100 MiB.
    onRequest: async (req, reply) => {
      try {
        authorize(ctx, req);
      } catch (err) {
        const e = toApiError(err);
        ctx.metrics.start(callLabels(operationId, false))(e.code);
        return sendError(reply, e);
      }
    },
    handler: async (req, reply) => {
      // Authorized by onRequest already; this gives the caller the call acts as.
      const caller = admit(ctx, req);
      return runAsCaller(caller, () => answer(req, reply, caller));
    },
  });

  async function answer(req: FastifyRequest, reply: FastifyReply, caller: CallerDeps | undefined) {
    const done = ctx.metrics.start(callLabels(operationId, false));
    let built: (() => void) | undefined;
    try {
      if (heavy) {
        const slot = await ctx.lists.acquire(heavy[1] ? 'list' : 'workflow read');
        built = slot.built;
        // Held until the client has the last byte (or left): a response being written holds
        // its objects in memory just as one being built does.
        reply.raw.once('close', () => {
          slot.built();
          slot.release();
        });
      }
      const result = await handler(callOf(req));
      let body: string | Readable;
      if (result instanceof StreamedList) {
        // A list's items are serialised as it is written: its turn ends with the last item.
        body = result.body(built);
        built = undefined;
      } else body = JSON.stringify(pruneEmpty(result ?? {}));
      built?.();
      done(Code.OK);
      reply.header('grpc-metadata-argo-version', ctx.deps.version().version);
      return reply.code(200).type('application/json').send(body);
    } catch (err) {
      const e = callerError(caller, toApiError(err));
      done(e.code);
      if (e.code === Code.Internal || e.code === Code.Unknown) req.log.error({ err }, e.message);
      return sendError(reply, e);
    } finally {
      built?.();
    }
  }
}

/**
 * Calls that read many whole objects (`WorkflowService_ListWorkflows`, ...) or one that may be as
 * large as a message can be (a workflow, live or archived); group 1 is set for lists.
 */
const HEAVY_CALL =
  /(_List[A-Z])|^(?:WorkflowService_GetWorkflow|ArchivedWorkflowService_GetArchivedWorkflow)$/;

/**
 * A server-streaming call: `open` checks the request (failures answer as a unary error would) and
 * returns the messages to send until the client leaves.
 */
export function streaming(
  app: FastifyInstance,
  ctx: RouteContext,
  url: string,
  operationId: string,
  open: (call: Call, signal: AbortSignal) => Promise<AsyncIterable<unknown>>,
): void {
  app.route({
    method: 'GET',
    url,
    handler: async (req, reply) => {
      let caller: CallerDeps | undefined;
      try {
        caller = admit(ctx, req);
      } catch (err) {
        const e = toApiError(err);
        ctx.metrics.start(callLabels(operationId, true))(e.code);
        return sendError(reply, e);
      }
      return runAsCaller(caller, () => stream(req, reply, caller));
    },
  });

  async function stream(req: FastifyRequest, reply: FastifyReply, caller: CallerDeps | undefined) {
    const done = ctx.metrics.start(callLabels(operationId, true));
    const controller = new AbortController();
    let source: AsyncIterable<unknown>;
    try {
      source = await open(callOf(req), controller.signal);
    } catch (err) {
      const e = callerError(caller, toApiError(err));
      done(e.code);
      return sendError(reply, e);
    }
    reply.header('grpc-metadata-argo-version', ctx.deps.version().version);
    const started = Date.now();
    // Ended when the server closes: a watch or log stream never ends on its own.
    const end = (): void => {
      controller.abort();
      reply.raw.destroy();
    };
    ctx.openStreams.add(end);
    try {
      await streamResults(req, reply, mapPruned(source), { controller });
    } finally {
      ctx.openStreams.delete(end);
    }
    done(Code.OK);
    req.log.info(
      {
        method: req.method,
        path: req.url.split('?')[0],
        status: 200,
        duration: `${Date.now() - started}ms`,
      },
      'stream',
    );
  }
}

async function* mapPruned(source: AsyncIterable<unknown>): AsyncGenerator<unknown> {
  // A serialised message was pruned before it was serialised (see event-frames.ts).
  for await (const item of source) yield item instanceof SerializedResult ? item : pruneEmpty(item);
}

/** The object a create/update/lint body carries under `key`, or a 400 with upstream's message. */
export function required<T>(
  body: Body,
  key: string,
  message: string,
  code: Code400 = Code.InvalidArgument,
): T {
  const v = body[key];
  if (v === undefined || v === null || typeof v !== 'object') throw new ApiError(code, message);
  return v as T;
}

type Code400 = (typeof Code)[keyof typeof Code];

/** Every item of a paged backend list. */
export async function listAll<T>(
  page: (
    cont: string | undefined,
  ) => Promise<{ items: T[]; metadata: { resourceVersion?: string; continue?: string } }>,
): Promise<{ items: T[]; resourceVersion?: string }> {
  let items: T[] = [];
  let resourceVersion: string | undefined;
  let cont: string | undefined;
  do {
    const res = await page(cont);
    items = items.concat(res.items);
    resourceVersion ??= res.metadata.resourceVersion;
    cont = res.metadata.continue || undefined;
  } while (cont);
  return { items, resourceVersion };
}

/** An update's object takes its name from the URL when it has none, and must not name another. */
export function nameFromUrl<T extends { metadata: { name?: string } }>(obj: T, urlName: string): T {
  obj.metadata.name ||= urlName;
  if (obj.metadata.name !== urlName)
    throw invalid('the name of the object does not match the name on the URL');
  return obj;
}
