// The shared client layer: picks the backend a command talks to, as DESIGN.md describes.
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ArgoClient } from './types.js';
import { ArgoError } from './types.js';
import type { EngineMode } from './local/client.js';
import type { TlsFiles } from './http/transport.js';

export * from './types.js';

export interface ClientOptions {
  /** --argo-server / ARGO_SERVER */
  argoServer?: string;
  /** --kubeconfig: this file only; the KUBECONFIG list is read from `env`. */
  kubeconfig?: string;
  /** -n; else ARGO_NAMESPACE; else (kube backend) the kubeconfig context's; else default. */
  namespace?: string;
  /** For the kube backend: kubectl's flags, overriding what the kubeconfig says. */
  kube?: KubeFlags;
  /** For the local backend: run the engine in this process (when the caller waits) or detached. */
  engine?: EngineMode;
  env?: NodeJS.ProcessEnv;
  /** For the http backend: the Argo Server client flags (each defaults to its ARGO_* variable). */
  http?: HttpFlags;
}

export interface HttpFlags {
  /** --secure / ARGO_SECURE */
  secure?: boolean;
  /** --insecure-skip-verify / ARGO_INSECURE_SKIP_VERIFY */
  insecureSkipVerify?: boolean;
  /** --argo-base-href / ARGO_BASE_HREF */
  baseHref?: string;
  /** --token (a bearer token); ARGO_TOKEN, the whole Authorization value, takes precedence */
  token?: string;
  /** -H "Name: value" */
  headers?: string[];
  /** --request-timeout, e.g. 30s */
  requestTimeout?: string;
  /** kubectl's --client-certificate, --client-key and --certificate-authority, used for the Argo Server as upstream does. */
  tlsFiles?: TlsFiles;
  /** Where requests are logged at debug level, when it is on. */
  debug?: (msg: string, fields: Record<string, unknown>) => void;
}

export interface KubeFlags {
  /** --context */
  context?: string;
  /** --cluster */
  cluster?: string;
  /** --user */
  user?: string;
  /** --server: the API server's address; enough on its own, with no kubeconfig. */
  server?: string;
  /** --token: a bearer token for the API server. */
  token?: string;
  /** --insecure-skip-tls-verify */
  insecureSkipTlsVerify?: boolean;
  /** kubectl flags that were given but that this client cannot apply (e.g. `--as`): refused. */
  unsupported?: string[];
}

export type BackendChoice =
  { backend: 'local' } | { backend: 'http'; server: string } | { backend: 'kube'; kubeconfig: string };

/**
 * ARGO_SERVER → http; else a kubeconfig (or kubectl's --server) → kube; else the embedded local
 * engine. ARGO_LOCAL=true forces local; KUBECONFIG=/dev/null stands for "no kubeconfig", as in kubectl.
 */
export function chooseBackend(opts: ClientOptions): BackendChoice {
  const env = opts.env ?? process.env;
  if (env.ARGO_LOCAL === 'true') return { backend: 'local' };
  const server = opts.argoServer ?? env.ARGO_SERVER;
  if (server) return { backend: 'http', server };
  const explicit = opts.kubeconfig ?? env.KUBECONFIG;
  if (explicit && explicit !== '/dev/null') return { backend: 'kube', kubeconfig: explicit };
  const home = path.join(env.HOME || os.homedir(), '.kube', 'config');
  if (!explicit && existsSync(home)) return { backend: 'kube', kubeconfig: home };
  if (env.KUBERNETES_SERVICE_HOST && existsSync(path.join(SERVICE_ACCOUNT_DIR, 'token'))) {
    return { backend: 'kube', kubeconfig: 'in-cluster' };
  }
  if (opts.kube?.server) return { backend: 'kube', kubeconfig: 'flags' };
  return { backend: 'local' };
}

/** Where a pod's service account is mounted (the same as store/kube's, which this module must not load). */
const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export async function createClient(opts: ClientOptions = {}): Promise<ArgoClient> {
  const choice = chooseBackend(opts);
  const env = opts.env ?? process.env;
  switch (choice.backend) {
    case 'http': {
      const [{ HttpClient }, { authorizationFor }, { parseRequestTimeout }] = await Promise.all([
        import('./http/client.js'),
        import('./http/auth.js'),
        import('./http/transport.js'),
      ]);
      const f = opts.http ?? {};
      return new HttpClient({
        server: choice.server,
        secure: f.secure ?? env.ARGO_SECURE !== 'false',
        insecureSkipVerify: f.insecureSkipVerify ?? env.ARGO_INSECURE_SKIP_VERIFY === 'true',
        baseHref: f.baseHref ?? env.ARGO_BASE_HREF,
        authorization: authorizationFor(choice.server, env, f.token),
        headers: f.headers ?? [],
        requestTimeoutMs: parseRequestTimeout(f.requestTimeout),
        tlsFiles: f.tlsFiles,
        debug: f.debug,
        namespace: opts.namespace || env.ARGO_NAMESPACE || 'default',
      });
    }
    case 'kube': {
      const { unsupported = [], ...flags } = opts.kube ?? {};
      if (unsupported.length > 0)
        throw new ArgoError(
          `${unsupported.join(', ')}: not applied to the Kubernetes API by this CLI yet; put the credentials and settings in a kubeconfig user and cluster instead`,
          400,
        );
      const { KubeClient } = await import('./kube/client.js');
      return KubeClient.open({
        ...flags,
        kubeconfig: opts.kubeconfig,
        namespace: opts.namespace || env.ARGO_NAMESPACE || undefined,
        env,
      });
    }
    case 'local': {
      const [{ LocalClient }, { openStore, argoHome }] = await Promise.all([
        import('./local/client.js'),
        import('../store/index.js'),
      ]);
      const home = argoHome();
      const store = openStore();
      const engine = opts.engine ?? 'detached';
      // Work a crashed controller left resumes on whatever command comes next.
      const { healEngine } = await import('./local/heal.js');
      await healEngine(store, home, engine);
      return new LocalClient({
        store,
        home,
        namespace: opts.namespace || env.ARGO_NAMESPACE || 'default',
        engine,
      });
    }
  }
}
