// What the kube backend does differently from the local one: logs from the pods/log API (times
// kept for ordering, containers that have not started yet waited for), no local artifacts.
import { afterEach, describe, expect, it } from 'vitest';
import { KubeHost } from '../../../src/client/kube/host.js';
import type { LogLine } from '../../../src/client/store/host.js';
import type { Pod } from '../../../src/model/pod.js';
import type { Workflow } from '../../../src/model/workflow.js';
import { openKubeStore, readPodLog } from '../../../src/store/kube/index.js';
import { startFakeApiServer, type FakeApiServer, type PodLogSource } from '../../helpers/fake-apiserver.js';
import { HttpError } from '../../../src/server/kube-api/server.js';
import { tempDir } from '../store/helpers.js';

const open: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of open.splice(0).reverse()) await close();
});

const pod: Pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'ns' },
  spec: { containers: [{ name: 'main', image: 'busybox' }] },
  status: { phase: 'Pending' },
};

async function kubeHost(podLog: PodLogSource): Promise<{ server: FakeApiServer; host: KubeHost }> {
  const server = await startFakeApiServer({ podLog });
  open.push(() => server.close());
  const { store } = await openKubeStore({ kubeconfig: server.writeKubeconfig(tempDir()) });
  open.push(() => store.close());
  await server.store.create('Pod', structuredClone(pod));
  return { server, host: new KubeHost(store, readPodLog) };
}

async function all(it: AsyncIterable<LogLine>): Promise<LogLine[]> {
  const out: LogLine[] = [];
  for await (const line of it) out.push(line);
  return out;
}

const logText = ['2024-05-01T10:00:00.5Z hello', '2024-05-01T10:00:01.123456789Z world', ''].join('\n');

describe('KubeHost.podLogs', () => {
  it('asks for timestamps, keeps them as fixed-width times, and shows them only when asked', async () => {
    const { server, host } = await kubeHost(() => logText);
    expect(await all(host.podLogs('ns', 'p', 'main', {}))).toEqual([
      { time: '2024-05-01T10:00:00.500000000Z', content: 'hello' },
      { time: '2024-05-01T10:00:01.123456789Z', content: 'world' },
    ]);
    expect(server.requests.at(-1)?.query).toEqual({ container: 'main', timestamps: 'true' });
    const shown = await all(host.podLogs('ns', 'p', 'main', { timestamps: true, grep: 'wor' }));
    expect(shown.map((l) => l.content)).toEqual(['2024-05-01T10:00:01.123456789Z world']);
  });

  it('without --follow, a container that has not started has no log yet: no lines, no error', async () => {
    const { server, host } = await kubeHost(() => {
      throw new HttpError(
        400,
        'BadRequest',
        'container "main" in pod "p" is waiting to start: ContainerCreating',
      );
    });
    expect(await all(host.podLogs('ns', 'p', 'main', {}))).toEqual([]);
    expect(await all(host.podLogs('ns', 'gone', 'main', {}))).toEqual([]);
    expect(server.requests.filter((r) => r.path.endsWith('/log'))).toHaveLength(2);
  });

  it('with --follow, waits for the container to start and then streams its log', async () => {
    let running = false;
    const { server, host } = await kubeHost(() => {
      if (!running)
        throw new HttpError(
          400,
          'BadRequest',
          'container "main" in pod "p" is waiting to start: PodInitializing',
        );
      return logText;
    });
    setTimeout(() => {
      running = true;
      void server.store.patch('Pod', 'ns', 'p', {
        status: { phase: 'Running', containerStatuses: [{ name: 'main', state: { running: {} } }] },
      });
    }, 1500);
    const lines = await all(host.podLogs('ns', 'p', 'main', { follow: true }));
    expect(lines.map((l) => l.content)).toEqual(['hello', 'world']);
    const calls = server.requests.filter((r) => r.path.endsWith('/log'));
    expect(calls.length).toBeGreaterThan(1);
    expect(calls.at(-1)?.query).toMatchObject({ follow: 'true' });
  });

  it('a refusal for a container that ran is an error, not an empty log', async () => {
    const { server, host } = await kubeHost(() => {
      throw new HttpError(400, 'BadRequest', 'at most one of sinceTime or sinceSeconds may be specified');
    });
    await server.store.patch('Pod', 'ns', 'p', {
      status: {
        phase: 'Succeeded',
        containerStatuses: [{ name: 'main', state: { terminated: { exitCode: 0 } } }],
      },
    });
    await expect(all(host.podLogs('ns', 'p', 'main', { follow: true }))).rejects.toThrow(
      'at most one of sinceTime or sinceSeconds may be specified',
    );
  });

  it('a bad --grep fails before any request, as on the local backend', async () => {
    const { server, host } = await kubeHost(() => logText);
    await expect(all(host.podLogs('ns', 'p', 'main', { grep: '(' }))).rejects.toThrow(
      /^failed to compile "\("/,
    );
    expect(server.requests.filter((r) => r.path.endsWith('/log'))).toHaveLength(0);
  });
});

describe('KubeHost artifacts and pods', () => {
  it('refuses artifacts of the embedded repository, naming the way that works', async () => {
    const { host } = await kubeHost(() => '');
    const workflow = {
      metadata: { name: 'wf', namespace: 'ns' },
      spec: { templates: [{ name: 'main' }] },
      status: {
        nodes: {
          n1: {
            id: 'n1',
            templateName: 'main',
            outputs: { artifacts: [{ name: 'out', s3: { key: 'wf/n1/out.tgz' } }] },
          },
        },
      },
    } as unknown as Workflow;
    await expect(
      host.openArtifact({ workflow, nodeId: 'n1', artifactName: 'out', direction: 'outputs' }),
    ).rejects.toThrow(/the Kubernetes API does not serve; read it through the Argo Server \(--argo-server/);
    expect(
      await host.openArtifact({ workflow, nodeId: 'n1', artifactName: 'nope', direction: 'outputs' }),
    ).toBeUndefined();
  });

  it('deletes a pod a retry replaces, and one already gone is no error', async () => {
    const { server, host } = await kubeHost(() => '');
    await host.deletePod('ns', 'p');
    expect(await server.store.get('Pod', 'ns', 'p')).toBeUndefined();
    await host.deletePod('ns', 'p');
  });
});
