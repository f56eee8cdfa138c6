// `argo server` on this machine: the Argo Server API over the embedded store, with the embedded
// engine (controller and host runtime) contending for the controller lease, so a CLI-run engine and
// the server never both run workflows.
import { storeSecrets, WorkflowArtifactReader } from '../../artifacts/reader.js';
import type { ResourceStore } from '../../store/types.js';
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { chooseBackend } from '../../client/index.js';
import { Engine } from '../../client/local/engine.js';
import { LocalClient } from '../../client/local/client.js';
import { versionInfo } from '../../client/version.js';
import {
  AuthModeError,
  certificateFromSecret,
  createLogger,
  ensureServerToken,
  parseAuthModes,
  selfSignedCertificate,
  serverTokenPath,
  startServer,
  type LogFormat,
  type LogLevel,
} from '../../server/index.js';
import { argoHome, openStore } from '../../store/index.js';
import { globalOptions } from '../context.js';
import { packageFile } from '../../package-files.js';
import { FlagError } from '../flags.js';
import { SERVER_FLAGS } from './server.js';
import { openServerArchive } from '../../persist/configured.js';

type Raw = Record<string, unknown>;

/** A flag's value: given on the command line (to `server` or, for shared names, the root), else ARGO_<FLAG>, else its default. */
function flagReader(cmd: Command, env: NodeJS.ProcessEnv) {
  const own = cmd.opts() as Raw;
  const root = (cmd.parent?.opts() ?? {}) as Raw;
  return (long: string): unknown => {
    const key = long.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
    if (cmd.getOptionValueSource(key) === 'cli') return own[key];
    if (cmd.parent?.getOptionValueSource(key) === 'cli') return root[key];
    const spec = SERVER_FLAGS.find((f) => f.long === long);
    const e = env[`ARGO_${long.toUpperCase().replace(/-/g, '_')}`];
    if (e !== undefined && e !== '' && spec) {
      switch (spec.type) {
        case 'bool':
          if (/^(1|t|true)$/i.test(e)) return true;
          if (/^(0|f|false)$/i.test(e)) return false;
          throw new FlagError(
            `invalid argument "${e}" for "--${long}" flag: strconv.ParseBool: parsing "${e}": invalid syntax`,
          );
        case 'int':
          if (!/^[+-]?\d+$/.test(e))
            throw new FlagError(
              `invalid argument "${e}" for "--${long}" flag: strconv.ParseInt: parsing "${e}": invalid syntax`,
            );
          return Number(e);
        case 'stringArray':
          return e.split(',').filter(Boolean);
        default:
          return e;
      }
    }
    return own[key] ?? spec?.default;
  };
}

