// Every path and method of swagger.json is served: none falls through to the "no such route" answer.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import { readUpstreamJson } from '../../helpers/upstream.js';
import { startTestServer, type TestServer } from './harness.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ engine: false });
});
afterAll(() => s?.close());

const swagger = readUpstreamJson<{ paths: Record<string, Record<string, unknown>> }>('api/swagger.json');
const operations = Object.entries(swagger.paths).flatMap(([path, methods]) =>
  Object.keys(methods)
    .filter((m) => ['get', 'post', 'put', 'delete'].includes(m))
    .map((m) => [m.toUpperCase(), path] as const),
);

it('lists the operations of swagger.json', () => {
  expect(operations.length).toBeGreaterThan(70);
});

it.each(operations)('%s %s is routed', async (method, template) => {
  const path = template.replace(/\{[^}]+\}/g, (p) => (p === '{namespace}' ? 'default' : 'x'));
  const res = await request(`${s.url}${path}`, {
    method,
    dispatcher: new Agent(),
    body: method === 'GET' || method === 'DELETE' ? undefined : '{}',
    headersTimeout: 5000,
  });
  // Streams stay open: the status line is enough.
  const text =
    res.headers['content-type']?.toString().includes('json') && res.statusCode !== 200
      ? await res.body.text()
      : '';
  // Destroying an unread body aborts it; that abort is expected, not a failure.
  res.body.once('error', () => undefined);
  res.body.destroy();
  expect(res.statusCode).not.toBe(405);
  // Unrouted non-API paths get the index page.
  expect(String(res.headers['content-type'] ?? '')).not.toContain('text/html');
  if (res.statusCode === 404 && text) expect(JSON.parse(text).message).not.toBe('Not Found');
});
