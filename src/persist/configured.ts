// The databases a controller uses, from `persistence:` and `synchronization:` in its ConfigMap.
// On the local backend (a `home` is given) each defaults to SQLite in $ARGO_HOME when the block
// names no database, so the archive and `database:` locks work out of the box there; on a
// cluster, a block without a database means the feature is off, as upstream.
import path from 'node:path';
import { hostname } from 'node:os';
import { CONTROLLER_CONFIGMAP } from '../artifacts/config.js';
import type { ConfigMap, Secret } from '../model/meta.js';
import { labelRequirementsFrom, type LabelRequirement } from '../store/selectors.js';
import type { ResourceStore } from '../store/types.js';
import { parseGoDuration } from '../workflow/duration.js';
import {
  ControllerConfigError,
  readPersistenceConfig,
  resolveDatabase,
  type PersistenceConfig,
  type SynchronizationConfig,
} from './controller-config.js';
import { openSyncDatabase, openWorkflowArchive, type ArchiveDatabase } from './index.js';
import { LOCAL_ARCHIVE_FILE } from './local-archive.js';
import type { SyncDatabase } from './sync-database.js';
import type { SqlWorkflowArchive } from './workflow-archive.js';

export const LOCAL_SYNC_FILE = 'sync.db';

export interface OpenedSyncDatabase {
  db: SyncDatabase;
  pollSeconds?: number;
  heartbeatSeconds?: number;
}

export interface ConfigSource {
  store: ResourceStore;
  /** The controller's namespace: its ConfigMap and the Secrets it names are there. */
  namespace: string;
  /** Default workflow-controller-configmap. */
  configMapName?: string;
  /** The argo home of the local backend; absent on a cluster. */
  home?: string;
}

async function readConfig(src: ConfigSource): Promise<ReturnType<typeof readPersistenceConfig>> {
  const cm = await src.store.get<ConfigMap>(
    'ConfigMap',
    src.namespace,
    src.configMapName ?? CONTROLLER_CONFIGMAP,
  );
  return readPersistenceConfig(cm);
}

function databaseOf(
  block: 'persistence' | 'synchronization',
  config: PersistenceConfig | SynchronizationConfig | undefined,
  src: ConfigSource,
): Promise<ArchiveDatabase | undefined> {
  return resolveDatabase(config, {
    block,
    namespace: src.namespace,
    getSecret: (ns, name) => src.store.get<Secret>('Secret', ns, name),
    home: src.home,
  });
}

/** The embedded synchronization database of an argo home. */
export function localSyncDatabase(home: string): ArchiveDatabase {
  return { type: 'sqlite', file: path.join(home, LOCAL_SYNC_FILE) };
}

/** Opens the synchronization database the configuration names (the home's when it names none). */
export async function openConfiguredSyncDatabase(src: ConfigSource): Promise<OpenedSyncDatabase | undefined> {
  const sync: SynchronizationConfig = (await readConfig(src)).synchronization ?? {};
  const configured = await databaseOf('synchronization', sync, src);
  const database = configured ?? (src.home ? localSyncDatabase(src.home) : undefined);
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

/** upstream's config.TTL: a number of days (`7d`) or a Go duration (`12h`); seconds. */
export function parseArchiveTTL(text: string | undefined): number {
  if (!text) return 0;
  const days = /^(\d+)d$/.exec(text.trim());
  if (days) return Number(days[1]) * 86400;
  try {
    return Math.floor(parseGoDuration(text) / 1000);
  } catch (err) {
    throw new ControllerConfigError(`persistence.archiveTTL "${text}": ${(err as Error).message}`);
  }
}

/** upstream's ARCHIVED_WORKFLOW_GC_PERIOD (a Go duration); undefined: the archiver's default, a day. */
export function archiveGCPeriodMs(env: NodeJS.ProcessEnv): number | undefined {
  const text = env.ARCHIVED_WORKFLOW_GC_PERIOD;
  if (!text) return undefined;
  try {
    const ms = parseGoDuration(text);
    if (ms > 0) return ms;
  } catch {
    // reported below
  }
  throw new ControllerConfigError(
    `ARCHIVED_WORKFLOW_GC_PERIOD "${text}" is not a positive duration (e.g. 24h)`,
  );
}

export interface ConfiguredArchive {
  archive: SqlWorkflowArchive;
  /** Whether completed workflows are written to it (`persistence.archive`); readers use it either way. */
  write: boolean;
  policy: { selector?: LabelRequirement[]; ttlSeconds?: number; gcPeriodMs?: number };
  nodeStatusOffLoad: boolean;
}

/**
 * Opens the archive the configuration names. Locally, with no `persistence:` block, it is the
 * home's archive.db, written to; with one, `archive: true` turns writing on, as upstream.
 */
export async function openConfiguredArchive(src: ConfigSource): Promise<ConfiguredArchive | undefined> {
  const persistence = (await readConfig(src)).persistence;
  const configured = await databaseOf('persistence', persistence, src);
  const database =
    configured ??
    (src.home ? ({ type: 'sqlite', file: path.join(src.home, LOCAL_ARCHIVE_FILE) } as const) : undefined);
  if (!database) return undefined;
  const selector = persistence?.archiveLabelSelector
    ? labelRequirementsFrom(persistence.archiveLabelSelector as never)
    : undefined;
  const ttlSeconds = parseArchiveTTL(persistence?.archiveTTL);
  const archive = await openWorkflowArchive(database, {
    clusterName: persistence?.clusterName,
    tableName: persistence?.postgresql?.tableName ?? persistence?.mysql?.tableName,
  });
  return {
    archive,
    write: persistence ? persistence.archive === true : true,
    policy: { selector, ttlSeconds: ttlSeconds || undefined, gcPeriodMs: archiveGCPeriodMs(process.env) },
    nodeStatusOffLoad: persistence?.nodeStatusOffLoad === true,
  };
}
