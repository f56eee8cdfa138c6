// Whose rights a request uses. By default the server's own (its store and backend: on a cluster, its
// service account or kubeconfig). A server over the Kubernetes API in client auth mode instead acts
// as each caller, as upstream's gatekeeper does: the request's credentials go to the Kubernetes
// API, so the cluster's RBAC decides what that caller may do. The caller's backend and store are
// carried through the request in an AsyncLocalStorage (Go's context.Context in upstream), so the
// routes read `ctx.deps.backend` and `ctx.deps.store` the same way in every mode.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Actor } from '../model/service.js';
import type { ResourceStore } from '../store/types.js';
import type { ServerDeps, WorkflowBackend } from './backend.js';
import type { CallerCredentials } from './auth.js';
import { ApiError, Code } from './errors.js';

/** What one caller's requests go through. */
export interface CallerDeps {
  backend: WorkflowBackend;
  store: ResourceStore;
  /** Who the caller's credentials say it is (claims.ts); none when they name nobody. */
  actor?: Actor;
}

/** The caller's backend and store for its credentials (a bearer token, or a user name and password). */
export type CallerFactory = (credentials: CallerCredentials) => CallerDeps;

const current = new AsyncLocalStorage<CallerDeps>();

/** Runs `fn` (and everything it starts) as the caller; with no caller, as the server itself. */
export function runAsCaller<T>(caller: CallerDeps | undefined, fn: () => T): T {
  return caller ? current.run(caller, fn) : fn();
}

/** The caller the current request acts as; none when it uses the server's own rights. */
export function currentCaller(): CallerDeps | undefined {
  return current.getStore();
}

/** Forwards every property to the current caller's object, or to `own` outside any caller. */
function perCaller<T extends object>(own: T, pick: (c: CallerDeps) => object): T {
  return new Proxy(own, {
    get(target, key) {
      const caller = current.getStore();
      const obj = caller ? pick(caller) : target;
      const value: unknown = Reflect.get(obj, key, obj);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(obj) : value;
    },
  });
}

/** The deps the routes see: with a caller factory, the backend and store follow the request's caller. */
export function callerAwareDeps(deps: ServerDeps): ServerDeps {
  if (!deps.forCaller) return deps;
  return {
    ...deps,
    backend: perCaller(deps.backend, (c) => c.backend),
    store: perCaller(deps.store, (c) => c.store),
  };
}

/**
 * A refusal of the caller's token by the Kubernetes API, as upstream's server reports it: the
 * store's own wording speaks of the server's kubeconfig, which is not what was refused here.
 */
export function callerError(caller: CallerDeps | undefined, err: ApiError): ApiError {
  if (caller && err.code === Code.Unauthenticated) return new ApiError(Code.Unauthenticated, 'Unauthorized');
  return err;
}
