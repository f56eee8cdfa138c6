// The store layer: the ResourceStore contract, its embedded SQLite implementation, and the pure
// Kubernetes semantics (selectors, merge patch, name rules) other implementations share.
import { openSqliteStore, type SqliteStore, type SqliteStoreOptions } from './sqlite/sqlite-store.js';

export * from './types.js';
export { argoHome } from './home.js';
export * from './selectors.js';
export { applyMergePatch, createMergePatch } from './merge-patch.js';
export { API_VERSIONS, kubeTimestamp, isClusterScoped } from './semantics.js';
export {
  SqliteStore,
  openSqliteStore,
  defaultStorePath,
  type SqliteStoreOptions,
} from './sqlite/sqlite-store.js';
export * from './lease.js';

/** The embedded store at `<argoHome()>/argo.db` (or `opts.path`). */
export function openStore(opts: SqliteStoreOptions = {}): SqliteStore {
  return openSqliteStore(opts);
}
