// What one request may cost the server: upstream's message size limit (GRPC_MESSAGE_SIZE), bodies
// refused before they are read when the caller is not authenticated, a nesting depth answered as
// InvalidArgument, and a cap on lists served at once answered as ResourceExhausted (HTTP 429).
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConcurrencyLimit, MAX_BODY_DEPTH } from '../../../src/server/request-limits.js';
import { startTestServer, type TestServer } from './harness.js';

const MESSAGE_SIZE = 1024 * 1024;
let s: TestServer;

beforeAll(async () => {
  const before = process.env.GRPC_MESSAGE_SIZE;
  process.env.GRPC_MESSAGE_SIZE = String(MESSAGE_SIZE);
  try {
    s = await startTestServer({ engine: false, authModes: ['client'], maxConcurrentLists: 1 });
  } finally {
    if (before === undefined) delete process.env.GRPC_MESSAGE_SIZE;
    else process.env.GRPC_MESSAGE_SIZE = before;
  }
});
afterAll(() => s?.close());

const workflow = (annotation: string) => ({
  workflow: {
    metadata: { generateName: 'big-', annotations: { a: annotation } },
    spec: { entrypoint: 'main', templates: [{ name: 'main', container: { image: 'busybox' } }] },
  },
});

describe('body size', () => {
  it('refuses a body over GRPC_MESSAGE_SIZE as ResourceExhausted', async () => {
    const r = await s.fetch('POST', '/api/v1/workflows/default', {
      auth: true,
      body: workflow('x'.repeat(MESSAGE_SIZE)),
    });
    expect(r.status).toBe(429);
    expect(r.json.code).toBe(8);
  });

  it('takes a body under it', async () => {
    const r = await s.fetch('POST', '/api/v1/workflows/default', { auth: true, body: workflow('small') });
    expect(r.status).toBe(200);
  });

  it('answers an unauthenticated caller before reading its body', async () => {
    // The body is never finished: only a server that answers before reading it can reply.
    const u = new URL(s.url);
    const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest({
        host: u.hostname,
        port: u.port,
        path: '/api/v1/workflows/default',
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': String(MESSAGE_SIZE / 2) },
      });
      req.on('response', (r) => {
        let body = '';
        r.setEncoding('utf8').on('data', (d: string) => (body += d));
        r.on('end', () => {
          req.destroy();
          resolve({ status: r.statusCode ?? 0, body });
        });
      });
      req.on('error', reject);
      req.write('{"workflow": {"metadata": {"annotations": {"a": "');
    });
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body).code).toBe(16);
  });
});

describe('nesting', () => {
  it('answers a body nested deeper than the limit with 400 InvalidArgument', async () => {
    const depth = 100_000;
    const body = `{"workflow": {"spec": {"arguments": ${'['.repeat(depth)}${']'.repeat(depth)}}}}`;
    const r = await s.fetch('POST', '/api/v1/workflows/default', { auth: true, body });
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({
      code: 3,
      message: `request body nests deeper than ${MAX_BODY_DEPTH} levels`,
    });
  });

  it('does not count brackets inside strings', async () => {
    const text = `"${'[{'.repeat(MAX_BODY_DEPTH)}\\"${'['.repeat(MAX_BODY_DEPTH)}"`;
    const body = `{"workflow": {"metadata": {"generateName": "s-", "annotations": {"a": ${text}}}, "spec": {"entrypoint": "main", "templates": [{"name": "main", "container": {"image": "busybox"}}]}}}`;
    const r = await s.fetch('POST', '/api/v1/workflows/default', { auth: true, body });
    expect(r.status).toBe(200);
  });
});

describe('concurrent lists', () => {
  it('serves one at a time here and answers the one over the cap with 429 ResourceExhausted', async () => {
    // Hold the first list inside the store (which selects the page) until the second was answered.
    const store = s.store as unknown as { pageWorkflows: (...args: unknown[]) => Promise<unknown> };
    const list = store.pageWorkflows.bind(store);
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let first = true;
    store.pageWorkflows = async (...args: unknown[]) => {
      if (first) {
        first = false;
        entered();
        await held;
      }
      return list(...args);
    };
    try {
      const slow = s.fetch('GET', '/api/v1/workflows/default', { auth: true });
      await inside;
      const over = await s.fetch('GET', '/api/v1/workflow-templates/default', { auth: true });
      expect(over.status).toBe(429);
      expect(over.json.code).toBe(8);
      expect(over.json.message).toContain('too many concurrent list requests');
      release();
      expect((await slow).status).toBe(200);
      // The slot is free again.
      expect((await s.fetch('GET', '/api/v1/workflows/default', { auth: true })).status).toBe(200);
    } finally {
      release();
      store.pageWorkflows = list;
    }
  });
});

describe('memory budget of heavy calls', () => {
  it('admits one call whatever the memory, and no second one while memory is over the budget', async () => {
    let rss = 2000;
    const limit = new ConcurrencyLimit(8, 1000, () => rss);
    const first = await limit.acquire('list');
    first.built();
    await expect(limit.acquire('list')).rejects.toThrow(/busy with large list requests/);
    rss = 500;
    const second = await limit.acquire('list');
    second.built();
    second.release();
    first.release();
    rss = 2000;
    // Nothing held: the next call is served even though memory has not come down yet.
    await expect(limit.acquire('list')).resolves.toBeDefined();
  });

  it('reads the memory for a caller only once the callers before it have built their responses', async () => {
    let rss = 0;
    const limit = new ConcurrencyLimit(8, 1000, () => rss);
    const first = await limit.acquire('list');
    // Arrives while the first is still reading its page: it waits for its turn.
    const second = limit.acquire('list');
    rss = 2000;
    first.built();
    await expect(second).rejects.toThrow(/busy with large list requests/);
  });
});
