// The pods/log subresource: a container's log as the kubelet keeps it. KubeRest reads whole JSON
// answers, but a followed log is a text stream that lasts as long as the container runs, so this
// opens the request itself, with the kubeconfig's credentials and TLS agent applied by client-node
// exactly as for every other request.
import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { HttpMethod, RequestContext, type KubeConfig } from '@kubernetes/client-node';
import { apiError, unreachable } from './errors.js';
import { objectPath } from './resources.js';
import { authenticate } from './rest.js';

/** Kubernetes' PodLogOptions. */
export interface PodLogOptions {
  /** Default: the pod's only container (the API refuses to guess when there are several). */
  container?: string;
  follow?: boolean;
  previous?: boolean;
  sinceSeconds?: number;
  /** RFC 3339 */
  sinceTime?: string;
  tailLines?: number;
  /** Prefix each line with its RFC 3339 (nanosecond) time and a space. */
  timestamps?: boolean;
  limitBytes?: number;
  /** Ends the stream; the generator then returns without an error. */
  signal?: AbortSignal;
}

export interface PodLogSource {
  kubeConfig: KubeConfig;
  /** The API server's URL, without a trailing slash. */
  server: string;
}

/**
 * The lines of a container's log, without their newlines, until the log ends (at once, or when a
 * followed container exits). A pod that does not exist is a NotFoundError; a container that has
 * not started (or a bad option) is an InvalidError carrying the API server's message.
 */
export async function* readPodLog(
  source: PodLogSource,
  namespace: string,
  pod: string,
  opts: PodLogOptions = {},
): AsyncGenerator<string> {
  const res = await openLog(source, namespace, pod, opts);
  if (!res) return;
  res.setEncoding('utf8');
  let pending = '';
  try {
    for await (const chunk of res as AsyncIterable<string>) {
      const parts = (pending + chunk).split('\n');
      pending = parts.pop() ?? '';
      for (const line of parts) yield line;
    }
  } catch (err) {
    if (opts.signal?.aborted) return;
    throw unreachable(source.server, err);
  } finally {
    res.destroy();
  }
  if (pending !== '') yield pending;
}

function logQuery(opts: PodLogOptions): Record<string, string | number | boolean | undefined> {
  return {
    container: opts.container || undefined,
    follow: opts.follow || undefined,
    previous: opts.previous || undefined,
    sinceSeconds: opts.sinceSeconds,
    sinceTime: opts.sinceTime || undefined,
    tailLines: opts.tailLines,
    timestamps: opts.timestamps || undefined,
    limitBytes: opts.limitBytes,
  };
}

/** The response once it is 200; undefined when the signal aborted first. */
async function openLog(
  source: PodLogSource,
  namespace: string,
  pod: string,
  opts: PodLogOptions,
): Promise<IncomingMessage | undefined> {
  const ctx = new RequestContext(`${source.server}${objectPath('Pod', namespace, pod)}/log`, HttpMethod.GET);
  for (const [key, value] of Object.entries(logQuery(opts)))
    if (value !== undefined) ctx.setQueryParam(key, String(value));
  await authenticate(source.kubeConfig, source.server, ctx);
  if (opts.signal?.aborted) return undefined;
  const url = new URL(ctx.getUrl());
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  let res: IncomingMessage;
  try {
    res = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = send(url, {
        method: 'GET',
        headers: ctx.getHeaders() as OutgoingHttpHeaders,
        agent: ctx.getAgent(),
        signal: opts.signal,
      });
      req.once('response', resolve);
      req.once('error', reject);
      req.end();
    });
  } catch (err) {
    if (opts.signal?.aborted) return undefined;
    throw unreachable(source.server, err);
  }
  if (res.statusCode === 200) return res;
  const text = await readAll(res);
  throw apiError('Pod', pod, source.server, res.statusCode ?? 500, parseStatus(text));
}

async function readAll(res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The API answers errors with a JSON Status; a proxy may answer with text. */
function parseStatus(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
