// Errors as the Argo Server answers them: grpc-gateway writes the gRPC status as JSON,
// `{"code": <gRPC code>, "message": "..."}`, with the HTTP status grpc-gateway maps that code to.
import { DatabaseUnreachableError } from '../persist/database-reachability.js';

/** gRPC status codes (google.golang.org/grpc/codes). */
export const Code = {
  OK: 0,
  Canceled: 1,
  Unknown: 2,
  InvalidArgument: 3,
  DeadlineExceeded: 4,
  NotFound: 5,
  AlreadyExists: 6,
  PermissionDenied: 7,
  ResourceExhausted: 8,
  FailedPrecondition: 9,
  Aborted: 10,
  OutOfRange: 11,
  Unimplemented: 12,
  Internal: 13,
  Unavailable: 14,
  DataLoss: 15,
  Unauthenticated: 16,
} as const;

export type GrpcCode = (typeof Code)[keyof typeof Code];

/** An API failure carrying the gRPC code the Argo Server would report. */
export class ApiError extends Error {
  constructor(
    readonly code: GrpcCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get httpStatus(): number {
    return httpStatusOf(this.code);
  }

  toJSON(): { code: number; message: string } {
    return { code: this.code, message: this.message };
  }
}

const HTTP_OF_CODE: Record<number, number> = {
  [Code.OK]: 200,
  [Code.Canceled]: 408,
  [Code.Unknown]: 500,
  [Code.InvalidArgument]: 400,
  [Code.DeadlineExceeded]: 504,
  [Code.NotFound]: 404,
  [Code.AlreadyExists]: 409,
  [Code.PermissionDenied]: 403,
  [Code.ResourceExhausted]: 429,
  [Code.FailedPrecondition]: 400,
  [Code.Aborted]: 409,
  [Code.OutOfRange]: 400,
  [Code.Unimplemented]: 501,
  [Code.Internal]: 500,
  [Code.Unavailable]: 503,
  [Code.DataLoss]: 500,
  [Code.Unauthenticated]: 401,
};

/** The HTTP status grpc-gateway answers with for a gRPC code. */
export function httpStatusOf(code: number): number {
  return HTTP_OF_CODE[code] ?? 500;
}

const CODE_OF_HTTP: Record<number, GrpcCode> = {
  200: Code.OK,
  408: Code.Canceled,
  504: Code.DeadlineExceeded,
  404: Code.NotFound,
  409: Code.AlreadyExists,
  403: Code.PermissionDenied,
  401: Code.Unauthenticated,
  429: Code.ResourceExhausted,
  400: Code.InvalidArgument,
  422: Code.InvalidArgument,
  501: Code.Unimplemented,
  500: Code.Internal,
  503: Code.Unavailable,
};

/** The gRPC code the Argo Server gives an error that carries an HTTP status (Kubernetes and Argo errors). */
export function codeOfHttpStatus(status: number): GrpcCode {
  const known = CODE_OF_HTTP[status];
  if (known !== undefined) return known;
  if (status >= 500 || (status >= 300 && status < 400)) return Code.Internal;
  return Code.InvalidArgument;
}

/** The HTTP status an error from a backend or the store carries, if any. */
function statusCarried(err: object): number | undefined {
  const e = err as { status?: unknown; code?: unknown; name?: unknown };
  if (typeof e.status === 'number') return e.status;
  // The store's errors carry the HTTP status as `code`.
  if (e.name === 'StoreError' || (typeof e.code === 'number' && e.code >= 100 && e.code < 600)) {
    return typeof e.code === 'number' ? e.code : undefined;
  }
  return undefined;
}

/**
 * Any thrown value as the ApiError the Argo Server would answer with: errors carrying an HTTP status
 * keep it (as upstream's ToStatusError does), anything else gets `fallback`.
 */
export function toApiError(err: unknown, fallback: GrpcCode = Code.Internal): ApiError {
  if (err instanceof ApiError) return err;
  // The archive's database is down: the call may work later, which is what Unavailable (503) says.
  if (err instanceof DatabaseUnreachableError) return new ApiError(Code.Unavailable, err.message);
  if (err instanceof Error) {
    const status = statusCarried(err);
    return new ApiError(status !== undefined ? codeOfHttpStatus(status) : fallback, err.message);
  }
  return new ApiError(fallback, String(err));
}

export const notFound = (message: string): ApiError => new ApiError(Code.NotFound, message);
export const invalid = (message: string): ApiError => new ApiError(Code.InvalidArgument, message);
