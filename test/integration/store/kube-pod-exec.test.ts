// The pods/exec subresource end to end: client-node's Exec (execInContainer) upgrading to the
// channel protocol on the fake API server, which runs the command through a callback as a
// kubelet would; outcome, output, refusals and RBAC as the API server gives them.
import { afterEach, describe, expect, it } from 'vitest';
import type { Pod } from '../../../src/model/pod.js';
import type { PodExecHandler } from '../../../src/server/kube-api/exec.js';
import { HttpError } from '../../../src/server/kube-api/server.js';
import { execInContainer, openKubeStore, type KubeStore } from '../../../src/store/kube/index.js';
import { startFakeApiServer, type FakeApiServer, type FakeUser } from '../../helpers/fake-apiserver.js';
import { tempDir } from './helpers.js';

const open: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of open.splice(0).reverse()) await close();
});

const ADMIN: FakeUser = { name: 'admin', rules: [{ verbs: ['*'], resources: ['*'] }] };
const READER: FakeUser = {
  name: 'reader',
  rules: [{ verbs: ['get', 'list'], resources: ['pods', 'pods/exec'] }],
};

async function connected(
  podExec: PodExecHandler,
  token = 'admin',
): Promise<{ server: FakeApiServer; store: KubeStore }> {
  const server = await startFakeApiServer({ users: { admin: ADMIN, reader: READER }, podExec });
  open.push(() => server.close());
  const { store } = await openKubeStore({ kubeconfig: server.writeKubeconfig(tempDir(), { token }) });
  open.push(() => store.close());
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'ns' },
    spec: {
      containers: [
        { name: 'main', image: 'busybox' },
        { name: 'proxy', image: 'mesh' },
      ],
    },
  };
  await server.store.create('Pod', pod);
  return { server, store };
}

describe('execInContainer over pods/exec', () => {
  it('runs the command in the named container and resolves with its output once it exits 0', async () => {
    const ran: string[] = [];
    const { server, store } = await connected(async (ns, pod, container, command) => {
      ran.push(`${ns}/${pod}/${container}: ${JSON.stringify(command)}`);
      return { exitCode: 0, stdout: 'killing 1 with terminated\n', stderr: 'a warning\n' };
    });
    const out = await execInContainer(store.kubeConfig, 'ns', 'p', 'proxy', ['/bin/sh', '-c', 'kill -15 1']);
    expect(out).toEqual({ stdout: 'killing 1 with terminated\n', stderr: 'a warning\n' });
    expect(ran).toEqual(['ns/p/proxy: ["/bin/sh","-c","kill -15 1"]']);
    const req = server.requests.find((r) => r.path === '/api/v1/namespaces/ns/pods/p/exec');
    expect(req?.query).toMatchObject({ container: 'proxy', stdout: 'true', stderr: 'true' });
  });

  it("a non-zero exit rejects with the API server's NonZeroExitCode message", async () => {
    const { store } = await connected(async () => ({ exitCode: 3 }));
    await expect(
      execInContainer(store.kubeConfig, 'ns', 'p', 'main', ['sh', '-c', 'exit 3']),
    ).rejects.toThrow(
      'command terminated with non-zero exit code: error executing command [sh -c exit 3], exit code 3',
    );
  });

  it('a container the pod does not have, or a pod that does not exist, is refused before the upgrade', async () => {
    let called = false;
    const { store } = await connected(async () => {
      called = true;
      return { exitCode: 0 };
    });
    await expect(execInContainer(store.kubeConfig, 'ns', 'p', 'nope', ['true'])).rejects.toThrow(/400/);
    await expect(execInContainer(store.kubeConfig, 'ns', 'gone', 'main', ['true'])).rejects.toThrow(/404/);
    expect(called).toBe(false);
  });

  it('a handler that fails (the container is not running) ends the exec as a command that could not run', async () => {
    const { store } = await connected(async () => {
      throw new HttpError(400, 'BadRequest', 'container not running');
    });
    await expect(execInContainer(store.kubeConfig, 'ns', 'p', 'main', ['true'])).rejects.toThrow(
      /exit code 126/,
    );
  });

  it('RBAC: exec needs create on pods/exec (get is not enough): 403', async () => {
    let called = false;
    const { store } = await connected(async () => {
      called = true;
      return { exitCode: 0 };
    }, 'reader');
    await expect(execInContainer(store.kubeConfig, 'ns', 'p', 'main', ['true'])).rejects.toThrow(/403/);
    expect(called).toBe(false);
  });
});
