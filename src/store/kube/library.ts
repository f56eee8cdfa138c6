// What of @kubernetes/client-node a module loads lazily, named one by one: a dynamic import of the
// package itself keeps every export in the bundle (its generated API clients and models, 14 MB
// bundled), so the chunk every Kubernetes command loads carried them all (scripts/bundle.mjs).
export { KubeConfig } from '@kubernetes/client-node';
