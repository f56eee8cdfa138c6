// HTTP/1.1 JSON requests to an Argo Server through undici, with the options Argo's CLI takes:
// ARGO_SERVER (host:port), ARGO_SECURE, ARGO_INSECURE_SKIP_VERIFY, ARGO_BASE_HREF, -H headers and
// --request-timeout. Failures become ArgoErrors: the server's `{code, message}`, or one line naming
// the address when the server cannot be reached.
import { readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { Agent, request, type Dispatcher } from 'undici';
import { ArgoError } from '../types.js';

export interface TransportOptions {
  /** host:port, as ARGO_SERVER holds it (a scheme, if given, overrides `secure`). */
  server: string;
  secure: boolean;
  insecureSkipVerify: boolean;
  baseHref?: string;
  authorization?: string;
  /** `Name: value` strings from -H. */
  headers?: string[];
  /** 0 or undefined: no timeout. */
  requestTimeoutMs?: number;
  /** PEM files for mutual TLS and a private CA: kubectl's --client-certificate, --client-key, --certificate-authority. */
  tlsFiles?: TlsFiles;
  /** Debug logging of each request, as upstream's HTTP/1 client logs it (`curl -X` with url, method, data). */
  debug?: (msg: string, fields: Record<string, unknown>) => void;
}

export interface TlsFiles {
  clientCertificate?: string;
  clientKey?: string;
  certificateAuthority?: string;
}

export type QueryValue = string | number | boolean | undefined;

/** `-H "Name: value"` into a header map, refusing entries without a colon as Argo's CLI does. */
export function parseHeaderFlags(values: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of values) {
    const i = kv.indexOf(':');
    if (i <= 0) throw new ArgoError(`additional headers must be colon(:)-separated: ${kv}`, 400);
    out[kv.slice(0, i).trim().toLowerCase()] = kv.slice(i + 1).trim();
  }
  return out;
}

/** Kubernetes-style durations for --request-timeout: `0`, `30`, `1s`, `2m`, `1h30m`. */
export function parseRequestTimeout(text: string | undefined): number {
  if (!text || text === '0') return 0;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    total += Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
    matched = re.lastIndex;
  }
  if (matched !== text.length) {
    throw new ArgoError(`invalid timeout value "${text}": use a duration such as 1s, 2m or 3h`, 400);
  }
  return total;
}

/** Why a connection failed, said once with the address and what to try. */
function unreachable(base: string, err: unknown): ArgoError {
  const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const cause = e.cause ?? e;
  const code = cause.code ?? '';
  const detail = cause.message || e.message || String(err);
  let hint = '';
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code) || /certificate/i.test(detail)) {
    hint =
      ' (the certificate is not trusted: set ARGO_INSECURE_SKIP_VERIFY=true or pass -k to skip the check)';
  } else if (/wrong version number|EPROTO|packet length too long/i.test(`${code} ${detail}`)) {
    hint = ' (the server does not speak TLS there: set ARGO_SECURE=false for plain HTTP)';
  } else if (code === 'UND_ERR_SOCKET' || /other side closed/.test(detail)) {
    hint = ' (the server closed the connection: if it serves HTTPS, unset ARGO_SECURE=false)';
  }
  return new ArgoError(`cannot reach the Argo Server at ${base}: ${detail}${hint}`, 503);
}

/**
 * The certificate files as TLS options. As upstream's CLI does, a client certificate needs its key
 * and the other way round; a file that cannot be read is named with its flag.
 */
function tlsConnectOptions(files: TlsFiles): { cert?: Buffer; key?: Buffer; ca?: Buffer } {
  if (!files.clientCertificate !== !files.clientKey) {
    throw new ArgoError('--client-certificate and --client-key must be provided together', 400);
  }
  const read = (flag: string, file: string | undefined): Buffer | undefined => {
    if (!file) return undefined;
    try {
      return readFileSync(file);
    } catch (err) {
      throw new ArgoError(`cannot read --${flag} ${file}: ${(err as Error).message}`, 400);
    }
  };
  return {
    cert: read('client-certificate', files.clientCertificate),
    key: read('client-key', files.clientKey),
    ca: read('certificate-authority', files.certificateAuthority),
  };
}

export class Transport {
  readonly base: string;
  private readonly dispatcher: Dispatcher;
  private readonly headers: Record<string, string>;

