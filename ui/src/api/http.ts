// Calls to the Argo Server API. URLs are relative, so they resolve against the page's <base href>
// (the server's --base-href); credentials travel as the `authorization` cookie the login page sets.

/** A failed API call: the HTTP status and the server's message. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** `api/v1/<path>` with the query's defined values, as the browser resolves it. */
export function apiUrl(
  path: string,
  query: Record<string, string | number | boolean | undefined> = {},
): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return `api/v1/${path}${qs ? `?${qs}` : ''}`;
}

async function failure(res: Response): Promise<ApiFailure> {
  const text = await res.text().catch(() => '');
  let message = text.trim() || res.statusText;
  try {
    const body = JSON.parse(text) as { message?: string; error?: string };
    message = body.message || body.error || message;
  } catch {
    // Not JSON: the text as it is.
  }
  return new ApiFailure(res.status, message);
}

export async function request<T>(
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  options: {
    query?: Record<string, string | number | boolean | undefined>;
    body?: unknown;
    signal?: AbortSignal;
  } = {},
): Promise<T> {
  let res: Response;
  try {
    res = await fetch(apiUrl(path, options.query), {
      method,
      credentials: 'same-origin',
      headers: options.body === undefined ? {} : { 'content-type': 'application/json' },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiFailure(0, `the server could not be reached: ${(err as Error).message}`);
  }
  if (!res.ok) throw await failure(res);
  const text = await res.text();
  return (text ? JSON.parse(text) : {}) as T;
}

export const get = <T>(
  path: string,
  query?: Record<string, string | number | boolean | undefined>,
  signal?: AbortSignal,
) => request<T>('GET', path, { query, signal });
export const post = <T>(path: string, body: unknown) => request<T>('POST', path, { body });
export const put = <T>(path: string, body: unknown = {}) => request<T>('PUT', path, { body });
export const del = <T>(path: string) => request<T>('DELETE', path);

/** What a user should read for a failure: 401 and 403 say what to do about them. */
export function explain(err: unknown): string {
  if (err instanceof ApiFailure) {
    if (err.status === 401) return `Unauthorized (401): log in with a valid token. ${err.message}`;
    if (err.status === 403) return `Forbidden (403): your token is not allowed to do this. ${err.message}`;
    return err.status ? `${err.message} (${err.status})` : err.message;
  }
  return err instanceof Error ? err.message : String(err);
}
