// Who may call the API. Modes as upstream names them: `client` wants `Authorization: Bearer <token>`
// (or the `authorization` cookie the UI sets; over the Kubernetes API also `Basic`, a user name and
// password the API server judges, as upstream's kubeconfig package passes them on), `server` lets any request through, `hybrid` is both.
// `sso` needs an OIDC provider and is refused at start-up.
import { timingSafeEqual } from 'node:crypto';
import { ApiError, Code } from './errors.js';

export type AuthMode = 'client' | 'server';

export class AuthModeError extends Error {}

/** `--auth-mode` values (repeatable) as a set; an unknown value fails as upstream's does. */
export function parseAuthModes(values: readonly string[]): Set<AuthMode> {
  const modes = new Set<AuthMode>();
  for (const v of values) {
    switch (v) {
      case 'client':
      case 'server':
        modes.add(v);
        break;
      case 'hybrid':
        modes.add('client');
        modes.add('server');
        break;
      case 'sso':
        throw new AuthModeError(
          'auth mode "sso" is not supported by this server: it needs an OIDC provider; use --auth-mode client (bearer token, see `argo auth token`) or --auth-mode server',
        );
      default:
        throw new AuthModeError('invalid mode');
    }
  }
  if (modes.size === 0) throw new AuthModeError('must specify at least one auth mode');
  return modes;
}

export const TOKEN_NOT_VALID = 'token not valid. see https://argo-workflows.readthedocs.io/en/latest/faq/';

/** The Authorization header, else the `authorization` cookie. */
export function authorizationOf(headers: Record<string, string | string[] | undefined>): string {
  const header = headers.authorization;
  if (typeof header === 'string' && header !== '') return header;
  const cookie = headers.cookie;
  if (typeof cookie === 'string') {
    for (const part of cookie.split(';')) {
      const [k, ...v] = part.trim().split('=');
      if (k === 'authorization') return decodeURIComponent(v.join('='));
    }
  }
  return '';
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The token of a `Bearer` authorization ('' for anything else). */
export function bearerTokenOf(authorization: string): string {
  return authorization.startsWith('Bearer ') ? authorization.slice('Bearer '.length).trim() : '';
}

/** The user name and password of a `Basic` authorization; undefined for anything else or a malformed one. */
export function basicCredentials(authorization: string): { username: string; password: string } | undefined {
  if (!authorization.startsWith('Basic ')) return undefined;
  const decoded = Buffer.from(authorization.slice('Basic '.length).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** What a client-mode caller is sent to the Kubernetes API as: its bearer token, or its user name and password. */
export type CallerCredentials = { token: string } | { username: string; password: string };

/** The caller's credentials in an authorization; undefined when it holds none that can be passed on. */
export function callerCredentialsOf(authorization: string): CallerCredentials | undefined {
  const token = bearerTokenOf(authorization);
  return token !== '' ? { token } : basicCredentials(authorization);
}

/**
 * Checks a request's authorization as upstream picks the mode: a `Bearer`/`Basic` value is judged in
 * client mode when that is on; otherwise server mode lets the request through when it is on. The
 * judge is the server's own token, or with `passThrough` the Kubernetes API the token is sent to.
 */
export function authenticate(
  authorization: string,
  modes: ReadonlySet<AuthMode>,
  token: string | undefined,
  passThrough = false,
): AuthMode {
  const clientish = authorization.startsWith('Bearer ') || authorization.startsWith('Basic ');
  if (modes.has('client') && clientish) {
    if (passThrough && callerCredentialsOf(authorization)) return 'client';
    const given = bearerTokenOf(authorization);
    if (token !== undefined && given !== '' && sameSecret(given, token)) return 'client';
    throw new ApiError(Code.Unauthenticated, 'Unauthorized');
  }
  if (modes.has('server')) return 'server';
  throw new ApiError(Code.Unauthenticated, TOKEN_NOT_VALID);
}
