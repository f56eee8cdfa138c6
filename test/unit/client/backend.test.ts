// Which backend a command talks to, and which namespace the kube backend defaults to.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { chooseBackend, createClient } from '../../../src/client/index.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'argo-backend-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A HOME with ~/.kube/config, and one without. */
const homeWithConfig = path.join(dir, 'with');
const homeWithout = path.join(dir, 'without');
mkdirSync(path.join(homeWithConfig, '.kube'), { recursive: true });
mkdirSync(homeWithout);

function kubeconfig(file: string, namespace?: string): string {
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'c', cluster: { server: 'http://127.0.0.1:9' } }],
    users: [{ name: 'u', user: {} }],
    contexts: [
      { name: 'main', context: { cluster: 'c', user: 'u', namespace } },
      { name: 'other', context: { cluster: 'c', user: 'u', namespace: 'from-other-context' } },
    ],
    'current-context': 'main',
  };
  writeFileSync(file, stringify(config));
  return file;
}
kubeconfig(path.join(homeWithConfig, '.kube', 'config'), 'from-home');
const withNs = kubeconfig(path.join(dir, 'with-ns'), 'from-context');
const withoutNs = kubeconfig(path.join(dir, 'without-ns'));

describe('chooseBackend', () => {
  const bare = { HOME: homeWithout };

  it('ARGO_SERVER means the Argo Server; ARGO_LOCAL=true wins over everything', () => {
    expect(chooseBackend({ env: { ...bare, ARGO_SERVER: 'h:2746', KUBECONFIG: withNs } })).toEqual({
      backend: 'http',
      server: 'h:2746',
    });
    expect(chooseBackend({ argoServer: 'h:1', env: { ...bare, ARGO_LOCAL: 'true' } })).toEqual({
      backend: 'local',
    });
  });

  it('a kubeconfig from --kubeconfig, KUBECONFIG or ~/.kube/config means the Kubernetes API', () => {
    expect(chooseBackend({ kubeconfig: withNs, env: bare })).toEqual({ backend: 'kube', kubeconfig: withNs });
    expect(chooseBackend({ env: { ...bare, KUBECONFIG: withNs } })).toEqual({
      backend: 'kube',
      kubeconfig: withNs,
    });
    expect(chooseBackend({ env: { HOME: homeWithConfig } })).toEqual({
      backend: 'kube',
      kubeconfig: path.join(homeWithConfig, '.kube', 'config'),
    });
  });

  it('KUBECONFIG=/dev/null or no kubeconfig at all means local, unless --server names an API server', () => {
    expect(chooseBackend({ env: { HOME: homeWithConfig, KUBECONFIG: '/dev/null' } })).toEqual({
      backend: 'local',
    });
    expect(chooseBackend({ env: bare })).toEqual({ backend: 'local' });
    expect(chooseBackend({ env: bare, kube: { server: 'https://k:6443' } })).toEqual({
      backend: 'kube',
      kubeconfig: 'flags',
    });
  });
});

describe('the kube backend namespace', () => {
  const open = async (opts: Parameters<typeof createClient>[0]): Promise<[string, string]> => {
    const client = await createClient(opts);
    await client.close();
    return [client.backend, client.namespace];
  };

  it('is -n, else ARGO_NAMESPACE, else the context namespace, else default', async () => {
    const env = { HOME: homeWithout, KUBECONFIG: withNs };
    expect(await open({ env, namespace: 'from-flag' })).toEqual(['kube', 'from-flag']);
    expect(await open({ env: { ...env, ARGO_NAMESPACE: 'from-env' } })).toEqual(['kube', 'from-env']);
    expect(await open({ env })).toEqual(['kube', 'from-context']);
    expect(await open({ env: { ...env, KUBECONFIG: withoutNs } })).toEqual(['kube', 'default']);
  });

  it('follows the kubectl flags: --context, and --server with no kubeconfig', async () => {
    const env = { HOME: homeWithout, KUBECONFIG: withNs };
    expect(await open({ env, kube: { context: 'other' } })).toEqual(['kube', 'from-other-context']);
    expect(await open({ env: { HOME: homeWithout }, kube: { server: 'http://127.0.0.1:9' } })).toEqual([
      'kube',
      'default',
    ]);
  });

  it('refuses kubectl flags it cannot apply rather than ignoring them', async () => {
    await expect(
      createClient({ env: { HOME: homeWithout, KUBECONFIG: withNs }, kube: { unsupported: ['--as'] } }),
    ).rejects.toThrow(/^--as: not applied to the Kubernetes API by this CLI yet; /);
  });

  it('reports a kubeconfig it cannot use as an ArgoError of one line', async () => {
    const err = await createClient({
      env: { HOME: homeWithout, KUBECONFIG: withNs },
      kube: { context: 'nope' },
    })
      .then(() => undefined)
      .catch((e: unknown) => e as Error & { status?: number });
    expect(err?.name).toBe('ArgoError');
    expect(err?.status).toBe(400);
    expect(err?.message).toMatch(/^context "nope" does not exist in .*with-ns \(contexts: main, other\)$/);
  });
});
