// The shared client layer: every CLI command talks to an ArgoClient, whichever backend serves it.
// The interface and its option types are the model's (model/service.ts); errors are the client's.
export type * from '../model/service.js';

/** An error from any backend, carrying the gRPC-style code the Argo Server would return. */
export class ArgoError extends Error {
  constructor(
    message: string,
    /** HTTP status (404 not found, 409 conflict, 400 invalid, 401/403 auth, 503 unavailable). */
    readonly status: number,
  ) {
    super(message);
    this.name = 'ArgoError';
  }
}
