// The shared client layer: picks the backend a command talks to, as DESIGN.md describes.
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ArgoClient } from './types.js';
import { ArgoError } from './types.js';
import type { EngineMode } from './local/client.js';

export * from './types.js';

export interface ClientOptions {
  /** --argo-server / ARGO_SERVER */
  argoServer?: string;
  /** --kubeconfig / KUBECONFIG */
  kubeconfig?: string;
  /** -n / ARGO_NAMESPACE */
  namespace?: string;
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
}

export type BackendChoice =
  { backend: 'local' } | { backend: 'http'; server: string } | { backend: 'kube'; kubeconfig: string };

/** ARGO_SERVER → http; else a kubeconfig → kube; else the embedded local engine. ARGO_LOCAL=true forces local. */
export function chooseBackend(opts: ClientOptions): BackendChoice {
  const env = opts.env ?? process.env;
  if (env.ARGO_LOCAL === 'true') return { backend: 'local' };
  const server = opts.argoServer ?? env.ARGO_SERVER;
  if (server) return { backend: 'http', server };
  const explicit = opts.kubeconfig ?? env.KUBECONFIG;
  if (explicit && explicit !== '/dev/null') return { backend: 'kube', kubeconfig: explicit };
  const home = path.join(os.homedir(), '.kube', 'config');
  if (!explicit && existsSync(home)) return { backend: 'kube', kubeconfig: home };
  if (env.KUBERNETES_SERVICE_HOST && existsSync('/var/run/secrets/kubernetes.io/serviceaccount/token')) {
    return { backend: 'kube', kubeconfig: 'in-cluster' };
  }
  return { backend: 'local' };
}

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
        namespace: opts.namespace || env.ARGO_NAMESPACE || 'default',
      });
    }
    case 'kube':
      throw new ArgoError(
        `a kubeconfig was found (${choice.kubeconfig}) but this build of argo-ts cannot talk to Kubernetes yet; set ARGO_LOCAL=true (or KUBECONFIG=/dev/null) to use the embedded engine`,
        501,
      );
    case 'local': {
      const [{ LocalClient }, { openStore, argoHome }] = await Promise.all([
        import('./local/client.js'),
        import('../store/index.js'),
      ]);
      const home = argoHome();
      const store = openStore();
      return new LocalClient({
        store,
        home,
        namespace: opts.namespace || env.ARGO_NAMESPACE || 'default',
        engine: opts.engine ?? 'detached',
      });
    }
  }
}
