// pods/exec and pods/log proxied to the kubelet a node Lease names
// (src/server/kube-api/kubelet-proxy.ts), with plain HTTP servers standing in for kubelets'
// endpoints: the pod's node picks the kubelet, a pod not yet bound goes to the only live one, and
// an expired Lease, a kubelet that is gone or one that refuses the command each end the exec with
// a message that says which; a log is the kubelet's containerLogs, with pods/log's query.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Pod } from '../../../src/model/pod.js';
import {
  ANNOTATION_KUBELET_ENDPOINT,
  execThroughKubelet,
  logsThroughKubelet,
  NODE_LEASE_NAMESPACE,
} from '../../../src/server/kube-api/kubelet-proxy.js';
import { HttpError } from '../../../src/server/kube-api/wire.js';
import { microTime, type Lease } from '../../../src/store/lease.js';
import { MemoryStore } from '../../helpers/memory-store.js';

const open: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of open.splice(0).reverse()) await close();
});

/** A kubelet's exec endpoint that answers with `answer` and records what it was asked. */
async function kubelet(answer: (url: URL) => [number, unknown]): Promise<{ url: string; asked: URL[] }> {
  const asked: URL[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://kubelet');
    asked.push(url);
    const [status, body] = answer(url);
    res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  open.push(() => new Promise((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, asked };
}

async function register(store: MemoryStore, node: string, endpoint: string, renewedAgoMs = 0) {
  await store.create<Lease>('Lease', {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name: node,
      namespace: NODE_LEASE_NAMESPACE,
      annotations: { [ANNOTATION_KUBELET_ENDPOINT]: endpoint },
    },
    spec: {
      holderIdentity: node,
      leaseDurationSeconds: 40,
      renewTime: microTime(new Date(Date.now() - renewedAgoMs)),
    },
  });
}

async function withPod(nodeName?: string): Promise<MemoryStore> {
  const store = new MemoryStore();
  open.push(() => store.close());
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'ns' },
    spec: { containers: [{ name: 'main', image: 'busybox' }], ...(nodeName ? { nodeName } : {}) },
  };
  await store.create('Pod', pod);
  return store;
}

const KILL = ['/bin/sh', '-c', 'kill -15 1'];

describe('pods/exec proxied to the kubelet of the pod', () => {
  it("goes to the kubelet of the pod's node, with the kubelet's path and the command as query", async () => {
    const store = await withPod('node-b');
    const a = await kubelet(() => [200, { exitCode: 0 }]);
    const b = await kubelet(() => [200, { exitCode: 0, stdout: 'from b\n' }]);
    await register(store, 'node-a', a.url);
    await register(store, 'node-b', b.url);
    expect(await execThroughKubelet(store)('ns', 'p', 'main', KILL)).toEqual({
      exitCode: 0,
      stdout: 'from b\n',
      stderr: undefined,
    });
    expect(a.asked).toEqual([]);
    expect(b.asked.map((u) => [u.pathname, u.searchParams.getAll('command')])).toEqual([
      ['/exec/ns/p/main', KILL],
    ]);
  });

  it('a pod not yet bound to a node goes to the only live kubelet; an expired Lease is no kubelet', async () => {
    const store = await withPod();
    const live = await kubelet(() => [200, { exitCode: 0 }]);
    const dead = await kubelet(() => [200, { exitCode: 0 }]);
    await register(store, 'node-a', live.url);
    await register(store, 'node-old', dead.url, 60_000);
    await execThroughKubelet(store)('ns', 'p', 'main', KILL);
    expect(live.asked).toHaveLength(1);
    expect(dead.asked).toEqual([]);
    await store.delete('Lease', NODE_LEASE_NAMESPACE, 'node-a');
    await expect(execThroughKubelet(store)('ns', 'p', 'main', KILL)).rejects.toThrow(
      'no live kubelet is registered for pod ns/p (Leases in kube-node-lease)',
    );
  });

  it('a kubelet that is gone, or that refuses the command, says so', async () => {
    const store = await withPod('node-a');
    const refusing = await kubelet(() => [
      500,
      { message: 'container not found or not running (ns/p/main)' },
    ]);
    await register(store, 'node-a', refusing.url);
    await expect(execThroughKubelet(store)('ns', 'p', 'main', KILL)).rejects.toThrow(
      'container not found or not running (ns/p/main)',
    );
    // A port nothing listens on any more: the kubelet died and its Lease has not expired yet.
    const gone = await kubelet(() => [200, {}]);
    await open.pop()!();
    await store.delete('Lease', NODE_LEASE_NAMESPACE, 'node-a');
    await register(store, 'node-a', gone.url);
    await expect(execThroughKubelet(store)('ns', 'p', 'main', KILL)).rejects.toThrow(
      `the kubelet at ${gone.url} is unreachable`,
    );
  });

  it("pods/log is the kubelet's containerLogs of the container, with the caller's query", async () => {
    const store = await withPod('node-a');
    const k = await kubelet(() => [200, 'line one\nline two\n']);
    await register(store, 'node-a', k.url);
    const logs = logsThroughKubelet(store);
    const body = await logs(
      'ns',
      'p',
      'main',
      { tailLines: '2', timestamps: 'true' },
      new AbortController().signal,
    );
    let got = '';
    for await (const chunk of body as AsyncIterable<string>) got += chunk;
    // The stand-in answers JSON-encoded text: what it sent is what the caller reads.
    expect(got).toBe(JSON.stringify('line one\nline two\n'));
    expect(k.asked.map((u) => [u.pathname, Object.fromEntries(u.searchParams)])).toEqual([
      ['/containerLogs/ns/p/main', { tailLines: '2', timestamps: 'true' }],
    ]);
    await store.delete('Lease', NODE_LEASE_NAMESPACE, 'node-a');
    const refused = logs('ns', 'p', 'main', {}, new AbortController().signal);
    await expect(refused).rejects.toBeInstanceOf(HttpError);
    await expect(refused).rejects.toMatchObject({
      code: 500,
      message: expect.stringContaining('no live kubelet'),
    });
  });
});
