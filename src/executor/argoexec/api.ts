// The Kubernetes API as argoexec uses it: WorkflowTaskResults to report outputs, Secrets for
// artifact credentials. Opened on first use, so a step that needs neither never loads the client.
import type { KubeConfig } from '@kubernetes/client-node';
import type { KubeObject } from '../../model/meta.js';
import type { KubeConnectOptions } from '../../store/kube/index.js';
import type { ResourceStore } from '../../store/types.js';

/** The kubectl flags argoexec takes (--kubeconfig, --context, -n, --server, --token, ...). */
export type KubeAccessOptions = Omit<KubeConnectOptions, 'env' | 'serviceAccountDir'>;

export interface ExecutorApi {
  store: ResourceStore;
  /** The pod's namespace: the kubeconfig's (or service account's) unless -n says otherwise. */
  namespace: string;
  /** The connection itself, for kinds the store does not know (resource templates). */
  kubeConfig?: KubeConfig;
}

export type ApiOpener = () => Promise<ExecutorApi>;

export function lazyApi(options: KubeAccessOptions): ApiOpener {
  let opened: Promise<ExecutorApi> | undefined;
  return () => {
    opened ??= (async () => {
      const { openKubeStore } = await import('../../store/kube/index.js');
      const { store, namespace } = await openKubeStore(options);
      return { store, namespace, kubeConfig: store.kubeConfig };
    })();
    return opened;
  };
}

interface SecretObject extends KubeObject {
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

/** A key of a Secret of the pod's namespace, decoded; undefined when the Secret or key is missing. */
export async function readSecret(api: ApiOpener, name: string, key: string): Promise<string | undefined> {
  const { store, namespace } = await api();
  const secret = await store.get<SecretObject>('Secret', namespace, name);
  if (!secret) return undefined;
  const encoded = secret.data?.[key];
  if (encoded !== undefined) return Buffer.from(encoded, 'base64').toString('utf8');
  return secret.stringData?.[key];
}
