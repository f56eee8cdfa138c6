// Streaming responses as Argo's grpc-gateway writes them: each message wrapped as `{"result": ...}`;
// with `Accept: text/event-stream` as server-sent events (`data: {...}\n\n`), otherwise one JSON
// object per line. A failure after the stream began is sent as `{"error": {...}}`.
// A client that reads slowly holds the stream back (the next message is taken only once the socket
// has drained), so messages never pile up in the server's memory; the watch behind the stream then
// keeps only each object's latest state for it.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { once } from 'node:events';
import { STATUS_CODES, type ServerResponse } from 'node:http';
import { toApiError } from './errors.js';
import { SerializedResult } from './event-frames.js';

/** How often an idle event stream gets a comment line, so proxies keep it open. */
const KEEPALIVE_MS = 15_000;

export interface StreamOptions {
  /** Aborted when the client goes away; sources should stop then. */
  controller: AbortController;
}

/** Sends each item of `source` as a stream message until it ends or the client leaves. */
export async function streamResults<T>(
  req: FastifyRequest,
  reply: FastifyReply,
  source: AsyncIterable<T>,
  { controller }: StreamOptions,
): Promise<void> {
  const sse = (req.headers.accept ?? '').includes('text/event-stream');
  const res = reply.raw;
  reply.hijack();
  const headers: Record<string, string | number | string[]> = {};
  for (const [k, v] of Object.entries(reply.getHeaders())) if (v !== undefined) headers[k] = v;
  res.writeHead(200, {
    ...headers,
    'content-type': sse ? 'text/event-stream' : 'application/json',
    'cache-control': 'no-cache',
    'x-accel-buffering': 'no',
  });
  res.flushHeaders();
  const frame = (payload: unknown): string =>
    sse ? `data: ${JSON.stringify(payload)}\n\n` : `${JSON.stringify(payload)}\n`;
  const onClose = (): void => controller.abort();
  res.on('close', onClose);
  // Two bytes: the Go client skips lines no longer than "data: ", EventSource skips comments.
  const keepalive = sse ? setInterval(() => res.write(':\n'), KEEPALIVE_MS) : undefined;
  try {
    for await (const item of source) {
      if (controller.signal.aborted) break;
      // A message serialised once for every client is written from its shared buffer.
      const body = item instanceof SerializedResult ? item.bytes : JSON.stringify({ result: item });
      if (!writeMessage(res, body, sse)) await drained(res, controller.signal);
    }
  } catch (err) {
    if (!controller.signal.aborted) {
      const e = toApiError(err);
      res.write(
        frame({
          error: {
            grpc_code: e.code,
            http_code: e.httpStatus,
            message: e.message,
            http_status: STATUS_CODES[e.httpStatus] ?? '',
          },
        }),
      );
    }
  } finally {
    if (keepalive) clearInterval(keepalive);
    res.off('close', onClose);
    controller.abort();
    res.end();
  }
}

/** Writes one message; false when the socket's buffer is full and the caller should wait. */
function writeMessage(res: ServerResponse, body: Buffer | string, sse: boolean): boolean {
  res.cork();
  if (sse) res.write('data: ');
  res.write(body);
  const room = res.write(sse ? '\n\n' : '\n');
  res.uncork();
  return room;
}

/** Resolves when the socket has drained, or the client went away. */
async function drained(res: ServerResponse, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return;
  await once(res, 'drain', { signal }).catch(() => undefined);
}
