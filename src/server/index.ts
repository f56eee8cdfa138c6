// The Argo Server: starts the HTTP(S) listener over the given dependencies.
import { LogController, type FastifyBaseLogger } from 'fastify';
import type { ServerDeps } from './backend.js';
import { buildApp, type ServerOptions } from './app.js';
import type { TlsMaterial } from './tls.js';

export type { ServerDeps, WorkflowBackend } from './backend.js';
export type { ServerOptions } from './app.js';
export { currentCaller, type CallerDeps, type CallerFactory } from './caller.js';
export type { ArtifactReader, ArtifactRequest, ArtifactContent } from './artifacts.js';
export type { WorkflowArchive } from './archive.js';
export { parseAuthModes, AuthModeError, type AuthMode } from './auth.js';
export { ensureServerToken, readServerToken, serverTokenPath } from './token.js';
export { selfSignedCertificate, certificateFromSecret, type TlsMaterial } from './tls.js';
export { createLogger, type LogFormat, type LogLevel } from './logger.js';

export interface StartOptions extends ServerOptions {
  port: number;
  /** Listen address; all interfaces by default, as upstream listens on `:port`. */
  host?: string;
  /** Serve HTTPS with this key and certificate (required when `secure`). */
  tls?: TlsMaterial;
  logger?: FastifyBaseLogger;
}

export interface RunningServer {
  /** e.g. https://localhost:2746 */
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startServer(deps: ServerDeps, opts: StartOptions): Promise<RunningServer> {
  if (opts.secure && !opts.tls) throw new Error('a secure server needs a certificate');
  const app = buildApp(deps, opts, {
    ...(opts.secure && opts.tls ? { https: { key: opts.tls.key, cert: opts.tls.cert } } : {}),
    ...(opts.logger ? { loggerInstance: opts.logger } : {}),
    // Requests are logged once, by the hook below.
    logController: new LogController({ disableRequestLogging: true }),
  });
  app.addHook('onResponse', async (req, reply) => {
    if (req.url === '/metrics') return;
    req.log.info(
      {
        method: req.method,
        path: req.url.split('?')[0],
        status: reply.statusCode,
        duration: `${reply.elapsedTime.toFixed(1)}ms`,
      },
      'request',
    );
  });
  try {
    await app.listen({ port: opts.port, host: opts.host ?? '::' });
  } catch (err) {
    // Without IPv6 on the machine, all interfaces means all IPv4 ones.
    if (opts.host !== undefined || (err as NodeJS.ErrnoException).code !== 'EAFNOSUPPORT') throw err;
    await app.listen({ port: opts.port, host: '0.0.0.0' });
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  return {
    url: `${opts.secure ? 'https' : 'http'}://localhost:${port}`,
    port,
    close: () => app.close(),
  };
}