export async function runServer(cmd: Command, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const flag = flagReader(cmd, env);
  const g = globalOptions(cmd, env);
  const logFormat = String(flag('log-format')) as LogFormat;
  const logLevel = String(flag('loglevel')) as LogLevel;
  if (logFormat !== 'text' && logFormat !== 'json')
    throw new FlagError(`invalid log format "${logFormat}": one of text|json`);
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel))
    throw new FlagError(`invalid log level "${logLevel}": one of debug|info|warn|error`);
  const logger = createLogger(logFormat, logLevel);

  let authModes;
  try {
    authModes = parseAuthModes(
      ((flag('auth-mode') as string[] | undefined) ?? ['client'])
        .flatMap((v) => v.split(','))
        .filter(Boolean),
    );
  } catch (err) {
    if (err instanceof AuthModeError) throw new Error(err.message);
    throw err;
  }
  const port = Number(flag('port'));
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new FlagError(`invalid port ${port}`);
  const apiRateLimit = Number(flag('api-rate-limit'));
  if (!Number.isInteger(apiRateLimit) || apiRateLimit < 0)
    throw new FlagError(`invalid argument "${apiRateLimit}" for "--api-rate-limit" flag`);
  const secure = flag('secure') === true;
  const namespaced = flag('namespaced') === true;
  let managedNamespace = (flag('managed-namespace') as string | undefined) || undefined;
  if (!namespaced && managedNamespace) {
    logger.warn('ignoring --managed-namespace because --namespaced is false');
    managedNamespace = undefined;
  }

  // The server serves a store, never another Argo Server: ARGO_SERVER is for clients.
  const { kubeconfig, unsupported = [], ...kube } = g.kube;
  const choice = chooseBackend({
    kubeconfig: g.kubeconfig,
    kube: { server: kube.server },
    env: { ...env, ARGO_SERVER: undefined },
  });
  const home = argoHome(env);
  if (choice.backend === 'kube' && unsupported.length > 0)
    throw new FlagError(
      `${unsupported.join(', ')}: not applied to the Kubernetes API by this server; put the credentials and settings in a kubeconfig user and cluster instead`,
    );
  const cluster =
    choice.backend === 'kube'
      ? await (
          await import('./server-cluster.js')
        ).openClusterServer({
          kube: { ...kube, kubeconfig, namespace: g.namespace || env.ARGO_NAMESPACE || undefined, env },
          passCallerToken: authModes.has('client'),
          home,
          configMap: String(flag('configmap')),
          warn: (msg) => logger.warn(msg),
        })
      : undefined;
  const namespace = cluster?.namespace ?? (g.namespace || env.ARGO_NAMESPACE || 'default');
  if (namespaced && !managedNamespace) managedNamespace = namespace;

  logger.info(
    {
      authModes: [...authModes].join(','),
      namespace,
      managedNamespace: managedNamespace ?? '',
      baseHRef: String(flag('base-href')),
      secure,
      ...(cluster ? { kubeconfig: cluster.source, kubeApiServer: cluster.apiServer } : {}),
    },
    'Starting Argo Server',
  );
  const local = cluster ? undefined : await openLocal(home, namespace, logger);
  const store = cluster?.deps.store ?? local!.store;

  // On this machine, client mode checks the server's own token; on a cluster, the Kubernetes API
  // checks each caller's.
  const token = authModes.has('client') && !cluster ? ensureServerToken(home) : undefined;
  if (token)
    logger.info(
      { path: serverTokenPath(home) },
      'Client auth mode: requests need "Authorization: Bearer <token>" with the token in this file (`argo auth token` prints it)',
    );
  if (cluster && authModes.has('client'))
    logger.info(
      "Client auth mode: each request's bearer token is passed to the Kubernetes API, whose RBAC decides",
    );
  if (authModes.size === 1 && authModes.has('server')) {
    logger.warn(
      'You are running without client authentication. Learn how to enable client authentication: https://argo-workflows.readthedocs.io/en/latest/argo-server-auth-mode/',
    );
  }
  let tls;
  if (secure) {
    const secretName = flag('tls-certificate-secret-name') as string | undefined;
    if (secretName) {
      logger.info({ secretName }, 'Getting contents of Kubernetes secret for TLS Certificates');
      tls = await certificateFromSecret(store, namespace, secretName);
    } else {
      logger.info('Generating Self Signed TLS Certificates for Secure Mode');
      tls = await selfSignedCertificate();
    }
  } else {
    logger.warn(
      'You are running in insecure mode. Learn how to enable transport layer security: https://argo-workflows.readthedocs.io/en/latest/tls/',
    );
  }

  const server = await startServer(
    { ...(cluster?.deps ?? local!.deps), version: versionInfo },
    {
      port,
      secure,
      tls,
      authModes,
      token,
      managedNamespace,
      baseHref: String(flag('base-href')),
      hsts: flag('hsts') === true,
      xFrameOptions: String(flag('x-frame-options') ?? ''),
      accessControlAllowOrigin: (flag('access-control-allow-origin') as string | undefined) || undefined,
      apiRateLimit,
      metricsAuth: env.ARGO_SERVER_METRICS_AUTH !== 'false',
      // On this machine, the user this server runs as (and whose token file client mode accepts)
      // acts on its behalf; on a cluster, whoever its own credentials name.
      identity: cluster ? cluster.identity : { subject: userInfo().username },
      // Built into the package by `npm run build:ui`.
      uiDir: packageFile('dist/ui/'),
      logger,
    },
  );
  if (local)
    void local.engine.start().then(() => logger.info('leading: controller and host runtime started'));
  logger.info({ url: server.url }, 'Argo Server started successfully');
  if (flag('browser') === true) await openBrowser(server.url, logger.warn.bind(logger));

  let stopping = false;
  const stop = async (why: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal: why }, 'shutting down');
    await server.close().catch(() => undefined);
    await local?.close();
    await cluster?.close().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  await new Promise<never>(() => undefined);
}

/** The embedded store and engine, contending for the controller lease with any CLI-run engine. */
async function openLocal(home: string, namespace: string, logger: ReturnType<typeof createLogger>) {
  const store = openStore();
  // The archive the controller configuration names (the local engine's by default); a database
  // that is down is logged and connected to again by the next read, so the server starts at once
  // and serves the archive once it is back. Without one it answers as a server without persistence.
  const persistence = await openServerArchive(
    { store, namespace: process.env.ARGO_NAMESPACE || 'argo', home },
    (msg) => logger.warn(msg),
  );
  const backend = new LocalClient({ store, home, namespace, engine: 'none', persistence });
  const engine = new Engine(store, home, (msg) => logger.info(msg));
  const archive = persistence?.archive;
  return {
    store,
    engine,
    deps: {
      backend,
      store,
      archive,
      hydrator: persistence?.hydrator,
      artifacts: artifactReader(store, home),
    },
    async close() {
      await engine.stop().catch(() => undefined);
      await persistence?.close().catch(() => undefined);
      await store.close().catch(() => undefined);
    },
  };
}

async function openBrowser(url: string, warn: (msg: string) => void): Promise<void> {
  const { spawn } = await import('node:child_process');
  const opener =
    process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  const child = spawn(opener, [url], { stdio: 'ignore', detached: true });
  child.on('error', (err) => warn(`Unable to open the browser: ${err.message}`));
  child.unref();
}

/** Artifact downloads from the repositories this machine's workflows used. */
function artifactReader(store: ResourceStore, home: string): WorkflowArtifactReader {
  return new WorkflowArtifactReader({
    home,
    secret: storeSecrets(store),
  });
}
