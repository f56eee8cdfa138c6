// `argo server` stops on SIGTERM even while clients hold watch and log streams open: a stream never
// ends by itself, and closing the server waits for every connection. Found with a watcher of a large
// workflow: the server logged "shutting down" and then ran on until killed.
import http, { type IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { startTestServer } from './harness.js';

function open(url: string, token: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) =>
    http.get(url, { headers: { authorization: `Bearer ${token}` } }, resolve).on('error', reject),
  );
}

describe('argo server shutdown', () => {
  it('ends open watch and log streams and closes promptly', async () => {
    const s = await startTestServer({ engine: false });
    const streams = await Promise.all(
      [
        '/api/v1/workflow-events/default',
        '/api/v1/workflow-events/default?listOptions.fieldSelector=metadata.name=nothing-yet',
        '/api/v1/stream/events/default',
      ].map((p) => open(`${s.url}${p}`, s.token)),
    );
    for (const res of streams) expect(res.statusCode).toBe(200);
    const ended = streams.map((res) => new Promise<void>((resolve) => res.on('close', resolve).resume()));
    const closed = s.close().then(() => 'closed');
    const late = new Promise((resolve) => setTimeout(resolve, 10_000, 'still open after 10 s'));
    expect(await Promise.race([closed, late])).toBe('closed');
    await Promise.all(ended);
  }, 20_000);
});
