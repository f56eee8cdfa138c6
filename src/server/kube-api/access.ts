// Who may call the kube-api endpoint, and what each caller may do, as the API server decides it:
// authentication by bearer token, or by user name and password (HTTP Basic, which API servers
// before 1.19 accepted and upstream's Argo Server still passes on), with 401 Unauthorized for none
// or unknown credentials; then authorization
// of the request's attributes (verb, API group, resource, subresource, namespace, name), refused
// with 403 Forbidden and the API server's wording. Discovery, /version and OpenAPI are open to any
// authenticated caller, as the default system:discovery role makes them.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { basicCredentials } from '../auth.js';
import { status, type Route } from './wire.js';

/** The attributes the API server's authorizers judge (k8s.io/apiserver authorizer.Attributes). */
export interface RequestAttributes {
  verb: 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete';
  /** '' for the core group. */
  group: string;
  /** The plural resource, e.g. "workflows". */
  resource: string;
  /** e.g. "log" for pods/log. */
  subresource?: string;
  /** '' for cluster-scoped resources and requests across all namespaces. */
  namespace: string;
  name?: string;
}

export interface KubeApiAuthorizer {
  /** The user a bearer token stands for; undefined answers 401. */
  authenticate(token: string): string | undefined;
  /** The user a name and password stand for; undefined (or no such method) answers 401. */
  authenticateBasic?(username: string, password: string): string | undefined;
  /** Whether the user may make this request; false answers 403. */
  allowed(user: string, request: RequestAttributes): boolean;
}

/** One token, allowed everything: the local `argo kube-api`'s guard. */
export function singleTokenAuthorizer(token: string): KubeApiAuthorizer {
  const expected = Buffer.from(token);
  return {
    authenticate: (given) => {
      const g = Buffer.from(given);
      return g.length === expected.length && timingSafeEqual(g, expected) ? 'admin' : undefined;
    },
    allowed: () => true,
  };
}

const VERB_OF_METHOD: Record<string, RequestAttributes['verb']> = {
  POST: 'create',
  PUT: 'update',
  PATCH: 'patch',
  DELETE: 'delete',
};

/** The attributes of a request to a resource path; undefined for discovery and other open paths. */
export function attributesOf(
  method: string,
  found: Route | undefined,
  query: URLSearchParams,
  subresource?: { resource: string; subresource: string; namespace: string; name: string },
): RequestAttributes | undefined {
  if (subresource) return { verb: 'get', group: '', ...subresource };
  if (!found || !('target' in found)) return undefined;
  const t = found.target;
  let verb = VERB_OF_METHOD[method];
  if (method === 'GET') {
    if (t.name !== undefined) verb = 'get';
    else verb = query.get('watch') === 'true' || query.get('watch') === '1' ? 'watch' : 'list';
  }
  if (!verb) return undefined;
  return { verb, group: t.resource.group, resource: t.resource.plural, namespace: t.namespace, name: t.name };
}

/** The bearer token of a request ('' without one). */
export function bearerToken(req: IncomingMessage): string {
  const header = req.headers.authorization ?? '';
  return header.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : '';
}

/** The user a request's credentials stand for; undefined when they name nobody the authorizer knows. */
export function requestUser(authorizer: KubeApiAuthorizer, req: IncomingMessage): string | undefined {
  const basic = basicCredentials(req.headers.authorization ?? '');
  if (basic) return authorizer.authenticateBasic?.(basic.username, basic.password);
  return authorizer.authenticate(bearerToken(req));
}

export const UNAUTHORIZED = status(401, 'Unauthorized', 'Unauthorized');

/** The 403 Status the API server's RBAC authorizer answers with, worded as it words it. */
export function forbidden(user: string, a: RequestAttributes) {
  const qualified = a.group ? `${a.resource}.${a.group}` : a.resource;
  const what = a.name ? `${qualified} "${a.name}"` : qualified;
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const where = a.namespace ? `in the namespace "${a.namespace}"` : 'at the cluster scope';
  const details: Record<string, string> = { group: a.group, kind: a.resource };
  if (a.name) details.name = a.name;
  return status(
    403,
    'Forbidden',
    `${what} is forbidden: User "${user}" cannot ${a.verb} resource "${resource}" in API group "${a.group}" ${where}`,
    details,
  );
}
