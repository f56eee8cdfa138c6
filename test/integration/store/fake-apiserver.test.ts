// The fake API server on the wire, checked with plain fetch: other tests trust it to answer as
// kube-apiserver does.
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeApiServer, type FakeApiServer } from '../../helpers/fake-apiserver.js';
import { waitFor } from './helpers.js';

const servers: FakeApiServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function start(opts: Parameters<typeof startFakeApiServer>[0] = {}): Promise<FakeApiServer> {
  const s = await startFakeApiServer(opts);
  servers.push(s);
  return s;
}

async function call(
  server: FakeApiServer,
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/json',
): Promise<{ status: number; body: any }> {
  const res = await fetch(server.url + path, {
    method,
    headers: { 'Content-Type': contentType },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

/** Reads newline-delimited watch events until `count` arrived or the stream ended. */
function watchLines(url: string, count: number): Promise<{ status: number; events: any[] }> {
  return new Promise((resolve, reject) => {
    const req = request(url, (res) => {
      const events: any[] = [];
      let buf = '';
      const done = () => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, events });
      };
      res.on('data', (chunk: Buffer) => {
        buf += chunk.toString();
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          events.push(JSON.parse(buf.slice(0, nl)));
          buf = buf.slice(nl + 1);
          if (events.length >= count) done();
        }
      });
      res.on('end', done);
    });
    req.on('error', reject);
    req.end();
  });
}

const cm = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name },
  ...extra,
});

