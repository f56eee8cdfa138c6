// The Kubernetes API as a ResourceStore. Import this module dynamically: it loads
// @kubernetes/client-node, which commands that never talk to a cluster must not pay for.
export { KubeStore, openKubeStore, type KubeStoreOptions, type OpenedKubeStore } from './store.js';
export {
  KubeConfigError,
  loadKubeConfig,
  SERVICE_ACCOUNT_DIR,
  type KubeConnectOptions,
  type LoadedKubeConfig,
} from './config.js';
export {
  collectionPath,
  kindAt,
  objectPath,
  resourceFor,
  RESOURCE_KINDS,
  type KubeResource,
} from './resources.js';
export * from './dynamic.js';
export { readPodLog, type PodLogOptions, type PodLogSource } from './pod-logs.js';
export { execInContainer, type ExecResult } from './pod-exec.js';
