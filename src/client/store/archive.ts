// The workflow archive lives in the Argo Server's database; a client that talks to a store
// directly has no way to it, as upstream's CLI has none outside "Argo Server mode".
import { ArgoError } from '../types.js';
import type { ClientHost } from './host.js';

const WHERE: Record<ClientHost['backend'], string> = {
  local: 'the local backend has none',
  kube: 'talking to the Kubernetes API directly, the CLI cannot reach it (argo archive requires the Argo Server)',
};

export function archiveNeedsServer(backend: ClientHost['backend']): ArgoError {
  return new ArgoError(
    `the workflow archive is kept by the Argo Server with persistence configured; ${WHERE[backend]}. Point the CLI at such a server with --argo-server or ARGO_SERVER`,
    501,
  );
}
