// Finding the cluster as kubectl does, and the kubectl flags on top.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { HttpMethod, RequestContext } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { KubeConfigError, loadKubeConfig, openKubeStore } from '../../../src/store/kube/index.js';
import { startFakeApiServer, type FakeApiServer } from '../../helpers/fake-apiserver.js';
import { tempDir } from './helpers.js';

const servers: FakeApiServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

function kubeconfig(
  file: string,
  o: {
    current?: string;
    contexts?: [name: string, cluster: string, user: string, namespace?: string][];
    clusters?: [name: string, server: string, ca?: string][];
    users?: [name: string, token: string][];
  },
): string {
  mkdirSync(path.dirname(file), { recursive: true });
  const yaml = [
    'apiVersion: v1',
    'kind: Config',
    ...(o.current ? [`current-context: ${o.current}`] : []),
    'clusters:',
    ...(o.clusters ?? []).map(
      ([name, server, ca]) =>
        `- name: ${name}\n  cluster:\n    server: ${server}${ca ? `\n    certificate-authority: ${ca}` : ''}`,
    ),
    'users:',
    ...(o.users ?? []).map(([name, token]) => `- name: ${name}\n  user:\n    token: ${token}`),
    'contexts:',
    ...(o.contexts ?? []).map(
      ([name, cluster, user, ns]) =>
        `- name: ${name}\n  context:\n    cluster: ${cluster}\n    user: ${user}${ns ? `\n    namespace: ${ns}` : ''}`,
    ),
  ].join('\n');
  writeFileSync(file, `${yaml}\n`);
  return file;
}

const empty = { KUBECONFIG: '/dev/null' };

async function authorization(
  kc: ReturnType<typeof loadKubeConfig>['kubeConfig'],
): Promise<string | undefined> {
  const ctx = new RequestContext('https://example.invalid/api', HttpMethod.GET);
  await kc.applySecurityAuthentication(ctx);
  return ctx.getHeaders().Authorization;
}

