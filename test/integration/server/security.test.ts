// What guards the API: TLS, client-mode bearer tokens, the namespace boundary of --namespaced,
// artifact paths that cannot escape, metrics behind auth, CORS, rate limits and the base href.
import { request as httpRequest } from 'node:http';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import type { ArtifactReader, ArtifactRequest } from '../../../src/server/artifacts.js';
import { startTestServer, type TestServer } from './harness.js';

const wf = (name: string) => ({
  metadata: { name },
  spec: {
    entrypoint: 'main',
    templates: [{ name: 'main', container: { image: 'busybox', command: ['true'] } }],
  },
});

/** A GET whose path goes on the wire exactly as written (no dot-segment or encoding clean-up). */
function rawGet(
  url: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: u.hostname, port: u.port, path, method: 'GET', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('TLS', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ secure: true, engine: false });
  });
  afterAll(() => s?.close());

  it('serves HTTPS with a self-signed certificate and HSTS', async () => {
    expect(s.url.startsWith('https://')).toBe(true);
    const r = await s.fetch('GET', '/api/v1/version');
    expect(r.status).toBe(200);
    expect(r.headers['strict-transport-security']).toBe('max-age=31536000');
    expect(r.headers['x-frame-options']).toBe('DENY');
  });

  it('is refused by a client that checks certificates', async () => {
    const strict = new Agent({ connect: { rejectUnauthorized: true } });
    await expect(request(`${s.url}/api/v1/version`, { dispatcher: strict })).rejects.toThrow(/certificate/i);
  });

  it('answers the readiness probe at /', async () => {
    const r = await s.fetch('GET', '/');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toContain('text/html');
  });
});

describe('client auth mode', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ authModes: ['client'], engine: false });
  });
  afterAll(() => s?.close());

  it('refuses requests without a token, with upstream`s message', async () => {
    const r = await s.fetch('GET', '/api/v1/workflows/default');
    expect(r.status).toBe(401);
    expect(r.json).toEqual({
      code: 16,
      message: 'token not valid. see https://argo-workflows.readthedocs.io/en/latest/faq/',
    });
  });

  it('refuses a wrong bearer token', async () => {
    const r = await s.fetch('GET', '/api/v1/workflows/default', {
      headers: { authorization: 'Bearer wrong' },
    });
    expect(r.status).toBe(401);
    expect(r.json.code).toBe(16);
  });

  it('accepts the server token as a header or as the UI`s cookie', async () => {
    expect((await s.fetch('GET', '/api/v1/workflows/default', { auth: true })).status).toBe(200);
    const cookie = await s.fetch('GET', '/api/v1/info', {
      headers: { cookie: `other=1; authorization=${encodeURIComponent(`Bearer ${s.token}`)}` },
    });
    expect(cookie.status).toBe(200);
  });

  it('guards streams, artifacts and metrics too', async () => {
    expect((await s.fetch('GET', '/api/v1/workflow-events/default')).status).toBe(401);
    expect((await s.fetch('GET', '/api/v1/workflows/default/x/log')).status).toBe(401);
    const art = await s.fetch('GET', '/artifacts/default/x/y/z');
    expect(art.status).toBe(401);
    expect(art.text).toBe('Unauthorized\n');
    expect((await s.fetch('GET', '/metrics')).status).toBe(403);
    const metrics = await s.fetch('GET', '/metrics', { auth: true });
    expect(metrics.status).toBe(200);
    expect(metrics.text).toMatch(/grpc_server_handled_total\{[^}]*grpc_code="Unauthenticated"/);
    expect(metrics.text).toContain('process_cpu_user_seconds_total');
  });
});

describe('--namespaced', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ managedNamespace: 'team-a', engine: false });
    await s.store.create('Workflow', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      ...wf('secret'),
      metadata: { name: 'secret', namespace: 'team-b' },
    });
    await s.store.create('Workflow', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      ...wf('mine'),
      metadata: { name: 'mine', namespace: 'team-a' },
    });
  });
  afterAll(() => s?.close());

  it('tells the UI which namespace it manages', async () => {
    expect((await s.fetch('GET', '/api/v1/info')).json.managedNamespace).toBe('team-a');
  });

  it('refuses other namespaces with PermissionDenied on every kind of endpoint', async () => {
    for (const [method, path] of [
      ['GET', '/api/v1/workflows/team-b'],
      ['GET', '/api/v1/workflows/team-b/secret'],
      ['DELETE', '/api/v1/workflows/team-b/secret'],
      ['PUT', '/api/v1/workflows/team-b/secret/suspend'],
      ['GET', '/api/v1/workflows/team-b/secret/log'],
      ['GET', '/api/v1/workflow-events/team-b'],
      ['GET', '/api/v1/workflow-templates/team-b'],
      ['GET', '/api/v1/cron-workflows/team-b'],
      ['GET', '/api/v1/sync/team-b/k?cmName=c'],
      ['GET', '/api/v1/workflow-event-bindings/team-b'],
      ['GET', '/api/v1/archived-workflows?namespace=team-b'],
    ] as const) {
      const r = await s.fetch(method, path);
      expect(r.status, path).toBe(403);
      expect(r.json.code).toBe(7);
    }
    expect((await s.fetch('GET', '/artifacts/team-b/secret/n/a')).status).toBe(403);
  });

  it('lists only its namespace when asked for all', async () => {
    const r = await s.fetch('GET', '/api/v1/workflows/');
    expect(r.json.items.map((w: any) => w.metadata.name)).toEqual(['mine']);
    const notEq = await s.fetch(
      'GET',
      '/api/v1/workflows/?listOptions.fieldSelector=metadata.namespace!%3Dteam-a',
    );
    expect(notEq.json.items).toEqual([]);
  });

  it('refuses an object whose namespace differs from the request`s', async () => {
    const body = { workflow: { ...wf('sneaky'), metadata: { name: 'sneaky', namespace: 'team-b' } } };
    const r = await s.fetch('POST', '/api/v1/workflows/team-a', { body });
    expect(r.status).toBe(400);
    expect(r.json.message).toMatch(/namespace of the provided object does not match/);
  });
});

