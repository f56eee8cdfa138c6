// The Authorization value sent to an Argo Server. Upstream's CLI sends ARGO_TOKEN as given, else
// the kubeconfig's bearer token; without a cluster the local server's token stands in for the latter.
import { argoHome } from '../../store/home.js';
import { ensureServerToken, readServerToken } from '../../server/token.js';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

/** Whether `host:port` names this machine, the only place the local server token may be sent. */
export function isLoopback(server: string): boolean {
  const host = server.replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '');
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d+$/, '');
  return LOOPBACK.has(name.toLowerCase()) || /^127\./.test(name);
}

/** What `argo auth token` prints: ARGO_TOKEN as given, else `Bearer <local server token>`. */
export function authString(env: NodeJS.ProcessEnv): string {
  if (env.ARGO_TOKEN !== undefined) return env.ARGO_TOKEN;
  return `Bearer ${ensureServerToken(argoHome(env))}`;
}

/**
 * The Authorization header for requests to `server`: ARGO_TOKEN as given; else `--token` as a bearer
 * token; else, for a server on this machine, the local server token if one was made.
 */
export function authorizationFor(
  server: string,
  env: NodeJS.ProcessEnv,
  tokenFlag?: string,
): string | undefined {
  if (env.ARGO_TOKEN !== undefined && env.ARGO_TOKEN !== '') return env.ARGO_TOKEN;
  if (tokenFlag) return /^(Bearer|Basic) /.test(tokenFlag) ? tokenFlag : `Bearer ${tokenFlag}`;
  if (!isLoopback(server)) return undefined;
  const token = readServerToken(argoHome(env));
  return token ? `Bearer ${token}` : undefined;
}