describe('loadKubeConfig', () => {
  it('reads --kubeconfig: its current context, namespace, and paths relative to the file', async () => {
    const dir = tempDir();
    const file = kubeconfig(path.join(dir, 'conf', 'kc.yaml'), {
      current: 'dev',
      clusters: [['c1', 'https://dev.example:6443', 'certs/ca.crt']],
      users: [['u1', 'tok-dev']],
      contexts: [['dev', 'c1', 'u1', 'team-dev']],
    });
    mkdirSync(path.join(dir, 'conf', 'certs'));
    writeFileSync(path.join(dir, 'conf', 'certs', 'ca.crt'), 'not really a certificate');
    const loaded = loadKubeConfig({ kubeconfig: file, env: { KUBECONFIG: '/nowhere' } });
    expect(loaded.source).toBe(file);
    expect(loaded.namespace).toBe('team-dev');
    expect(loaded.kubeConfig.getCurrentCluster()?.server).toBe('https://dev.example:6443');
    expect(loaded.kubeConfig.getCurrentCluster()?.caFile).toBe(path.join(dir, 'conf', 'certs', 'ca.crt'));
    expect(await authorization(loaded.kubeConfig)).toBe('Bearer tok-dev');
    expect(loadKubeConfig({ kubeconfig: file, namespace: 'other' }).namespace).toBe('other');
  });

  it('merges a KUBECONFIG list the way kubectl does: the first file to name a thing wins', async () => {
    const dir = tempDir();
    const a = kubeconfig(path.join(dir, 'a'), {
      current: 'first',
      clusters: [['shared', 'https://a.example']],
      users: [['ua', 'tok-a']],
      contexts: [['first', 'shared', 'ua']],
    });
    const b = kubeconfig(path.join(dir, 'b'), {
      current: 'second',
      clusters: [
        ['shared', 'https://b.example'],
        ['only-b', 'https://only-b.example'],
      ],
      users: [['ub', 'tok-b']],
      contexts: [['second', 'only-b', 'ub', 'ns-b']],
    });
    const env = { KUBECONFIG: [a, path.join(dir, 'missing'), b].join(path.delimiter), HOME: dir };
    const first = loadKubeConfig({ env });
    expect(first.kubeConfig.getCurrentContext()).toBe('first');
    expect(first.kubeConfig.getCurrentCluster()?.server).toBe('https://a.example');
    expect(first.namespace).toBe('default');
    const second = loadKubeConfig({ env, context: 'second' });
    expect(second.kubeConfig.getCurrentCluster()?.server).toBe('https://only-b.example');
    expect(second.namespace).toBe('ns-b');
    expect(await authorization(second.kubeConfig)).toBe('Bearer tok-b');
  });

  it('falls back to ~/.kube/config', () => {
    const home = tempDir();
    kubeconfig(path.join(home, '.kube', 'config'), {
      current: 'home',
      clusters: [['c', 'https://home.example']],
      users: [['u', 't']],
      contexts: [['home', 'c', 'u']],
    });
    const loaded = loadKubeConfig({ env: { HOME: home } });
    expect(loaded.source).toBe(path.join(home, '.kube', 'config'));
    expect(loaded.kubeConfig.getCurrentCluster()?.server).toBe('https://home.example');
  });

  it('uses the service account inside a pod, re-reading its token file', async () => {
    const sa = tempDir();
    writeFileSync(path.join(sa, 'token'), 'sa-token-1');
    writeFileSync(path.join(sa, 'namespace'), 'argo\n');
    writeFileSync(path.join(sa, 'ca.crt'), 'not really a certificate');
    const env = { ...empty, KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' };
    const loaded = loadKubeConfig({ env, serviceAccountDir: sa });
    expect(loaded.source).toBe('in-cluster');
    expect(loaded.namespace).toBe('argo');
    expect(loaded.kubeConfig.getCurrentCluster()).toMatchObject({
      server: 'https://10.0.0.1:443',
      caFile: path.join(sa, 'ca.crt'),
    });
    expect(await authorization(loaded.kubeConfig)).toBe('Bearer sa-token-1');
    const v6 = loadKubeConfig({ env: { ...env, KUBERNETES_SERVICE_HOST: 'fd00::1' }, serviceAccountDir: sa });
    expect(v6.kubeConfig.getCurrentCluster()?.server).toBe('https://[fd00::1]:443');
  });

  it('says what is missing when there is nothing to connect to', () => {
    const home = tempDir();
    expect(() => loadKubeConfig({ env: { ...empty, HOME: home } })).toThrow(KubeConfigError);
    expect(() => loadKubeConfig({ env: { HOME: home } })).toThrow(
      /no Kubernetes configuration found: set KUBECONFIG, create ~\/.kube\/config, run in a pod with a service account, or pass --server/,
    );
    expect(() => loadKubeConfig({ kubeconfig: path.join(home, 'nope') })).toThrow(
      new RegExp(`cannot read kubeconfig "${path.join(home, 'nope')}"`),
    );
    const file = kubeconfig(path.join(home, 'kc'), {
      current: 'gone',
      clusters: [['c', 'https://x.example']],
      users: [['u', 't']],
      contexts: [
        ['a', 'c', 'u'],
        ['b', 'missing-cluster', 'u'],
      ],
    });
    expect(() => loadKubeConfig({ kubeconfig: file })).toThrow(
      `current-context "gone" does not exist in ${file} (contexts: a, b)`,
    );
    expect(() => loadKubeConfig({ kubeconfig: file, context: 'zz' })).toThrow(
      `context "zz" does not exist in ${file} (contexts: a, b)`,
    );
    expect(() => loadKubeConfig({ kubeconfig: file, context: 'b' })).toThrow(
      /context "b" uses cluster "missing-cluster", which is not in .* \(clusters: c\)/,
    );
  });

  it('applies --server, --token and --insecure-skip-tls-verify over the kubeconfig', async () => {
    const server = await startFakeApiServer({ token: 'right' });
    servers.push(server);
    const dir = tempDir();
    const file = kubeconfig(path.join(dir, 'kc'), {
      current: 'x',
      clusters: [['c', 'https://elsewhere.example', 'ca.crt']],
      users: [['u', 'wrong']],
      contexts: [['x', 'c', 'u', 'ns-x']],
    });
    const insecure = loadKubeConfig({ kubeconfig: file, insecureSkipTlsVerify: true });
    expect(insecure.kubeConfig.getCurrentCluster()).toMatchObject({ skipTLSVerify: true, caFile: undefined });

    const { store, namespace } = await openKubeStore({
      kubeconfig: file,
      server: server.url,
      token: 'right',
    });
    expect(namespace).toBe('ns-x');
    await store.create('ConfigMap', { metadata: { name: 'cm', namespace } });
    expect((await store.list('ConfigMap', { namespace })).items).toHaveLength(1);
    await store.close();

    // --server alone is enough, as with kubectl.
    const flags = await openKubeStore({ env: empty, server: server.url, token: 'right', namespace: 'ns-x' });
    expect(flags.source).toBe('flags');
    expect((await flags.store.get('ConfigMap', 'ns-x', 'cm'))?.metadata.name).toBe('cm');
    await flags.store.close();
  });
});
