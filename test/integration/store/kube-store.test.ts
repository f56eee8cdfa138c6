// KubeStore with the real @kubernetes/client-node against the in-repo fake API server.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/model/meta.js';
import { openKubeStore, type KubeStore } from '../../../src/store/kube/index.js';
import { InvalidError, NotFoundError, StoreError } from '../../../src/store/types.js';
import {
  startFakeApiServer,
  type FakeApiServer,
  type FakeApiServerOptions,
} from '../../helpers/fake-apiserver.js';
import { collect, openTempStore, tempDir, waitFor, wf } from './helpers.js';
import { describeStoreContract, rejection } from './store-contract.js';

const TOKEN = 'fake-token-0123';
const open: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const close of open.splice(0).reverse()) await close();
});

async function fakeServer(opts: FakeApiServerOptions = {}): Promise<FakeApiServer> {
  const server = await startFakeApiServer({ token: TOKEN, ...opts });
  open.push(() => server.close());
  return server;
}

async function kubeStore(
  server: FakeApiServer,
  kubeconfig: { token?: string; namespace?: string } = {},
): Promise<KubeStore> {
  const { store } = await openKubeStore({ kubeconfig: server.writeKubeconfig(tempDir(), kubeconfig) });
  open.push(() => store.close());
  return store;
}

async function connected(
  opts: FakeApiServerOptions = {},
): Promise<{ server: FakeApiServer; store: KubeStore }> {
  const server = await fakeServer(opts);
  return { server, store: await kubeStore(server, { namespace: 'argo' }) };
}

describeStoreContract('SqliteStore', async () => openTempStore());
describeStoreContract('KubeStore', async () => (await connected()).store);

type Pod = KubeObject & {
  spec?: { containers?: { name: string; image: string }[] };
  status?: { phase?: string };
};

