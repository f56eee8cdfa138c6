// Query parameters as grpc-gateway reads them into request messages: dotted names
// (`listOptions.limit`, `logOptions.sinceTime.seconds`), Go's strconv rules for numbers and booleans,
// and a 400 naming the parameter when a value does not parse.
import { ApiError, Code } from './errors.js';
import type { LogOptions } from '../model/service.js';

export type Query = Record<string, string | string[] | undefined>;

/** The last value of a repeated parameter, as a proto scalar field takes it. */
export function str(q: Query, name: string): string | undefined {
  const v = q[name];
  return Array.isArray(v) ? v[v.length - 1] : v;
}

/** Every value of a repeated parameter (proto repeated fields). */
export function strs(q: Query, name: string): string[] {
  const v = q[name];
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

function mismatch(name: string, detail: string): ApiError {
  return new ApiError(Code.InvalidArgument, `type mismatch, parameter: ${name}, error: ${detail}`);
}

const TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

export function bool(q: Query, name: string): boolean | undefined {
  const v = str(q, name);
  if (v === undefined) return undefined;
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  throw mismatch(name, `strconv.ParseBool: parsing ${JSON.stringify(v)}: invalid syntax`);
}

export function int(q: Query, name: string): number | undefined {
  const v = str(q, name);
  if (v === undefined) return undefined;
  if (!/^[+-]?\d+$/.test(v))
    throw mismatch(name, `strconv.ParseInt: parsing ${JSON.stringify(v)}: invalid syntax`);
  const n = Number(v);
  if (!Number.isSafeInteger(n))
    throw mismatch(name, `strconv.ParseInt: parsing ${JSON.stringify(v)}: value out of range`);
  return n;
}

/** metav1.ListOptions as `listOptions.*` parameters. */
export interface ListQuery {
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  limit?: number;
  continue?: string;
  timeoutSeconds?: number;
}

export function listQuery(q: Query, prefix = 'listOptions'): ListQuery {
  const limit = int(q, `${prefix}.limit`);
  if (limit !== undefined && limit < 0)
    throw new ApiError(Code.InvalidArgument, 'listOptions.limit must be >= 0');
  bool(q, `${prefix}.watch`);
  bool(q, `${prefix}.allowWatchBookmarks`);
  bool(q, `${prefix}.sendInitialEvents`);
  return {
    labelSelector: str(q, `${prefix}.labelSelector`) || undefined,
    fieldSelector: str(q, `${prefix}.fieldSelector`) || undefined,
    resourceVersion: str(q, `${prefix}.resourceVersion`) || undefined,
    limit: limit || undefined,
    continue: str(q, `${prefix}.continue`) || undefined,
    timeoutSeconds: int(q, `${prefix}.timeoutSeconds`),
  };
}

/** corev1.PodLogOptions as `logOptions.*` (or `podLogOptions.*`) parameters. */
export type LogQuery = Omit<LogOptions, 'podName' | 'grep' | 'selector'> & { limitBytes?: number };

export function logQuery(q: Query, prefix = 'logOptions'): LogQuery {
  const seconds = int(q, `${prefix}.sinceTime.seconds`);
  const nanos = int(q, `${prefix}.sinceTime.nanos`) ?? 0;
  return {
    container: str(q, `${prefix}.container`) || undefined,
    follow: bool(q, `${prefix}.follow`),
    previous: bool(q, `${prefix}.previous`),
    sinceSeconds: int(q, `${prefix}.sinceSeconds`),
    sinceTime:
      seconds !== undefined ? new Date(seconds * 1000 + Math.floor(nanos / 1e6)).toISOString() : undefined,
    timestamps: bool(q, `${prefix}.timestamps`),
    tailLines: int(q, `${prefix}.tailLines`),
    limitBytes: int(q, `${prefix}.limitBytes`),
  };
}
