// Requests through client-node's own transport and authentication (RequestContext, the kubeconfig's
// applySecurityAuthentication, IsomorphicFetchHttpLibrary), but with JSON in and out as the API
// server sends it. The typed CoreV1Api would round-trip objects through its model classes, turning
// timestamps into Dates (re-serialised with milliseconds) and dropping fields it does not know,
// so what the store handed back would differ from what was stored.
import {
  HttpMethod,
  IsomorphicFetchHttpLibrary,
  RequestContext,
  type KubeConfig,
} from '@kubernetes/client-node';
import { StoreError } from '../types.js';
import { unreachable } from './errors.js';

export interface RestRequest {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
}

export interface RestResponse {
  status: number;
  /** Parsed JSON when the answer is JSON, else the text. */
  body: unknown;
}

export class KubeRest {
  readonly server: string;
  private readonly http = new IsomorphicFetchHttpLibrary();

  constructor(readonly kubeConfig: KubeConfig) {
    const cluster = kubeConfig.getCurrentCluster();
    if (!cluster?.server) {
      throw new StoreError(
        `the kubeconfig context "${kubeConfig.getCurrentContext()}" has no cluster with a server address`,
        400,
        'Invalid',
      );
    }
    // Paths are appended as they are; a server with a path prefix (a proxy) keeps it.
    this.server = cluster.server.replace(/\/+$/, '');
  }

  async request(method: keyof typeof HttpMethod, path: string, req: RestRequest = {}): Promise<RestResponse> {
    const ctx = new RequestContext(this.server + path, HttpMethod[method]);
    ctx.setHeaderParam('Accept', 'application/json');
    for (const [key, value] of Object.entries(req.query ?? {})) {
      if (value !== undefined && value !== '') ctx.setQueryParam(key, String(value));
    }
    if (req.body !== undefined) {
      ctx.setHeaderParam('Content-Type', req.contentType ?? 'application/json');
      ctx.setBody(JSON.stringify(req.body));
    }
    await authenticate(this.kubeConfig, this.server, ctx);
    let status: number;
    let text: string;
    let contentType: string;
    try {
      const res = await this.http.send(ctx).toPromise();
      status = res.httpStatusCode;
      contentType = res.headers['content-type'] ?? '';
      text = await res.body.text();
    } catch (err) {
      throw unreachable(this.server, err);
    }
    return { status, body: parseBody(text, contentType) };
  }
}

function parseBody(text: string, contentType: string): unknown {
  if (text === '') return undefined;
  if (/json/i.test(contentType) || /^\s*[{[]/.test(text)) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      // Not JSON after all (a proxy's error page): the text is the best message there is.
    }
  }
  return text;
}

/** Applies the kubeconfig's credentials and TLS settings to a request; failing that is a 401. */
export async function authenticate(
  kubeConfig: KubeConfig,
  server: string,
  ctx: RequestContext,
): Promise<void> {
  try {
    await kubeConfig.applySecurityAuthentication(ctx);
  } catch (err) {
    throw new StoreError(
      `cannot use the kubeconfig's credentials or certificates for ${server}: ${(err as Error).message}`,
      401,
      'Unauthorized',
    );
  }
}
