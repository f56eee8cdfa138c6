// API errors become the StoreError classes the SQLite store throws, so a caller handles a conflict
// or a missing object the same way whichever store it has. The API server's own message is kept:
// it is worded as Kubernetes words it, which is what users of kubectl and argo expect to read.
import {
  AlreadyExistsError,
  ConflictError,
  InvalidError,
  NotFoundError,
  StoreError,
  type ResourceKind,
} from '../types.js';
import { resourceFor } from './resources.js';

/** A metav1.Status, as the API server sends it with every error. */
export interface KubeStatus {
  kind?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { name?: string; group?: string; kind?: string };
}

export function asStatus(body: unknown): KubeStatus | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const s = body as KubeStatus;
  return s.kind === 'Status' || typeof s.reason === 'string' || typeof s.message === 'string' ? s : undefined;
}

function withMessage<E extends StoreError>(err: E, message: string | undefined): E {
  if (message) err.message = message;
  return err;
}

/**
 * A 404 for a missing object names it in details; a 404 without a name means the server does not
 * serve the resource at all (typically: the Argo CRDs are not installed), which must not read as
 * "no such object".
 */
export function isObjectNotFound(status: number, body: unknown): boolean {
  if (status !== 404) return false;
  const s = asStatus(body);
  return s?.reason === 'NotFound' && !!s.details?.name;
}

export function apiError(
  kind: ResourceKind,
  name: string,
  server: string,
  status: number,
  body: unknown,
): StoreError {
  const s = asStatus(body);
  const text = typeof body === 'string' ? body.trim() : '';
  const message = s?.message || text || undefined;
  const reason = s?.reason ?? '';
  switch (status) {
    case 400:
    case 422:
      return new InvalidError(message ?? `the Kubernetes API rejected the ${kind} "${name}" as invalid`);
    case 401:
      return new StoreError(
        `Unauthorized: the Kubernetes API at ${server} did not accept the credentials of the kubeconfig context (an expired or wrong token, or a client certificate it does not trust)`,
        401,
        'Unauthorized',
      );
    case 403:
      return new StoreError(message ?? `forbidden: ${kind} "${name}"`, 403, 'Forbidden');
    case 404: {
      if (isObjectNotFound(status, body)) return withMessage(new NotFoundError(kind, name), message);
      const r = resourceFor(kind);
      const what = r.group ? `${r.plural}.${r.group}/${r.version}` : `${r.plural}/${r.version}`;
      const hint = r.group === 'argoproj.io' ? ' (are the Argo Workflows CRDs installed?)' : '';
      return new StoreError(
        `the Kubernetes API at ${server} does not serve ${what}${hint}: ${message ?? 'not found'}`,
        404,
        'NotFound',
      );
    }
    case 409:
      if (reason === 'AlreadyExists') return withMessage(new AlreadyExistsError(kind, name), message);
      if (reason === 'Conflict' || reason === '') return withMessage(new ConflictError(kind, name), message);
      return new StoreError(message ?? 'conflict', 409, reason);
    case 410:
      return new StoreError(message ?? 'the requested resource version is too old', 410, reason || 'Expired');
    default:
      return new StoreError(
        message ?? `the Kubernetes API at ${server} answered HTTP ${status}`,
        status,
        reason || 'InternalError',
      );
  }
}

/** A watch ERROR event carries a Status in place of the object. */
export function watchError(kind: ResourceKind, server: string, object: unknown): StoreError {
  const s = asStatus(object);
  return apiError(kind, '', server, s?.code ?? 500, object);
}

/** The request never got an HTTP answer: refused, reset, DNS, TLS. */
export function unreachable(server: string, err: unknown): StoreError {
  const why = err instanceof Error ? err.message : String(err);
  return new StoreError(`cannot reach the Kubernetes API at ${server}: ${why}`, 503, 'ServiceUnavailable');
}