  constructor(private readonly opts: TransportOptions) {
    const scheme = /^https?:\/\//i.exec(opts.server) ? '' : opts.secure ? 'https://' : 'http://';
    const href = (opts.baseHref ?? '').replace(/^\/+|\/+$/g, '');
    this.base = `${scheme}${opts.server.replace(/\/+$/, '')}${href ? `/${href}` : ''}`;
    this.dispatcher = new Agent({
      connect: { rejectUnauthorized: !opts.insecureSkipVerify, ...tlsConnectOptions(opts.tlsFiles ?? {}) },
    });
    this.headers = parseHeaderFlags(opts.headers ?? []);
    if (opts.authorization) this.headers.authorization = opts.authorization;
  }

  url(path: string, query: Record<string, QueryValue | QueryValue[]> = {}): string {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) {
      for (const item of Array.isArray(v) ? v : [v]) {
        if (item !== undefined && item !== '' && item !== false) params.append(k, String(item));
      }
    }
    const qs = params.toString();
    return `${this.base}${path}${qs ? `?${qs}` : ''}`;
  }

  private async send(
    method: Dispatcher.HttpMethod,
    url: string,
    body: unknown,
    extra: Record<string, string>,
    streaming: boolean,
    signal?: AbortSignal,
  ): Promise<Dispatcher.ResponseData> {
    const timeout = streaming ? 0 : (this.opts.requestTimeoutMs ?? 0);
    const data = body !== undefined ? JSON.stringify(body) : undefined;
    this.opts.debug?.(
      streaming ? "curl -H 'Accept: text/event-stream' -H 'Authorization: ******'" : 'curl -X',
      {
        url,
        method,
        data: data ?? '',
      },
    );
    let res: Dispatcher.ResponseData;
    try {
      res = await request(url, {
        method,
        dispatcher: this.dispatcher,
        headers: {
          ...this.headers,
          ...extra,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        body: data,
        headersTimeout: timeout,
        bodyTimeout: timeout,
        signal,
      });
    } catch (err) {
      if (signal?.aborted) throw err;
      if ((err as { code?: string }).code === 'UND_ERR_HEADERS_TIMEOUT') {
        throw new ArgoError(`request to the Argo Server at ${this.base} timed out after ${timeout} ms`, 504);
      }
      throw unreachable(this.base, err);
    }
    if (res.statusCode !== 200) {
      const text = await res.body.text().catch(() => '');
      let message = text.trim() || `HTTP ${res.statusCode}`;
      try {
        const parsed = JSON.parse(text) as { message?: unknown };
        if (typeof parsed.message === 'string') message = parsed.message;
      } catch {
        // Not JSON (a proxy's page, a rate limit): keep the text.
      }
      throw new ArgoError(message, res.statusCode);
    }
    return res;
  }

  async json<T>(
    method: Dispatcher.HttpMethod,
    path: string,
    opts: { query?: Record<string, QueryValue | QueryValue[]>; body?: unknown } = {},
  ): Promise<T> {
    const res = await this.send(
      method,
      this.url(path, opts.query),
      opts.body,
      { accept: 'application/json' },
      false,
    );
    const text = await res.body.text();
    return (text.trim() === '' ? {} : JSON.parse(text)) as T;
  }

  /** A download's body as a stream (artifact routes answer plain bytes, not JSON). */
  async download(path: string): Promise<Readable> {
    const res = await this.send('GET', this.url(path), undefined, { accept: '*/*' }, true);
    return res.body;
  }

  /** The `result` of each message of a server-sent event stream, until it ends or `signal` aborts. */
  async *events<T>(
    path: string,
    query: Record<string, QueryValue | QueryValue[]>,
    signal?: AbortSignal,
  ): AsyncGenerator<T> {
    const controller = new AbortController();
    const onAbort = (): void => controller.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const res = await this.send(
        'GET',
        this.url(path, query),
        undefined,
        { accept: 'text/event-stream' },
        true,
        controller.signal,
      );
      let buffered = '';
      try {
        for await (const chunk of res.body) {
          buffered += chunk.toString();
          let nl: number;
          while ((nl = buffered.indexOf('\n')) >= 0) {
            const line = buffered.slice(0, nl).replace(/\r$/, '');
            buffered = buffered.slice(nl + 1);
            if (!line.startsWith('data:')) continue;
            const msg = JSON.parse(line.slice(5).trim()) as {
              result?: T;
              error?: { message?: string; http_code?: number };
            };
            if (msg.error)
              throw new ArgoError(msg.error.message ?? 'stream failed', msg.error.http_code ?? 500);
            if (msg.result !== undefined) yield msg.result;
          }
        }
      } catch (err) {
        if (controller.signal.aborted) return;
        if (err instanceof ArgoError) throw err;
        throw unreachable(this.base, err);
      }
    } catch (err) {
      if (controller.signal.aborted) return;
      throw err;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      controller.abort();
    }
  }

  close(): Promise<void> {
    return this.dispatcher.close();
  }
}