describe('KubeStore over the Kubernetes REST API', () => {
  it('opens the kubeconfig context: its server, token and namespace', async () => {
    const server = await fakeServer();
    const { store, namespace, source } = await openKubeStore({
      kubeconfig: server.writeKubeconfig(tempDir(), { namespace: 'team-a' }),
    });
    open.push(() => store.close());
    expect(namespace).toBe('team-a');
    expect(store.namespace).toBe('team-a');
    expect(store.server).toBe(server.url);
    expect(source).toMatch(/kubeconfig$/);
  });

  it('does CRUD on Workflows and WorkflowTaskResults at the argoproj.io paths', async () => {
    const { server, store } = await connected();
    const created = await store.create('Workflow', wf('hello', { spec: { entrypoint: 'main' } }));
    expect(await store.get('Workflow', 'argo', 'hello')).toEqual(created);
    const result = await store.create('WorkflowTaskResult', {
      metadata: {
        name: 'hello-1234',
        namespace: 'argo',
        labels: { 'workflows.argoproj.io/workflow': 'hello' },
      },
      outputs: { parameters: [{ name: 'p', value: '1' }] },
    } as KubeObject);
    expect(result).toMatchObject({ apiVersion: 'argoproj.io/v1alpha1', kind: 'WorkflowTaskResult' });
    const patched = await store.patch('WorkflowTaskResult', 'argo', 'hello-1234', {
      metadata: { labels: { 'workflows.argoproj.io/report-outputs-completed': 'true' } },
    });
    expect(patched.metadata.labels).toEqual({
      'workflows.argoproj.io/workflow': 'hello',
      'workflows.argoproj.io/report-outputs-completed': 'true',
    });
    const listed = await store.list('WorkflowTaskResult', {
      namespace: 'argo',
      labelSelector: 'workflows.argoproj.io/workflow=hello',
    });
    expect(listed.items).toEqual([patched]);
    await store.delete('WorkflowTaskResult', 'argo', 'hello-1234');
    expect(await store.get('WorkflowTaskResult', 'argo', 'hello-1234')).toBeUndefined();

    const calls = server.requests.map((r) => `${r.method} ${r.path}`);
    expect(calls).toEqual([
      'POST /apis/argoproj.io/v1alpha1/namespaces/argo/workflows',
      'GET /apis/argoproj.io/v1alpha1/namespaces/argo/workflows/hello',
      'POST /apis/argoproj.io/v1alpha1/namespaces/argo/workflowtaskresults',
      'PATCH /apis/argoproj.io/v1alpha1/namespaces/argo/workflowtaskresults/hello-1234',
      'GET /apis/argoproj.io/v1alpha1/namespaces/argo/workflowtaskresults',
      'DELETE /apis/argoproj.io/v1alpha1/namespaces/argo/workflowtaskresults/hello-1234',
      'GET /apis/argoproj.io/v1alpha1/namespaces/argo/workflowtaskresults/hello-1234',
    ]);
    expect(server.requests[3].contentType).toBe('application/merge-patch+json');
    expect(server.requests[4].query).toEqual({ labelSelector: 'workflows.argoproj.io/workflow=hello' });
  });

  it('does CRUD on core Pods and Secrets under /api/v1 and Leases under coordination.k8s.io', async () => {
    const { server, store } = await connected();
    const pod = await store.create<Pod>('Pod', {
      metadata: { name: 'p', namespace: 'argo' },
      spec: { containers: [{ name: 'main', image: 'busybox' }] },
    });
    expect(pod).toMatchObject({ apiVersion: 'v1', kind: 'Pod' });
    // Timestamps stay the API's strings (client-node's typed models would make them Dates).
    expect(typeof pod.metadata.creationTimestamp).toBe('string');
    const running = await store.patch<Pod>('Pod', 'argo', 'p', { status: { phase: 'Running' } });
    expect(running.status).toEqual({ phase: 'Running' });
    expect(running.spec).toEqual(pod.spec);
    const replaced = await store.update<Pod>('Pod', { ...running, status: { phase: 'Succeeded' } });
    expect(replaced.status?.phase).toBe('Succeeded');
    await store.delete('Pod', 'argo', 'p');
    expect(await store.get('Pod', 'argo', 'p')).toBeUndefined();

    await store.create('Secret', {
      metadata: { name: 'creds', namespace: 'argo' },
      data: { accessKey: Buffer.from('AKIA').toString('base64') },
    } as KubeObject);
    const secret = await store.get<KubeObject & { data: Record<string, string> }>('Secret', 'argo', 'creds');
    expect(Buffer.from(secret!.data.accessKey, 'base64').toString()).toBe('AKIA');

    await store.create('Lease', {
      metadata: { name: 'controller', namespace: 'argo' },
      spec: { holderIdentity: 'x' },
    } as KubeObject);
    expect(await store.get('Lease', 'argo', 'controller')).toMatchObject({
      apiVersion: 'coordination.k8s.io/v1',
      spec: { holderIdentity: 'x' },
    });
    await store.create('ClusterWorkflowTemplate', { metadata: { name: 'shared' } });

    const paths = new Set(server.requests.map((r) => `${r.method} ${r.path}`));
    for (const p of [
      'POST /api/v1/namespaces/argo/pods',
      'PATCH /api/v1/namespaces/argo/pods/p',
      'PUT /api/v1/namespaces/argo/pods/p',
      'DELETE /api/v1/namespaces/argo/pods/p',
      'GET /api/v1/namespaces/argo/secrets/creds',
      'POST /apis/coordination.k8s.io/v1/namespaces/argo/leases',
      'POST /apis/argoproj.io/v1alpha1/clusterworkflowtemplates',
    ])
      expect(paths).toContain(p);
  });

  it('lists all namespaces at the bare collection path and fills in what list items leave out', async () => {
    const { server, store } = await connected();
    await store.create('Pod', { metadata: { name: 'a', namespace: 'one', labels: { app: 'x' } } });
    await store.create('Pod', { metadata: { name: 'b', namespace: 'two', labels: { app: 'x' } } });
    await store.create('Pod', { metadata: { name: 'c', namespace: 'two', labels: { app: 'y' } } });
    // The wire format: type meta on the list only.
    const raw = (await (
      await fetch(`${server.url}/api/v1/pods`, { headers: { Authorization: `Bearer ${TOKEN}` } })
    ).json()) as { kind: string; items: KubeObject[] };
    expect(raw.kind).toBe('PodList');
    expect(raw.items[0].kind).toBeUndefined();

    const all = await store.list('Pod', { labelSelector: 'app=x' });
    expect(
      all.items.map((p) => `${p.kind} ${p.apiVersion} ${p.metadata.namespace}/${p.metadata.name}`),
    ).toEqual(['Pod v1 one/a', 'Pod v1 two/b']);
    expect(server.requests.at(-1)).toMatchObject({ method: 'GET', path: '/api/v1/pods' });
    const page = await store.list('Pod', { namespace: 'two', limit: 1 });
    expect(page.items.map((p) => p.metadata.name)).toEqual(['b']);
    const next = await store.list('Pod', { namespace: 'two', limit: 1, continue: page.continue });
    expect(next.items.map((p) => p.metadata.name)).toEqual(['c']);
    expect(next.continue).toBeUndefined();
  });

  it('keeps the API server message in errors and names a resource the server does not serve', async () => {
    const { server, store } = await connected();
    const missing = await rejection(
      store.patch('Pod', 'argo', 'ghost', { metadata: { labels: { a: 'b' } } }),
    );
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing.message).toBe('pods "ghost" not found');
    const invalid = await rejection(
      store.create('ConfigMap', { metadata: { name: 'UPPER', namespace: 'argo' } }),
    );
    expect(invalid).toBeInstanceOf(InvalidError);
    expect(invalid.message).toMatch(/^ConfigMap "UPPER" is invalid: metadata.name: Invalid value: "UPPER"/);
    // A server that does not know the resource at all (no Argo CRDs): not "no such object".
    const { store: lost } = await openKubeStore({ server: `${server.url}/not-kubernetes`, token: TOKEN });
    open.push(() => lost.close());
    const err = await rejection(lost.get('Workflow', 'argo', 'w'));
    expect(err).not.toBeInstanceOf(NotFoundError);
    expect(err.code).toBe(404);
    expect(err.message).toMatch(
      /does not serve workflows\.argoproj\.io\/v1alpha1 \(are the Argo Workflows CRDs installed\?\)/,
    );
  });

  it('answers a wrong token with a clear 401 for requests and watches', async () => {
    const server = await fakeServer();
    const store = await kubeStore(server, { token: 'wrong' });
    const err = await rejection(store.get('Workflow', 'argo', 'w'));
    expect(err).toBeInstanceOf(StoreError);
    expect(err.code).toBe(401);
    expect(err.message).toContain(
      `Unauthorized: the Kubernetes API at ${server.url} did not accept the credentials`,
    );
    const w = collect(store, 'Workflow', { resourceVersion: '1' });
    await waitFor(() => w.errors.length > 0, 5000, 'the watch error');
    expect((w.errors[0] as StoreError).code).toBe(401);
    expect(w.events).toEqual([]);
  });

  it('reports a server that is not there as unreachable', async () => {
    const server = await fakeServer();
    const url = server.url;
    await server.close();
    const { store } = await openKubeStore({ server: url });
    open.push(() => store.close());
    const err = await rejection(store.list('Pod'));
    expect(err).toBeInstanceOf(StoreError);
    expect(err.code).toBe(503);
    expect(err.message).toContain(`cannot reach the Kubernetes API at ${url}`);
  });

  it('watches with resourceVersion and selectors on the wire, and closes the stream on stop()', async () => {
    const { server, store } = await connected();
    const first = await store.create<KubeObject>('Pod', {
      metadata: { name: 'a', namespace: 'argo', labels: { app: 'x' } },
    });
    const w = collect(store, 'Pod', {
      namespace: 'argo',
      labelSelector: 'app=x',
      resourceVersion: first.metadata.resourceVersion,
    });
    await waitFor(() => server.openWatches === 1, 5000, 'the watch to connect');
    const call = server.requests.find((r) => r.query.watch);
    expect(call).toMatchObject({
      method: 'GET',
      path: '/api/v1/namespaces/argo/pods',
      query: { watch: 'true', resourceVersion: first.metadata.resourceVersion, labelSelector: 'app=x' },
    });
    await store.create('Pod', { metadata: { name: 'b', namespace: 'argo', labels: { app: 'x' } } });
    await store.create('Pod', { metadata: { name: 'c', namespace: 'argo', labels: { app: 'y' } } });
    await store.patch('Pod', 'argo', 'a', { metadata: { labels: { app: 'y' } } });
    await w.until(2);
    // Leaving the selection reads as DELETED, as Kubernetes sends it.
    expect(w.summary()).toEqual(['ADDED b', 'DELETED a']);
    w.stop();
    await waitFor(() => server.openWatches === 0, 5000, 'the stream to close');
  });

  it('sends 410 Expired to onError when the version is too old', async () => {
    const { store } = await connected({ changeLogRetention: 3 });
    for (let i = 0; i < 10; i++) await store.create('ConfigMap', wf(`cm-${i}`));
    const w = collect(store, 'ConfigMap', { namespace: 'argo', resourceVersion: '2' });
    await waitFor(() => w.errors.length > 0, 5000, 'the 410');
    const err = w.errors[0] as StoreError;
    expect(err).toBeInstanceOf(StoreError);
    expect(err.code).toBe(410);
    expect(err.reason).toBe('Expired');
    expect(err.message).toMatch(/too old resource version/);
    expect(w.events).toEqual([]);
    expect(w.errors).toHaveLength(1);
  });

  it('reopens a watch the server ends, from the last version, without gaps or repeats', async () => {
    const { server, store } = await connected({ watchTimeoutMs: 150 });
    const w = collect(store, 'ConfigMap', { namespace: 'argo' });
    const names: string[] = [];
    for (let i = 0; i < 6; i++) {
      names.push(`cm-${i}`);
      await store.create('ConfigMap', wf(`cm-${i}`));
      await new Promise((r) => setTimeout(r, 120));
    }
    await w.until(6, 10_000);
    await new Promise((r) => setTimeout(r, 200));
    expect(w.summary()).toEqual(names.map((n) => `ADDED ${n}`));
    expect(w.errors).toEqual([]);
    const watchCalls = server.requests.filter((r) => r.query.watch);
    expect(watchCalls.length).toBeGreaterThan(1);
    const versions = watchCalls.map((r) => Number(r.query.resourceVersion));
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
  });

  it('refuses calls after close() and ends its watches', async () => {
    const { server, store } = await connected();
    collect(store, 'Workflow', { namespace: 'argo' });
    await waitFor(() => server.openWatches === 1, 5000, 'the watch to connect');
    await store.close();
    await waitFor(() => server.openWatches === 0, 5000, 'the stream to close');
    expect(await rejection(store.get('Workflow', 'argo', 'w'))).toBeInstanceOf(StoreError);
  });
});

describe('loading the kube store lazily', () => {
  it('is imported statically by nothing outside src/store/kube', () => {
    const src = path.resolve(import.meta.dirname, '../../../src');
    const kubeDir = path.join(src, 'store', 'kube');
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((n) => {
        const f = path.join(dir, n);
        return statSync(f).isDirectory() ? files(f) : n.endsWith('.ts') ? [f] : [];
      });
    // The URL table loads no client library; the kube-api endpoint routes with it.
    const light = new Set([path.join(kubeDir, 'resources.js')]);
    const wrong: string[] = [];
    for (const file of files(src)) {
      if (file.startsWith(kubeDir + path.sep)) continue;
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/^\s*(import|export)\s+(?!type\b)[^;]*?from\s+'([^']+)'/gm)) {
        const target = path.resolve(path.dirname(file), m[2]);
        if (light.has(target)) continue;
        if (m[2].startsWith('.') && (target === kubeDir || target.startsWith(kubeDir + path.sep)))
          wrong.push(`${path.relative(src, file)} imports ${m[2]}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
