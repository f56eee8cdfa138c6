// Which cluster to talk to, found the way kubectl finds it: --kubeconfig, else the KUBECONFIG list
// (merged, the first file to name something wins), else ~/.kube/config, else the pod's service
// account; then the kubectl flags (--context, --cluster, --user, -n, --server, --token,
// --insecure-skip-tls-verify) override what was loaded.
import { existsSync, readFileSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { KubeConfig, type Cluster, type Context, type User } from '@kubernetes/client-node';

export interface KubeConnectOptions {
  /** --kubeconfig: this file only; KUBECONFIG and ~/.kube/config are not read. */
  kubeconfig?: string;
  /** --context */
  context?: string;
  /** --cluster: a cluster of the kubeconfig in place of the context's. */
  cluster?: string;
  /** --user: a user of the kubeconfig in place of the context's. */
  user?: string;
  /** -n / --namespace */
  namespace?: string;
  /** -s / --server: the API server's address; enough on its own when there is no kubeconfig. */
  server?: string;
  /** --token: a bearer token in place of the user's credentials. */
  token?: string;
  /** --insecure-skip-tls-verify */
  insecureSkipTlsVerify?: boolean;
  /** KUBECONFIG, HOME, KUBERNETES_SERVICE_HOST/PORT are read from here; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Where a pod's service account is mounted; default /var/run/secrets/kubernetes.io/serviceaccount. */
  serviceAccountDir?: string;
}

export interface LoadedKubeConfig {
  kubeConfig: KubeConfig;
  /** -n, else the context's namespace, else the service account's, else "default". */
  namespace: string;
  /** The kubeconfig file(s) read, "in-cluster", or "flags" when only --server was given. */
  source: string;
}

export class KubeConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KubeConfigError';
  }
}

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

interface Parts {
  clusters: Cluster[];
  users: User[];
  contexts: Context[];
  currentContext: string;
}

function readKubeconfig(file: string): Parts | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new KubeConfigError(`cannot read kubeconfig "${file}": ${(err as Error).message}`);
  }
  // An empty file (KUBECONFIG=/dev/null) is a config with nothing in it, as kubectl sees it.
  if (text.trim() === '') return undefined;
  const kc = new KubeConfig();
  try {
    kc.loadFromString(text);
  } catch (err) {
    throw new KubeConfigError(`cannot load kubeconfig "${file}": ${(err as Error).message}`);
  }
  // Certificate and key paths are relative to the file that names them.
  kc.makePathsAbsolute(path.dirname(path.resolve(file)));
  return { clusters: kc.clusters, users: kc.users, contexts: kc.contexts, currentContext: kc.currentContext };
}

/** kubectl's merge: the first file to define a name (or current-context) wins. */
function merge(parts: Parts[]): Parts {
  const out: Parts = { clusters: [], users: [], contexts: [], currentContext: '' };
  for (const p of parts) {
    for (const c of p.clusters) if (!out.clusters.some((x) => x.name === c.name)) out.clusters.push(c);
    for (const u of p.users) if (!out.users.some((x) => x.name === u.name)) out.users.push(u);
    for (const c of p.contexts) if (!out.contexts.some((x) => x.name === c.name)) out.contexts.push(c);
    out.currentContext ||= p.currentContext ?? '';
  }
  return out;
}

function isEmpty(p: Parts): boolean {
  return p.clusters.length === 0 && p.users.length === 0 && p.contexts.length === 0;
}

function fromFiles(opts: KubeConnectOptions, env: NodeJS.ProcessEnv): { parts: Parts; source: string } {
  if (opts.kubeconfig) {
    const parts = readKubeconfig(opts.kubeconfig);
    return { parts: parts ?? merge([]), source: opts.kubeconfig };
  }
  if (env.KUBECONFIG) {
    // Missing entries of the list are skipped, as kubectl skips them.
    const files = env.KUBECONFIG.split(path.delimiter).filter((f) => f && existsSync(f));
    const parts = files.map(readKubeconfig).filter((p): p is Parts => p !== undefined);
    return { parts: merge(parts), source: files.join(path.delimiter) };
  }
  const home = env.HOME || os.homedir();
  const file = path.join(home, '.kube', 'config');
  if (existsSync(file)) return { parts: readKubeconfig(file) ?? merge([]), source: file };
  return { parts: merge([]), source: '' };
}

