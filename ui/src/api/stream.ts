// The server's streams: watch events over server-sent events (EventSource reconnects by itself), and
// log lines as newline-delimited JSON read with fetch, which ends when the server ends the stream.
import { ApiFailure, apiUrl } from './http';
import type { WatchEvent } from './types';

/** Watches `path` (e.g. `workflow-events/ns`); returns a function that stops watching. */
export function watch<T>(
  path: string,
  query: Record<string, string | undefined>,
  onEvent: (event: WatchEvent<T>) => void,
  onError: (message: string) => void,
): () => void {
  const source = new EventSource(apiUrl(path, query));
  source.onmessage = (msg: MessageEvent<string>) => {
    const data = JSON.parse(msg.data) as { result?: WatchEvent<T>; error?: { message?: string } };
    if (data.result) onEvent(data.result);
    else if (data.error) onError(data.error.message ?? 'the event stream failed');
  };
  // EventSource retries on its own; a stream closed for good (e.g. 401) is reported.
  source.onerror = () => {
    if (source.readyState === EventSource.CLOSED) onError('the event stream closed; reload to reconnect');
  };
  return () => source.close();
}

/** Reads `{"result": T}` lines from a streaming endpoint until it ends or `signal` aborts. */
export async function readLines<T>(
  path: string,
  query: Record<string, string | number | boolean | undefined>,
  onResult: (result: T) => void,
  signal: AbortSignal,
): Promise<void> {
  const res = await fetch(apiUrl(path, query), { credentials: 'same-origin', signal });
  if (!res.ok || !res.body) {
    const text = await res.text().catch(() => '');
    let message = text || res.statusText;
    try {
      message = (JSON.parse(text) as { message?: string }).message ?? message;
    } catch {
      // As it is.
    }
    throw new ApiFailure(res.status, message);
  }
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffered += value;
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      if (!line) continue;
      const data = JSON.parse(line) as { result?: T; error?: { message?: string; http_code?: number } };
      if (data.result) onResult(data.result);
      else if (data.error)
        throw new ApiFailure(data.error.http_code ?? 500, data.error.message ?? 'stream failed');
    }
  }
}
