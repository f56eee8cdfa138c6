// The synchronization database a controller uses: the one `synchronization:` in its ConfigMap
// names, else, on the local backend, SQLite in $ARGO_HOME (so `database:` locks work out of the
// box there, shared by everything that runs on that home).
import path from 'node:path';
import { hostname } from 'node:os';
import { CONTROLLER_CONFIGMAP } from '../artifacts/config.js';
import type { ConfigMap, Secret } from '../model/meta.js';
import type { ResourceStore } from '../store/types.js';
import { readPersistenceConfig, resolveDatabase, type SynchronizationConfig } from './controller-config.js';
import { openSyncDatabase, type ArchiveDatabase } from './index.js';
import type { SyncDatabase } from './sync-database.js';

export const LOCAL_SYNC_FILE = 'sync.db';

export interface OpenedSyncDatabase {
  db: SyncDatabase;
  pollSeconds?: number;
  heartbeatSeconds?: number;
}

/** The embedded synchronization database of an argo home. */
export function localSyncDatabase(home: string): ArchiveDatabase {
  return { type: 'sqlite', file: path.join(home, LOCAL_SYNC_FILE) };
}

/**
 * Opens the synchronization database the controller configuration in `store` names (ConfigMap
 * `configMapName` in `namespace`); `home`'s embedded one when it names none and `home` is given.
 */
export async function openConfiguredSyncDatabase(opts: {
  store: ResourceStore;
  namespace: string;
  /** Default workflow-controller-configmap. */
  configMapName?: string;
  home?: string;
}): Promise<OpenedSyncDatabase | undefined> {
  const cm = await opts.store.get<ConfigMap>(
    'ConfigMap',
    opts.namespace,
    opts.configMapName ?? CONTROLLER_CONFIGMAP,
  );
  const sync: SynchronizationConfig = readPersistenceConfig(cm).synchronization ?? {};
  const configured = await resolveDatabase(sync, {
    block: 'synchronization',
    namespace: opts.namespace,
    getSecret: (ns, name) => opts.store.get<Secret>('Secret', ns, name),
    home: opts.home,
  });
  const database = configured ?? (opts.home ? localSyncDatabase(opts.home) : undefined);
  if (!database) return undefined;
  const db = await openSyncDatabase(database, {
    controllerName: sync.controllerName || hostname(),
    limitTable: sync.limitTableName,
    stateTable: sync.stateTableName,
    controllerTable: sync.controllerTableName,
    lockTable: sync.lockTableName,
    inactiveControllerSeconds: sync.inactiveControllerSeconds,
    skipMigration: sync.skipMigration,
  });
  return { db, pollSeconds: sync.pollSeconds, heartbeatSeconds: sync.heartbeatSeconds };
}
