// Why a lifecycle operation was refused. `status` is the HTTP status the Argo Server answers with
// (400 for requests that can never succeed on this workflow, 500 for the rest, as upstream maps them).
export class LifecycleError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 500 = 500,
  ) {
    super(message);
    this.name = 'LifecycleError';
  }
}

export const badRequest = (message: string): LifecycleError => new LifecycleError(message, 400);