describe('fake API server', () => {
  it('answers errors with Kubernetes Status objects', async () => {
    const server = await start();
    const missing = await call(server, 'GET', '/api/v1/namespaces/argo/configmaps/nope');
    expect(missing).toEqual({
      status: 404,
      body: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'configmaps "nope" not found',
        reason: 'NotFound',
        details: { name: 'nope', group: '', kind: 'configmaps' },
        code: 404,
      },
    });
    expect((await call(server, 'GET', '/apis/example.com/v1/namespaces/a/things')).body).toMatchObject({
      code: 404,
      message: 'the server could not find the requested resource',
    });
    await call(server, 'POST', '/api/v1/namespaces/argo/configmaps', cm('a'));
    expect((await call(server, 'POST', '/api/v1/namespaces/argo/configmaps', cm('a'))).body).toMatchObject({
      code: 409,
      reason: 'AlreadyExists',
      details: { name: 'a' },
    });
    expect(
      (await call(server, 'POST', '/api/v1/namespaces/argo/configmaps', cm('Bad_Name'))).body,
    ).toMatchObject({ code: 422, reason: 'Invalid' });
    expect(
      (
        await call(server, 'POST', '/api/v1/namespaces/argo/configmaps', {
          ...cm('b'),
          metadata: { name: 'b', namespace: 'elsewhere' },
        })
      ).body,
    ).toMatchObject({ code: 400, reason: 'BadRequest' });
    expect(
      (await call(server, 'PUT', '/api/v1/namespaces/argo/configmaps/a', cm('other'))).body,
    ).toMatchObject({
      code: 400,
      message: 'the name of the object (other) does not match the name on the URL (a)',
    });
    expect(
      (await call(server, 'GET', '/api/v1/namespaces/argo/configmaps?labelSelector=a%20in%20(')).status,
    ).toBe(400);
    expect(
      (await call(server, 'PATCH', '/api/v1/namespaces/argo/configmaps/a', {}, 'text/plain')).status,
    ).toBe(415);
  });

  it('requires the bearer token when it has one', async () => {
    const server = await start({ token: 'sesame' });
    const res = await call(server, 'GET', '/api/v1/pods');
    expect(res).toMatchObject({ status: 401, body: { kind: 'Status', reason: 'Unauthorized', code: 401 } });
    const ok = await fetch(`${server.url}/api/v1/pods`, { headers: { Authorization: 'Bearer sesame' } });
    expect(ok.status).toBe(200);
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /api/v1/pods',
      'GET /api/v1/pods',
    ]);
  });

  it('authenticates users by token and authorizes each by its rules, answering 401 and 403 as kube-apiserver', async () => {
    const server = await start({
      users: {
        'a-token': {
          name: 'alice',
          rules: [
            {
              verbs: ['get', 'list'],
              resources: ['workflows'],
              apiGroups: ['argoproj.io'],
              namespaces: ['team-a'],
            },
          ],
        },
        'b-token': { name: 'bob', rules: [{ verbs: ['get'], resources: ['pods/log'] }] },
      },
    });
    const as = async (token: string, path: string, method = 'GET') => {
      const res = await fetch(server.url + path, { method, headers: { Authorization: `Bearer ${token}` } });
      return { status: res.status, body: (await res.json()) as any };
    };
    const wfs = '/apis/argoproj.io/v1alpha1/namespaces/team-a/workflows';
    expect((await as('a-token', wfs)).status).toBe(200);
    expect((await as('a-token', `${wfs}?watch=true&timeoutSeconds=0.01`)).body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'workflows.argoproj.io is forbidden: User "alice" cannot watch resource "workflows" in API group "argoproj.io" in the namespace "team-a"',
      reason: 'Forbidden',
      details: { group: 'argoproj.io', kind: 'workflows' },
      code: 403,
    });
    expect((await as('a-token', `${wfs}/w1`, 'DELETE')).body.message).toBe(
      'workflows.argoproj.io "w1" is forbidden: User "alice" cannot delete resource "workflows" in API group "argoproj.io" in the namespace "team-a"',
    );
    // A namespaced grant reaches neither across all namespaces nor other namespaces.
    expect((await as('a-token', '/apis/argoproj.io/v1alpha1/workflows')).body.message).toMatch(
      /cannot list resource "workflows" in API group "argoproj.io" at the cluster scope$/,
    );
    expect((await as('a-token', '/apis/argoproj.io/v1alpha1/namespaces/b/workflows')).status).toBe(403);
    // Subresources are their own resource; discovery is open to anyone authenticated.
    expect((await as('b-token', '/api/v1/namespaces/x/pods/p/log')).status).not.toBe(403);
    expect((await as('b-token', '/api/v1/namespaces/x/pods/p')).body.message).toBe(
      'pods "p" is forbidden: User "bob" cannot get resource "pods" in API group "" in the namespace "x"',
    );
    expect((await as('b-token', '/apis/argoproj.io/v1alpha1')).status).toBe(200);
    const unknown = await as('c-token', '/apis/argoproj.io/v1alpha1');
    expect(unknown).toMatchObject({
      status: 401,
      body: { reason: 'Unauthorized', message: 'Unauthorized', code: 401 },
    });
    expect(server.requests.map((r) => r.user)).toEqual([
      ...Array(5).fill('alice'),
      ...Array(3).fill('bob'),
      undefined,
    ]);
  });

  it('applies merge, strategic-merge (as merge) and JSON patches; refuses unconditional CR updates', async () => {
    const server = await start();
    const base = '/api/v1/namespaces/argo/configmaps/p';
    await call(server, 'POST', '/api/v1/namespaces/argo/configmaps', cm('p', { data: { a: '1', b: '2' } }));
    const merged = await call(
      server,
      'PATCH',
      base,
      { data: { a: null, c: '3' } },
      'application/merge-patch+json',
    );
    expect(merged.body.data).toEqual({ b: '2', c: '3' });
    const strategic = await call(
      server,
      'PATCH',
      base,
      { data: { d: '4' } },
      'application/strategic-merge-patch+json',
    );
    expect(strategic.body.data).toEqual({ b: '2', c: '3', d: '4' });
    const json = await call(
      server,
      'PATCH',
      base,
      [
        { op: 'test', path: '/data/b', value: '2' },
        { op: 'remove', path: '/data/b' },
        { op: 'add', path: '/metadata/labels', value: { 'x/y': 'z' } },
        { op: 'replace', path: '/data/c', value: 'three' },
        { op: 'move', from: '/data/d', path: '/data/e' },
      ],
      'application/json-patch+json',
    );
    expect(json.status).toBe(200);
    expect(json.body.data).toEqual({ c: 'three', e: '4' });
    expect(json.body.metadata.labels).toEqual({ 'x/y': 'z' });
    const failed = await call(
      server,
      'PATCH',
      base,
      [{ op: 'test', path: '/data/c', value: 'no' }],
      'application/json-patch+json',
    );
    expect(failed.body).toMatchObject({
      code: 422,
      message: expect.stringMatching(/operation 0: test failed/),
    });

    await call(server, 'POST', '/apis/argoproj.io/v1alpha1/namespaces/argo/workflows', {
      metadata: { name: 'w' },
    });
    const put = await call(server, 'PUT', '/apis/argoproj.io/v1alpha1/namespaces/argo/workflows/w', {
      metadata: { name: 'w' },
      spec: {},
    });
    expect(put.body).toMatchObject({ code: 422, message: expect.stringMatching(/metadata.resourceVersion/) });
  });

  it('serves discovery for its groups', async () => {
    const server = await start();
    const argo = await call(server, 'GET', '/apis/argoproj.io/v1alpha1');
    expect(argo.body.kind).toBe('APIResourceList');
    expect(argo.body.resources).toContainEqual(
      expect.objectContaining({
        name: 'clusterworkflowtemplates',
        namespaced: false,
        kind: 'ClusterWorkflowTemplate',
      }),
    );
    const core = await call(server, 'GET', '/api/v1');
    expect(core.body.resources.map((r: { name: string }) => r.name)).toContain('pods');
  });

  it('streams watch events from a version and ends with ERROR 410 when it is too old', async () => {
    const server = await start({ changeLogRetention: 2 });
    const created = await call(server, 'POST', '/api/v1/namespaces/argo/configmaps', cm('a'));
    const rv = created.body.metadata.resourceVersion;
    const pending = watchLines(
      `${server.url}/api/v1/namespaces/argo/configmaps?watch=1&resourceVersion=${rv}`,
      2,
    );
    await waitFor(() => server.openWatches === 1);
    await call(
      server,
      'PATCH',
      '/api/v1/namespaces/argo/configmaps/a',
      { data: { k: 'v' } },
      'application/merge-patch+json',
    );
    await call(server, 'DELETE', '/api/v1/namespaces/argo/configmaps/a');
    const { status, events } = await pending;
    expect(status).toBe(200);
    expect(events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['MODIFIED a', 'DELETED a']);

    for (let i = 0; i < 5; i++) await call(server, 'POST', '/api/v1/namespaces/argo/configmaps', cm(`b${i}`));
    const old = await watchLines(`${server.url}/api/v1/configmaps?watch=true&resourceVersion=1`, 5);
    expect(old.events).toEqual([
      {
        type: 'ERROR',
        object: expect.objectContaining({ kind: 'Status', code: 410, reason: 'Expired' }),
      },
    ]);
    await waitFor(() => server.openWatches === 0);
  });

  it('sends BOOKMARKs with the version a watch has caught up to, only when asked and only forward', async () => {
    const server = await start({ bookmarkIntervalMs: 30 });
    const first = await call(server, 'POST', '/api/v1/namespaces/argo/configmaps', cm('a'));
    const rv = first.body.metadata.resourceVersion as string;
    const url = `${server.url}/api/v1/namespaces/argo/configmaps?watch=1&resourceVersion=${rv}`;
    const withMarks = watchLines(`${url}&allowWatchBookmarks=true`, 1);
    const without = watchLines(`${url}&timeoutSeconds=1`, 1);
    await waitFor(() => server.openWatches === 2);
    // A change the watch does not see (another namespace) still moves its version on.
    const other = await call(server, 'POST', '/api/v1/namespaces/elsewhere/configmaps', cm('b'));
    const { events } = await withMarks;
    expect(events).toEqual([
      {
        type: 'BOOKMARK',
        object: {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { resourceVersion: other.body.metadata.resourceVersion },
        },
      },
    ]);
    expect((await without).events).toEqual([]);
  });

  it('expireWatches: compacts and ends every watch, so a client resuming from its version gets 410', async () => {
    const server = await start();
    const first = await call(server, 'POST', '/api/v1/namespaces/argo/configmaps', cm('a'));
    const rv = first.body.metadata.resourceVersion as string;
    const open = watchLines(
      `${server.url}/api/v1/namespaces/argo/configmaps?watch=1&resourceVersion=${rv}`,
      1,
    );
    await waitFor(() => server.openWatches === 1);
    await server.expireWatches();
    expect((await open).events).toEqual([]);
    const resumed = await watchLines(
      `${server.url}/api/v1/namespaces/argo/configmaps?watch=1&resourceVersion=${rv}`,
      1,
    );
    expect(resumed.events).toEqual([
      { type: 'ERROR', object: expect.objectContaining({ kind: 'Status', code: 410, reason: 'Expired' }) },
    ]);
    // A list is served as always, at a version a watch can resume from.
    const list = await call(server, 'GET', '/api/v1/configmaps');
    expect(list.body.items.map((i: any) => i.metadata.name)).toEqual(['a', 'compaction']);
  });

  it('ends watches after timeoutSeconds, as the API server does', async () => {
    const server = await start();
    const started = Date.now();
    const { events } = await watchLines(`${server.url}/api/v1/pods?watch=true&timeoutSeconds=1`, 1);
    expect(events).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });
});
