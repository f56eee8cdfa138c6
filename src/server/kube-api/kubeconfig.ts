// A kubeconfig whose current context points kubectl at a kube-api endpoint with its bearer token.
import { stringify as toYaml } from 'yaml';

export interface KubeconfigFor {
  url: string;
  token?: string;
  /** PEM of the server's certificate, for an https URL. */
  certificate?: string;
  /** The context's namespace; default "default". */
  namespace?: string;
  /** Cluster, user and context name; default "argo-local". */
  name?: string;
}

export function kubeconfigYaml(k: KubeconfigFor): string {
  const name = k.name ?? 'argo-local';
  return toYaml({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name,
        cluster: {
          server: k.url,
          ...(k.certificate
            ? { 'certificate-authority-data': Buffer.from(k.certificate).toString('base64') }
            : {}),
        },
      },
    ],
    users: [{ name, user: k.token ? { token: k.token } : {} }],
    contexts: [{ name, context: { cluster: name, user: name, namespace: k.namespace ?? 'default' } }],
    'current-context': name,
  });
}
