// Artifact download routes. Failures answer in plain text with the HTTP status only, as upstream's
// artifact server does (it is an http.Handler, not part of the gRPC gateway).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import path from 'node:path';
import type { Workflow } from '../../model/workflow.js';
import { nullArchive } from '../archive.js';
import {
  ArtifactPathError,
  artifactPathSegments,
  noArtifacts,
  type ArtifactDirection,
  type ArtifactRequest,
} from '../artifacts.js';
import { type CallerDeps, runAsCaller } from '../caller.js';
import { admit, servedNamespace, type RouteContext } from '../context.js';
import { Code, toApiError } from '../errors.js';

class HttpFailure extends Error {
  constructor(readonly status: number) {
    super(String(status));
  }
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  500: 'Internal Server Error',
};

function fail(reply: FastifyReply, status: number): FastifyReply {
  return reply
    .code(status)
    .type('text/plain; charset=utf-8')
    .header('x-content-type-options', 'nosniff')
    .send(`${STATUS_TEXT[status] ?? 'Error'}\n`);
}

export function registerArtifactRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const reader = ctx.deps.artifacts ?? noArtifacts;
  const archive = ctx.deps.archive ?? nullArchive;

  const workflowByName = async (namespace: string, name: string): Promise<Workflow> => {
    try {
      return await ctx.deps.backend.getWorkflow(namespace, name);
    } catch (err) {
      throw new HttpFailure(toApiError(err).httpStatus);
    }
  };

  const workflowByUid = async (uid: string): Promise<Workflow> => {
    // Live workflows first, then the archive, as upstream looks them up.
    const scope = servedNamespace(ctx, '');
    const live = await ctx.deps.backend.listWorkflows(scope, {});
    const found = live.items.find((w) => w.metadata.uid === uid);
    if (found) return found;
    const archived = await archive.get(uid, '', '').catch(() => undefined);
    if (!archived) throw new HttpFailure(404);
    return archived;
  };

  const serve = async (
    req: FastifyRequest,
    reply: FastifyReply,
    resolve: (segments: string[]) => Promise<ArtifactRequest>,
    skip: number,
  ): Promise<FastifyReply> => {
    let caller: CallerDeps | undefined;
    try {
      caller = admit(ctx, req);
    } catch {
      return fail(reply, 401);
    }
    return runAsCaller(caller, () => send(req, reply, resolve, skip, caller));
  };

  const send = async (
    req: FastifyRequest,
    reply: FastifyReply,
    resolve: (segments: string[]) => Promise<ArtifactRequest>,
    skip: number,
    caller: CallerDeps | undefined,
  ): Promise<FastifyReply> => {
    try {
      const request = await resolve(artifactPathSegments(req.raw.url ?? '', skip));
      servedNamespace(ctx, request.workflow.metadata.namespace ?? '');
      const content = await reader.open(request);
      if (!content) return fail(reply, 404);
      reply
        .header(
          'content-security-policy',
          process.env.ARGO_ARTIFACT_CONTENT_SECURITY_POLICY ??
            "sandbox allow-same-origin; base-uri 'none'; default-src 'none'; img-src 'self'; style-src 'self' 'unsafe-inline'",
        )
        .header('x-frame-options', process.env.ARGO_ARTIFACT_X_FRAME_OPTIONS ?? 'SAMEORIGIN')
        .header(
          'content-disposition',
          `filename="${path.posix.basename(content.fileName).replace(/"/g, '')}"`,
        )
        .type(content.contentType ?? 'application/octet-stream');
      return reply.code(200).send(content.body);
    } catch (err) {
      if (err instanceof ArtifactPathError) return fail(reply, 400);
      if (err instanceof HttpFailure) return fail(reply, err.status);
      // Refused by the namespace boundary, or by the Kubernetes API the caller's token went to.
      const code = toApiError(err).code;
      if (code === Code.PermissionDenied) return fail(reply, 403);
      if (caller && code === Code.Unauthenticated) return fail(reply, 401);
      req.log.error({ err }, 'artifact download failed');
      return fail(reply, 500);
    }
  };

  const exactly = (segments: string[], n: number): string[] => {
    if (segments.length !== n || segments.some((s) => s === '')) throw new ArtifactPathError('bad path');
    return segments;
  };

  const byName = (direction: ArtifactDirection) => (req: FastifyRequest, reply: FastifyReply) =>
    serve(
      req,
      reply,
      async (segments) => {
        const [namespace, name, nodeId, artifactName] = exactly(segments, 4);
        servedNamespace(ctx, namespace);
        return { workflow: await workflowByName(namespace, name), nodeId, artifactName, direction };
      },
      1,
    );
  const byUid = (direction: ArtifactDirection) => (req: FastifyRequest, reply: FastifyReply) =>
    serve(
      req,
      reply,
      async (segments) => {
        const [uid, nodeId, artifactName] = exactly(segments, 3);
        return { workflow: await workflowByUid(uid), nodeId, artifactName, direction };
      },
      1,
    );

  app.get('/artifacts/*', byName('outputs'));
  app.get('/input-artifacts/*', byName('inputs'));
  app.get('/artifacts-by-uid/*', byUid('outputs'));
  app.get('/input-artifacts-by-uid/*', byUid('inputs'));

  // /artifact-files/{namespace}/{workflows|archived-workflows}/{id}/{nodeId}/{inputs|outputs}/{artifactName}/{file...}
  app.get('/artifact-files/*', (req, reply) =>
    serve(
      req,
      reply,
      async (segments) => {
        if (segments.length < 6 || segments.slice(0, 6).some((s) => s === ''))
          throw new ArtifactPathError('bad path');
        const [namespace, discriminator, id, nodeId, direction, artifactName, ...file] = segments;
        if (direction !== 'inputs' && direction !== 'outputs') throw new ArtifactPathError('bad direction');
        servedNamespace(ctx, namespace);
        let workflow: Workflow;
        if (discriminator === 'workflows') workflow = await workflowByName(namespace, id);
        else if (discriminator === 'archived-workflows') {
          workflow = await workflowByUid(id);
          if (workflow.metadata.namespace !== namespace) throw new HttpFailure(400);
        } else throw new ArtifactPathError('bad discriminator');
        return { workflow, nodeId, artifactName, direction, file: file.filter((s) => s !== '') };
      },
      1,
    ),
  );
}
