// The pods/log subresource through readPodLog (client-node's credentials, our own streaming),
// against the fake API server serving logs from a callback.
import { afterEach, describe, expect, it } from 'vitest';
import type { Pod } from '../../../src/model/pod.js';
import { openKubeStore, readPodLog, type KubeStore } from '../../../src/store/kube/index.js';
import { InvalidError, NotFoundError, StoreError } from '../../../src/store/types.js';
import { startFakeApiServer, type FakeApiServer, type PodLogSource } from '../../helpers/fake-apiserver.js';
import { HttpError } from '../../../src/server/kube-api/server.js';
import { tempDir } from './helpers.js';

const open: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of open.splice(0).reverse()) await close();
});

const TOKEN = 'log-token';

async function connected(podLog: PodLogSource): Promise<{ server: FakeApiServer; store: KubeStore }> {
  const server = await startFakeApiServer({ token: TOKEN, podLog });
  open.push(() => server.close());
  const { store } = await openKubeStore({ kubeconfig: server.writeKubeconfig(tempDir()) });
  open.push(() => store.close());
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'ns' },
    spec: {
      containers: [
        { name: 'main', image: 'busybox' },
        { name: 'wait', image: 'argoexec' },
      ],
    },
  };
  await server.store.create('Pod', pod);
  return { server, store };
}

async function all(it: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const line of it) out.push(line);
  return out;
}

describe('readPodLog', () => {
  it('reads the lines of a container, passing the PodLogOptions as the query', async () => {
    const { server, store } = await connected(() => 'one\ntwo\nno newline at the end');
    const lines = await all(
      readPodLog(store, 'ns', 'p', {
        container: 'main',
        tailLines: 0,
        sinceSeconds: 30,
        timestamps: true,
        previous: true,
      }),
    );
    expect(lines).toEqual(['one', 'two', 'no newline at the end']);
    const call = server.requests.find((r) => r.path.endsWith('/log'));
    expect(call?.path).toBe('/api/v1/namespaces/ns/pods/p/log');
    // tailLines=0 is a real value (no lines); it must not be dropped as client-node's Log drops it.
    expect(call?.query).toEqual({
      container: 'main',
      tailLines: '0',
      sinceSeconds: '30',
      timestamps: 'true',
      previous: 'true',
    });
  });

  it('streams a followed log as it is written, and stops quietly when aborted', async () => {
    let push: ((s: string) => void) | undefined;
    const { store } = await connected(async function* (_ns, _pod, _c, q, signal) {
      expect(q.follow).toBe('true');
      yield 'first\n';
      // The rest arrives later, in pieces that split a line.
      const chunks: string[] = [];
      let wake: (() => void) | undefined;
      push = (s) => {
        chunks.push(s);
        wake?.();
      };
      while (!signal.aborted) {
        while (chunks.length) yield chunks.shift()!;
        await new Promise<void>((r) => {
          wake = r;
          signal.addEventListener('abort', () => r(), { once: true });
        });
      }
    });
    const abort = new AbortController();
    const seen: string[] = [];
    const reading = (async () => {
      for await (const line of readPodLog(store, 'ns', 'p', {
        container: 'main',
        follow: true,
        signal: abort.signal,
      })) {
        seen.push(line);
        if (line === 'first') push!('sec');
        if (line === 'first') setTimeout(() => push!('ond\nthird\n'), 50);
        if (line === 'third') abort.abort();
      }
    })();
    await reading;
    expect(seen).toEqual(['first', 'second', 'third']);
  });

  it('a pod that does not exist is a NotFoundError with the API server message', async () => {
    const { store } = await connected(() => '');
    const err = await all(readPodLog(store, 'ns', 'missing', { container: 'main' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as Error).message).toBe('pods "missing" not found');
  });

  it('a refusal (a container not started, no container named) is an InvalidError with its message', async () => {
    const { store } = await connected(() => {
      throw new HttpError(
        400,
        'BadRequest',
        'container "main" in pod "p" is waiting to start: ContainerCreating',
      );
    });
    const waiting = await all(readPodLog(store, 'ns', 'p', { container: 'main' })).catch((e: unknown) => e);
    expect(waiting).toBeInstanceOf(InvalidError);
    expect((waiting as Error).message).toBe(
      'container "main" in pod "p" is waiting to start: ContainerCreating',
    );
    const unnamed = await all(readPodLog(store, 'ns', 'p')).catch((e: unknown) => e);
    expect((unnamed as Error).message).toBe(
      'a container name must be specified for pod p, choose one of: [main wait]',
    );
  });

  it('wrong credentials and an unreachable server are StoreErrors that say so', async () => {
    const { server } = await connected(() => 'x');
    const { store: wrong } = await openKubeStore({
      kubeconfig: server.writeKubeconfig(tempDir(), { token: 'not-it' }),
    });
    open.push(() => wrong.close());
    const denied = await all(readPodLog(wrong, 'ns', 'p', { container: 'main' })).catch((e: unknown) => e);
    expect((denied as StoreError).code).toBe(401);
    const { store: nowhere } = await openKubeStore({ server: 'http://127.0.0.1:9' });
    open.push(() => nowhere.close());
    const down = await all(readPodLog(nowhere, 'ns', 'p')).catch((e: unknown) => e);
    expect((down as StoreError).code).toBe(503);
    expect((down as Error).message).toMatch(/^cannot reach the Kubernetes API at http:\/\/127\.0\.0\.1:9: /);
  });
});
