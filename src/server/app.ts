// The Argo Server's HTTP application: the API routes, artifact downloads, /metrics, the web UI at
// `/` (and its client-side routes), and what wraps every response (security headers, CORS, rate limit, base href).
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyServerOptions } from 'fastify';
import type { ServerDeps } from './backend.js';
import { callerAwareDeps } from './caller.js';
import { authorize, sendError, type RouteContext, type ServerOptions } from './context.js';
import { ApiError, Code } from './errors.js';
import { ServerMetrics } from './metrics.js';
import { RateLimiter } from './rate-limit.js';
import {
  bodyLimit,
  ConcurrencyLimit,
  concurrentListLimit,
  maxRssBytes,
  MAX_BODY_DEPTH,
  nestsDeeperThan,
  tooDeep,
} from './request-limits.js';
import { registerArchivedWorkflowRoutes } from './routes/archived-workflows.js';
import { registerArtifactRoutes } from './routes/artifacts.js';
import { registerCronWorkflowRoutes } from './routes/cron-workflows.js';
import { registerEventRoutes } from './routes/events.js';
import { registerInfoRoutes } from './routes/info.js';
import { registerSyncRoutes } from './routes/sync.js';
import { registerTemplateRoutes } from './routes/templates.js';
import { registerWorkflowRoutes } from './routes/workflows.js';
import { UI_CONTENT_SECURITY_POLICY, UiFiles } from './ui.js';

export type { ServerOptions };

/** `/argo/` → `/argo`; `/` → ''. */
export function basePath(baseHref: string): string {
  const trimmed = baseHref.replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? '' : `/${trimmed}`;
}

/** The page at `/` of a build without the UI (dist/ui not built, e.g. only `tsc` was run). */
function noUiPage(base: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head><meta charset="UTF-8"><title>Argo</title><base href="${base}/"></head>
<body><p>Argo Server (argo-ts). The API is served under <a href="api/v1/info">api/v1</a>; the web UI is not built (npm run build:ui).</p></body>
</html>
`;
}

export function buildApp(
  deps: ServerDeps,
  opts: ServerOptions,
  fastifyOptions: FastifyServerOptions = {},
): FastifyInstance {
  const base = basePath(opts.baseHref);
  const app = Fastify({
    bodyLimit: bodyLimit(),
    // Requests under the base href (a proxy that does not strip it) reach the same routes.
    rewriteUrl: (req) => {
      const url = req.url ?? '/';
      if (base && (url === base || url.startsWith(`${base}/`) || url.startsWith(`${base}?`))) {
        return url.slice(base.length) || '/';
      }
      return url;
    },
    ...fastifyOptions,
  });
  const ui = UiFiles.load(opts.uiDir);
  const ctx: RouteContext = {
    deps: callerAwareDeps(deps),
    opts,
    metrics: new ServerMetrics(),
    lists: new ConcurrencyLimit(opts.maxConcurrentLists ?? concurrentListLimit(), maxRssBytes()),
    openStreams: new Set(),
  };
  // Closing waits for every connection to end, and a watch or a followed log never ends by itself.
  app.addHook('preClose', async () => {
    for (const end of [...ctx.openStreams]) end();
  });

  // Argo clients (the Go CLI) send JSON bodies without a Content-Type.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body).trim();
    if (text === '') return done(null, {});
    if (nestsDeeperThan(text, MAX_BODY_DEPTH)) return done(tooDeep(), undefined);
    try {
      done(null, JSON.parse(text));
    } catch (err) {
      done(new ApiError(Code.InvalidArgument, (err as Error).message), undefined);
    }
  });

  const limiter = opts.apiRateLimit > 0 ? new RateLimiter(opts.apiRateLimit) : undefined;
  app.addHook('onRequest', async (req, reply) => {
    if (opts.xFrameOptions) reply.header('x-frame-options', opts.xFrameOptions);
    if (opts.secure && opts.hsts) reply.header('strict-transport-security', 'max-age=31536000');
    if (opts.accessControlAllowOrigin) {
      reply.header('access-control-allow-origin', opts.accessControlAllowOrigin);
      if (req.method === 'OPTIONS') {
        reply
          .header('access-control-allow-credentials', 'true')
          .header('access-control-allow-methods', 'POST, GET, OPTIONS, PUT, DELETE')
          .header('access-control-allow-headers', 'Content-Type, Authorization')
          .code(204)
          .send();
        return reply;
      }
    }
    if (limiter) {
      const d = limiter.take(req.ip);
      reply
        .header('x-ratelimit-limit', d.limit)
        .header('x-ratelimit-remaining', d.remaining)
        .header('x-ratelimit-reset', new Date(d.reset * 1000).toUTCString());
      if (!d.allowed) {
        reply
          .code(429)
          .type('text/plain; charset=utf-8')
          .header('retry-after', new Date(d.reset * 1000).toUTCString());
        reply.send('Too Many Requests\n');
        return reply;
      }
    }
  });

  app.setErrorHandler((err, req, reply) => {
    const e =
      err instanceof ApiError
        ? err
        : new ApiError(
            (err as { statusCode?: number }).statusCode === 413
              ? Code.ResourceExhausted
              : Code.InvalidArgument,
            (err as Error).message,
          );
    req.log.debug({ err }, 'request failed');
    return sendError(reply, e);
  });

  const indexPage = (reply: FastifyReply): FastifyReply =>
    reply
      .code(200)
      .header('content-security-policy', UI_CONTENT_SECURITY_POLICY)
      .header('cache-control', 'no-cache')
      .type('text/html; charset=utf-8')
      .send(ui ? ui.indexHtml(base) : noUiPage(base));

  app.setNotFoundHandler((req, reply) => {
    const url = req.url.split('?')[0];
    if (url.startsWith('/api/')) return sendError(reply, new ApiError(Code.NotFound, 'Not Found'));
    const file = req.method === 'GET' || req.method === 'HEAD' ? ui?.file(url) : undefined;
    if (file) {
      reply
        .code(200)
        .type(file.type)
        .header('cache-control', file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
        .header('vary', 'accept-encoding');
      if (/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? '')))
        return reply.header('content-encoding', 'gzip').send(ui!.gzipped(file));
      return reply.send(file.body);
    }
    // Like upstream's file server: any other path is the UI's index page, whose router shows it.
    return indexPage(reply);
  });

  registerInfoRoutes(app, ctx);
  registerWorkflowRoutes(app, ctx);
  registerTemplateRoutes(app, ctx);
  registerCronWorkflowRoutes(app, ctx);
  registerArchivedWorkflowRoutes(app, ctx);
  registerSyncRoutes(app, ctx);
  registerEventRoutes(app, ctx);
  registerArtifactRoutes(app, ctx);

  app.get('/metrics', async (req, reply) => {
    if (opts.metricsAuth) {
      try {
        authorize(ctx, req);
      } catch {
        return reply.code(403).send();
      }
    }
    return reply.type(ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics());
  });

  // The readiness probe of upstream's manifests asks for `/`.
  app.get('/', async (_req, reply) => indexPage(reply));

  return app;
}
