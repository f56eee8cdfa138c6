// A Kubernetes API server for tests: the product's kube-api endpoint (src/server/kube-api) over a
// MemoryStore, so the kube store, argoexec and kubectl are tested with real clients and no cluster.
// It models the REST paths, verbs, Status errors, selectors, paging, merge and JSON patches,
// Tables, resourceVersion semantics (one global counter, lists consistent at a version), streaming
// watches resumed from a version, compaction (a bounded change log, or expireWatches()) answered
// with 410 Expired, watch streams that end (watchTimeoutMs, endWatches()), and BOOKMARK events for
// watches that allow them; pods/log is served from a callback the test gives, and so is pods/exec
// (the websocket upgrade with the v5/v4 channel protocol, exec.ts; the callback plays the kubelet
// running the command in the container). A pod may be changed as it is created (admitPod), as a
// mutating admission webhook such as Istio's sidecar injector does. Callers are authenticated by bearer token, or with `users` that have a password by
// HTTP Basic user name and password (401 for unknown credentials), and with `users` authorized per user by
// RBAC-like rules (403 with the API server's Status and wording), so a test can give two users
// different rights. It is plain HTTP; writeKubeconfig points a kubeconfig at it.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { kubeconfigYaml } from '../../src/server/kube-api/kubeconfig.js';
import type { KubeApiAuthorizer, RequestAttributes } from '../../src/server/kube-api/access.js';
import {
  startKubeApiServer,
  type KubeApiRequest,
  type PodLogSource,
} from '../../src/server/kube-api/server.js';
import type { PodExecHandler } from '../../src/server/kube-api/exec.js';
import type { Pod } from '../../src/model/pod.js';
import type { ResourceStore } from '../../src/store/types.js';
import { MemoryStore } from './memory-store.js';

export type { PodLogSource };
export type FakeRequest = KubeApiRequest;

/** What a user may do, as an RBAC PolicyRule says it ("*" matches anything). */
export interface FakeRule {
  verbs: string[];
  /** Plural resources, "pods/log" for a subresource. */
  resources: string[];
  /** API groups ('' is the core group); default any. */
  apiGroups?: string[];
  /** Where the rule applies (a RoleBinding's namespace); default everywhere (a ClusterRoleBinding). */
  namespaces?: string[];
}

export interface FakeUser {
  /** The user name the API server reports, e.g. system:serviceaccount:argo:alice. */
  name: string;
  rules: FakeRule[];
  /** Lets the user also authenticate with `Authorization: Basic base64(name:password)`. */
  password?: string;
}

export interface FakeApiServerOptions {
  /** Require `Authorization: Bearer <token>`; without it every request gets 401. */
  token?: string;
  /** Users by bearer token, each with its own rules; any other token gets 401. Replaces `token`. */
  users?: Record<string, FakeUser>;
  /** Serve this store (default: a new MemoryStore). */
  store?: MemoryStore;
  /** For a new store: how many changes a watch can resume from before 410 Expired. */
  changeLogRetention?: number;
  /** End every watch stream after this long, as real API servers do after a few minutes. */
  watchTimeoutMs?: number;
  /** How often watches that allow them get a BOOKMARK (default 60 s, as the API server). */
  bookmarkIntervalMs?: number;
  /** Serves pods/log; see KubeApiOptions.podLog. */
  podLog?: PodLogSource;
  /** Serves pods/exec; see KubeApiOptions.podExec. */
  podExec?: PodExecHandler;
  /** Changes each pod as it is created through the API (a mutating admission webhook). */
  admitPod?: (pod: Pod) => void;
}

export interface KubeconfigOptions {
  /** Default: the server's token (none when it has none). */
  token?: string;
  /** The context's namespace; default "default". */
  namespace?: string;
  /** File name inside the directory; default "kubeconfig". */
  file?: string;
}

export interface FakeApiServer {
  /** http://127.0.0.1:PORT */
  url: string;
  store: MemoryStore;
  /** Every request in arrival order. */
  requests: FakeRequest[];
  /** Watch streams open now. */
  readonly openWatches: number;
  /** Ends every open watch stream; clients reconnect from the last version they hold. */
  endWatches(): void;
  /**
   * Compacts the store (every version until now is gone) and ends every watch stream, as an API
   * server restarting after etcd compaction does: each client's reconnect gets 410 Expired and
   * must re-list.
   */
  expireWatches(): Promise<void>;
  /** Writes a kubeconfig whose current context points at this server; returns its path. */
  writeKubeconfig(dir: string, opts?: KubeconfigOptions): string;
  close(): Promise<void>;
}

export async function startFakeApiServer(opts: FakeApiServerOptions = {}): Promise<FakeApiServer> {
  const store = opts.store ?? new MemoryStore({ changeLogRetention: opts.changeLogRetention });
  const requests: FakeRequest[] = [];
  const server = await startKubeApiServer(opts.admitPod ? admitting(store, opts.admitPod) : store, {
    token: opts.token,
    authorizer: opts.users ? rbac(opts.users) : undefined,
    watchTimeoutMs: opts.watchTimeoutMs,
    bookmarkIntervalMs: opts.bookmarkIntervalMs,
    podLog: opts.podLog,
    podExec: opts.podExec,
    onRequest: (r) => requests.push(r),
  });
  return {
    url: server.url,
    store,
    requests,
    get openWatches() {
      return server.openWatches;
    },
    endWatches: () => server.endWatches(),
    async expireWatches() {
      await store.compact();
      server.endWatches();
    },
    writeKubeconfig(dir, k = {}) {
      const file = path.join(dir, k.file ?? 'kubeconfig');
      const token = k.token ?? opts.token ?? Object.keys(opts.users ?? {})[0];
      writeFileSync(file, kubeconfigYaml({ url: server.url, token, namespace: k.namespace, name: 'fake' }));
      return file;
    },
    async close() {
      await server.close();
      if (!opts.store) await store.close();
    },
  };
}

/** The store as the API server writes to it, with every pod created through it admitted first. */
function admitting(store: MemoryStore, admit: (pod: Pod) => void): ResourceStore {
  return new Proxy(store, {
    get(target, prop) {
      if (prop === 'create')
        return (kind: string, obj: unknown, ...rest: unknown[]) => {
          if (kind === 'Pod') admit(obj as Pod);
          return (target.create as (...a: unknown[]) => unknown).call(target, kind, obj, ...rest);
        };
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

const matches = (allowed: string[] | undefined, value: string): boolean =>
  allowed === undefined || allowed.includes('*') || allowed.includes(value);

/** Each token is its user; a request is allowed when one of the user's rules covers it. */
function rbac(users: Record<string, FakeUser>): KubeApiAuthorizer {
  const byName = new Map(Object.values(users).map((u) => [u.name, u]));
  return {
    authenticate: (token) => (token ? users[token]?.name : undefined),
    authenticateBasic: (name, password) => {
      const user = byName.get(name);
      return user?.password !== undefined && user.password === password ? name : undefined;
    },
    allowed: (name: string, a: RequestAttributes) => {
      const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
      return (byName.get(name)?.rules ?? []).some(
        (r) =>
          matches(r.verbs, a.verb) &&
          matches(r.resources, resource) &&
          matches(r.apiGroups, a.group) &&
          // A namespaced grant does not reach across all namespaces or cluster-scoped kinds.
          (r.namespaces === undefined || (a.namespace !== '' && r.namespaces.includes(a.namespace))),
      );
    },
  };
}