function inCluster(env: NodeJS.ProcessEnv, dir: string): Parts | undefined {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  const tokenFile = path.join(dir, 'token');
  if (!host || !port || !existsSync(tokenFile)) return undefined;
  const namespaceFile = path.join(dir, 'namespace');
  const namespace = existsSync(namespaceFile) ? readFileSync(namespaceFile, 'utf8').trim() : undefined;
  const caFile = path.join(dir, 'ca.crt');
  return {
    clusters: [
      {
        name: 'in-cluster',
        server: `https://${isIPv6(host) ? `[${host}]` : host}:${port}`,
        caFile: existsSync(caFile) ? caFile : undefined,
        skipTLSVerify: false,
      },
    ],
    // client-node re-reads a token file as it is rotated; a token read once would expire.
    users: [{ name: 'in-cluster', authProvider: { name: 'tokenFile', config: { tokenFile } } }],
    contexts: [{ name: 'in-cluster', cluster: 'in-cluster', user: 'in-cluster', namespace }],
    currentContext: 'in-cluster',
  };
}

function names(items: { name: string }[]): string {
  return items.length === 0 ? 'none' : items.map((i) => i.name).join(', ');
}

/** Applies --context, --cluster, --user, --server, --token, --insecure-skip-tls-verify. */
function override(parts: Parts, opts: KubeConnectOptions, source: string): Parts {
  const contextName = opts.context || parts.currentContext;
  let context = parts.contexts.find((c) => c.name === contextName);
  if (opts.context && !context) {
    throw new KubeConfigError(
      `context "${opts.context}" does not exist in ${source || 'the kubeconfig'} (contexts: ${names(parts.contexts)})`,
    );
  }
  if (!context && !opts.server) {
    throw new KubeConfigError(
      contextName
        ? `current-context "${contextName}" does not exist in ${source} (contexts: ${names(parts.contexts)})`
        : `${source} has no current-context; pass --context (contexts: ${names(parts.contexts)})`,
    );
  }
  context ??= { name: 'flags', cluster: 'flags', user: 'flags' };
  const clusterName = opts.cluster || context.cluster;
  const userName = opts.user || context.user;
  let cluster = parts.clusters.find((c) => c.name === clusterName);
  if (!cluster && !opts.server) {
    throw new KubeConfigError(
      `context "${context.name}" uses cluster "${clusterName}", which is not in ${source} (clusters: ${names(parts.clusters)})`,
    );
  }
  cluster = {
    ...(cluster ?? { name: clusterName, skipTLSVerify: false }),
    server: opts.server ?? cluster!.server,
  };
  const server = cluster.server.replace(/\/+$/, '');
  // client-node refuses http:// unless TLS verification is off; plain HTTP has no TLS to verify.
  const skipTLSVerify = opts.insecureSkipTlsVerify || server.startsWith('http:') || cluster.skipTLSVerify;
  cluster = { ...cluster, server, skipTLSVerify };
  if (skipTLSVerify) cluster = { ...cluster, caData: undefined, caFile: undefined };

  let user: User = parts.users.find((u) => u.name === userName) ?? { name: userName };
  if (opts.token) user = { ...user, token: opts.token, authProvider: undefined, exec: undefined };
  const ctx: Context = { ...context, cluster: cluster.name, user: user.name };
  return {
    clusters: [cluster, ...parts.clusters.filter((c) => c.name !== cluster!.name)],
    users: [user, ...parts.users.filter((u) => u.name !== user.name)],
    contexts: [ctx, ...parts.contexts.filter((c) => c.name !== ctx.name)],
    currentContext: ctx.name,
  };
}

export function loadKubeConfig(opts: KubeConnectOptions = {}): LoadedKubeConfig {
  const env = opts.env ?? process.env;
  let { parts, source } = fromFiles(opts, env);
  if (isEmpty(parts) && !opts.kubeconfig) {
    const pod = inCluster(env, opts.serviceAccountDir ?? SERVICE_ACCOUNT_DIR);
    if (pod) {
      parts = pod;
      source = 'in-cluster';
    }
  }
  if (isEmpty(parts) && !opts.server) {
    throw new KubeConfigError(
      opts.kubeconfig
        ? `kubeconfig "${opts.kubeconfig}" defines no cluster, user or context`
        : 'no Kubernetes configuration found: set KUBECONFIG, create ~/.kube/config, run in a pod with a service account, or pass --server',
    );
  }
  if (isEmpty(parts)) source = 'flags';
  const merged = override(parts, opts, source);
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions(merged);
  const context = merged.contexts[0];
  return { kubeConfig, namespace: opts.namespace || context.namespace || 'default', source };
}
