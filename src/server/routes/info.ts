// InfoService: what the UI asks first (info, user, version) and its usage tracking.
import type { FastifyInstance } from 'fastify';
import { unary, type RouteContext } from '../context.js';

export function registerInfoRoutes(app: FastifyInstance, ctx: RouteContext): void {
  unary(app, ctx, 'GET', '/api/v1/info', 'InfoService_GetInfo', async () => ({
    managedNamespace: ctx.opts.managedNamespace,
    modals: {
      feedback: process.env.FEEDBACK_MODAL !== 'false',
      firstTimeUser: process.env.FIRST_TIME_USER_MODAL !== 'false',
      newVersion: process.env.NEW_VERSION_MODAL !== 'false',
    },
  }));

  // No identity provider stands behind local tokens, so there are no claims to tell.
  unary(app, ctx, 'GET', '/api/v1/userinfo', 'InfoService_GetUserInfo', async () => ({}));

  unary(app, ctx, 'GET', '/api/v1/version', 'InfoService_GetVersion', async () => ctx.deps.version());

  unary(app, ctx, 'POST', '/api/v1/tracking/event', 'InfoService_CollectEvent', async ({ req, body }) => {
    req.log.info({ name: body.name }, 'tracking UI usage');
    return {};
  });
}