describe('artifact downloads', () => {
  let s: TestServer;
  const asked: ArtifactRequest[] = [];
  const reader: ArtifactReader = {
    async open(req) {
      asked.push(req);
      if (req.artifactName !== 'result') return undefined;
      return {
        body: Readable.from([Buffer.from('artifact bytes')]),
        fileName: 'result.txt',
        contentType: 'text/plain',
      };
    },
  };
  beforeAll(async () => {
    s = await startTestServer({ artifacts: reader, engine: false });
    await s.store.create('Workflow', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      ...wf('art'),
      metadata: { name: 'art', namespace: 'default' },
    });
  });
  afterAll(() => s?.close());

  it('streams what the reader returns, with upstream`s security headers', async () => {
    const r = await s.fetch('GET', '/artifacts/default/art/art-node/result');
    expect(r.status).toBe(200);
    expect(r.text).toBe('artifact bytes');
    expect(r.headers['content-disposition']).toBe('filename="result.txt"');
    expect(r.headers['content-security-policy']).toContain('sandbox');
    expect(r.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(asked.at(-1)).toMatchObject({ nodeId: 'art-node', artifactName: 'result', direction: 'outputs' });
    expect((await s.fetch('GET', '/input-artifacts/default/art/art-node/result')).status).toBe(200);
    expect(asked.at(-1)?.direction).toBe('inputs');
  });

  it('answers 404 for an artifact the reader does not have, or a missing workflow', async () => {
    expect((await s.fetch('GET', '/artifacts/default/art/art-node/other')).status).toBe(404);
    expect((await s.fetch('GET', '/artifacts/default/nope/n/result')).status).toBe(404);
    expect((await s.fetch('GET', '/artifacts-by-uid/no-such-uid/n/result')).status).toBe(404);
  });

  it('finds workflows by uid and serves artifact files', async () => {
    const uid = (await s.fetch('GET', '/api/v1/workflows/default/art')).json.metadata.uid;
    expect((await s.fetch('GET', `/artifacts-by-uid/${uid}/n/result`)).status).toBe(200);
    expect((await s.fetch('GET', `/input-artifacts-by-uid/${uid}/n/result`)).status).toBe(200);
    const file = await s.fetch('GET', '/artifact-files/default/workflows/art/n/outputs/result/dir/file.txt');
    expect(file.status).toBe(200);
    expect(asked.at(-1)?.file).toEqual(['dir', 'file.txt']);
    expect((await s.fetch('GET', '/artifact-files/default/workflows/art/n/sideways/result')).status).toBe(
      400,
    );
    expect((await s.fetch('GET', '/artifact-files/default/elsewhere/art/n/outputs/result')).status).toBe(400);
  });

  it('refuses paths that try to leave the artifact, however they are encoded', async () => {
    const before = asked.length;
    for (const path of [
      '/artifacts/default/art/../../etc/passwd',
      '/artifacts/default/art/n/..',
      '/artifacts/default/art/%2e%2e/result',
      '/artifacts/default/art/%2E%2E/result',
      '/artifacts/default/art/n/..%2fresult',
      '/artifacts/default/art/n/..%5cresult',
      '/artifacts/default/art/n/%252e%252e',
      '/artifacts/default/art/n/res%00ult',
      '/artifact-files/default/workflows/art/n/outputs/result/../../../../etc/passwd',
      '/artifact-files/default/workflows/art/n/outputs/result/%2e%2e/%2e%2e/secret',
      '/artifact-files/default/workflows/art/n/outputs/result/a%2f..%2f..%2fb',
      '/artifact-files/default/workflows/art/n/outputs/result/.',
      '/artifacts-by-uid/x/%2e%2e/result',
    ]) {
      const r = await rawGet(s.url, path);
      expect(r.status, path).toBe(400);
      expect(r.body).toBe('Bad Request\n');
    }
    expect(asked.length).toBe(before);
  });
});

describe('headers, rate limit and base href', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({
      accessControlAllowOrigin: 'https://ui.example',
      apiRateLimit: 5,
      baseHref: '/argo/',
      engine: false,
    });
  });
  afterAll(() => s?.close());

  it('answers CORS preflights and sets the allowed origin', async () => {
    const pre = await s.fetch('OPTIONS', '/api/v1/workflows/default');
    expect(pre.status).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe('https://ui.example');
    expect(pre.headers['access-control-allow-methods']).toBe('POST, GET, OPTIONS, PUT, DELETE');
  });

  it('serves the API under the base href as well as at the root', async () => {
    expect((await s.fetch('GET', '/argo/api/v1/version')).status).toBe(200);
    expect((await s.fetch('GET', '/argo/')).text).toContain('<base href="/argo/">');
  });

  it('limits requests per second per client', async () => {
    // The client's one-second window from the tests before has passed; then eight requests at once
    // (sent one after another they could straddle a new window on a slow machine).
    await new Promise((r) => setTimeout(r, 1100));
    const statuses = await Promise.all(
      Array.from({ length: 8 }, async () => (await s.fetch('GET', '/api/v1/version')).status),
    );
    expect(statuses.filter((x) => x === 200).length).toBe(5);
    expect(statuses.filter((x) => x === 429).length).toBe(3);
  });
});
