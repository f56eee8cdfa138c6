// The databases a controller uses, from `persistence:` and `synchronization:` in its ConfigMap.
// On the local backend (a `home` is given) each defaults to SQLite in $ARGO_HOME when the block
// names no database, so the archive and `database:` locks work out of the box there; on a
// cluster, a block without a database means the feature is off, as upstream.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { hostname } from 'node:os';
import { CONTROLLER_CONFIGMAP } from '../model/controller-configmap.js';
import type { ConfigMap, Secret } from '../model/meta.js';
import { labelRequirementsFrom, type LabelRequirement } from '../store/selectors.js';
import type { ResourceStore } from '../store/types.js';
import type { Workflow } from '../model/workflow.js';
import { parseGoDuration } from '../workflow/duration.js';
import {
  ControllerConfigError,
  readPersistenceConfig,
  resolveDatabase,
  type PersistenceConfig,
  type SynchronizationConfig,
} from './controller-config.js';
import { describeDatabase, openSyncDatabase, openWorkflowArchive, type ArchiveDatabase } from './index.js';
import { DatabaseReachability, isConnectionError } from './database-reachability.js';
import { LOCAL_ARCHIVE_FILE } from './local-archive.js';
import { DEFAULT_MAX_WORKFLOW_SIZE, WorkflowHydrator } from './hydrator.js';
import {
  DEFAULT_OFFLOAD_TTL_SECONDS,
  type NodeOffloadStore,
  type NodeStatusOffload,
} from './node-offload.js';
import { SyncDatabase, type SyncDatabaseOptions } from './sync-database.js';
import { ConnectingSession } from './connecting-session.js';
import type { SqlSession } from './sql-session.js';
import type { SqlWorkflowArchive } from './workflow-archive.js';
import type { ArchiveListOptions, WorkflowArchive } from './archive-api.js';

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

async function readConfig(src: ConfigSource): ReturnType<typeof readPersistenceConfig> {
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

/**
 * Opens the synchronization database the configuration names (the home's when it names none).
 * With `log` (a controller), a database that cannot be reached now does not throw: that is logged
 * once, and the database is connected to (and migrated) by its first statement that succeeds, so
 * `database:` locks wait for it rather than being off until a restart.
 */
export async function openConfiguredSyncDatabase(
  src: ConfigSource,
  opts: { log?: (msg: string) => void } = {},
): Promise<OpenedSyncDatabase | undefined> {
  const sync: SynchronizationConfig = (await readConfig(src)).synchronization ?? {};
  const configured = await databaseOf('synchronization', sync, src);
  const database = configured ?? (src.home ? localSyncDatabase(src.home) : undefined);
  if (!database) return undefined;
  const options: SyncDatabaseOptions = {
    controllerName: sync.controllerName || hostname(),
    limitTable: sync.limitTableName,
    stateTable: sync.stateTableName,
    controllerTable: sync.controllerTableName,
    lockTable: sync.lockTableName,
    inactiveControllerSeconds: sync.inactiveControllerSeconds,
    skipMigration: sync.skipMigration,
  };
  const settings = { pollSeconds: sync.pollSeconds, heartbeatSeconds: sync.heartbeatSeconds };
  try {
    return { db: await openSyncDatabase(database, options), ...settings };
  } catch (err) {
    if (!opts.log) throw err;
    opts.log(
      `${(err as Error).message}; database semaphores and mutexes keep their workflows waiting until it can be reached`,
    );
    const connect = async (): Promise<SqlSession> => (await openSyncDatabase(database, options)).session;
    const session = new ConnectingSession(
      database.type,
      connect,
      new DatabaseReachability(describeDatabase(database), opts.log, true),
    );
    return { db: new SyncDatabase(session, options), ...settings };
  }
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

/** A positive Go duration from the environment, in ms; `fallbackMs` when unset. */
function durationMs(env: NodeJS.ProcessEnv, name: string, fallbackMs: number): number {
  const text = env[name];
  if (!text) return fallbackMs;
  let ms = NaN;
  try {
    ms = parseGoDuration(text);
  } catch {
    // reported below
  }
  if (!(ms > 0)) throw new ControllerConfigError(`${name} "${text}" is not a positive duration (e.g. 5m)`);
  return ms;
}

/** upstream's ARCHIVED_WORKFLOW_GC_PERIOD (a Go duration); undefined: the archiver's default, a day. */
export function archiveGCPeriodMs(env: NodeJS.ProcessEnv): number | undefined {
  return env.ARCHIVED_WORKFLOW_GC_PERIOD ? durationMs(env, 'ARCHIVED_WORKFLOW_GC_PERIOD', 0) : undefined;
}

/** upstream's WORKFLOW_GC_PERIOD default: how often superseded offloaded versions are looked for. */
export const DEFAULT_OFFLOAD_GC_PERIOD_MS = 5 * 60_000;

export interface NodeStatusSettings {
  maxWorkflowSize: number;
  alwaysOffload: boolean;
  ttlSeconds: number;
  gcPeriodMs: number;
}

/** The environment variables upstream's controller reads for offloading, checked. */
export function nodeStatusSettings(env: NodeJS.ProcessEnv): NodeStatusSettings {
  const size = env.MAX_WORKFLOW_SIZE;
  if (size && !(Number.isInteger(Number(size)) && Number(size) > 0))
    throw new ControllerConfigError(`MAX_WORKFLOW_SIZE "${size}" is not a positive number of bytes`);
  return {
    maxWorkflowSize: Number(size) || DEFAULT_MAX_WORKFLOW_SIZE,
    alwaysOffload: env.ALWAYS_OFFLOAD_NODE_STATUS === 'true',
    ttlSeconds: durationMs(env, 'OFFLOAD_NODE_STATUS_TTL', DEFAULT_OFFLOAD_TTL_SECONDS * 1000) / 1000,
    gcPeriodMs: durationMs(env, 'WORKFLOW_GC_PERIOD', DEFAULT_OFFLOAD_GC_PERIOD_MS),
  };
}

export interface ConfiguredArchive {
  archive: SqlWorkflowArchive;
  /** Whether completed workflows are written to it (`persistence.archive`); readers use it either way. */
  write: boolean;
  policy: { selector?: LabelRequirement[]; ttlSeconds?: number; gcPeriodMs?: number };
  /** Puts workflows' nodes back for readers; with `persistence.nodeStatusOffLoad`, offloads them on writes. */
  hydrator: WorkflowHydrator;
  /** The offload table (readers use it whether or not writes offload). */
  offload: NodeStatusOffload;
  /** With `nodeStatusOffLoad`: the offload table and how often the controller collects its superseded versions. */
  offloadGC?: { offload: NodeStatusOffload; periodMs: number };
}

/** The archive the configuration names, not connected to yet: what can be known without its database. */
export interface ArchivePlan {
  /** Whether completed workflows are written to it (`persistence.archive`). */
  write: boolean;
  policy: ConfiguredArchive['policy'];
  /** Where the database is, for messages. */
  where: string;
  /** How often superseded offloaded versions are collected (WORKFLOW_GC_PERIOD). */
  offloadGCPeriodMs: number;
  /** A hydrator over `offload`, as open() makes one over the table. */
  hydratorOver(offload: NodeOffloadStore): WorkflowHydrator;
  /** Connects (and migrates): each call a new connection, so a failed one can be tried again. */
  open(): Promise<ConfiguredArchive>;
}

/**
 * Reads the archive's configuration (its Secrets too) without connecting. Locally, with no
 * `persistence:` block, it is the home's archive.db, written to; with one, `archive: true` turns
 * writing on, as upstream. `existing`: a home's archive.db that is not there yet is not made (a
 * read has nothing to find in it). Configuration that is wrong throws; a database that is down
 * does not (until open).
 */
export async function planConfiguredArchive(
  src: ConfigSource,
  opts: { existing?: boolean } = {},
): Promise<ArchivePlan | undefined> {
  const persistence = (await readConfig(src)).persistence;
  const configured = await databaseOf('persistence', persistence, src);
  const homeFile = src.home ? path.join(src.home, LOCAL_ARCHIVE_FILE) : undefined;
  if (!configured && homeFile && opts.existing && !existsSync(homeFile)) return undefined;
  const database = configured ?? (homeFile ? ({ type: 'sqlite', file: homeFile } as const) : undefined);
  if (!database) return undefined;
  const selector = persistence?.archiveLabelSelector
    ? labelRequirementsFrom(persistence.archiveLabelSelector as never)
    : undefined;
  const ttlSeconds = parseArchiveTTL(persistence?.archiveTTL);
  // Checked before connecting, so a bad value leaves no connection open.
  const nodeStatus = nodeStatusSettings(process.env);
  const gcPeriodMs = archiveGCPeriodMs(process.env);
  // upstream's `tableName` names the offload table; the archive's own tables have fixed names.
  const tableName = persistence?.postgresql?.tableName ?? persistence?.mysql?.tableName;
  const write = persistence ? persistence.archive === true : true;
  const policy = { selector, ttlSeconds: ttlSeconds || undefined, gcPeriodMs };
  const hydratorOver = (offload: NodeOffloadStore): WorkflowHydrator =>
    new WorkflowHydrator(offload, persistence?.nodeStatusOffLoad === true, nodeStatus);
  return {
    write,
    policy,
    where: describeDatabase(database),
    offloadGCPeriodMs: nodeStatus.gcPeriodMs,
    hydratorOver,
    open: async () => {
      const archive = await openWorkflowArchive(database, {
        clusterName: persistence?.clusterName,
        tableName,
      });
      const offload = archive.nodeOffload({ tableName, ttlSeconds: nodeStatus.ttlSeconds });
      const hydrator = hydratorOver(offload);
      return {
        archive,
        write,
        policy,
        hydrator,
        offload,
        offloadGC: hydrator.writes ? { offload, periodMs: nodeStatus.gcPeriodMs } : undefined,
      };
    },
  };
}

/** Opens the archive the configuration names (see planConfiguredArchive). */
export async function openConfiguredArchive(
  src: ConfigSource,
  opts: { existing?: boolean } = {},
): Promise<ConfiguredArchive | undefined> {
  return (await planConfiguredArchive(src, opts))?.open();
}

/** What failed under openWorkflowArchive's message, which names the database again. */
function underlying(err: unknown): Error {
  const e = err as Error;
  return e.cause instanceof Error ? e.cause : e;
}

/**
 * Connects to the plan's database now if it can; if not, logs one line (the failure and
 * `meanwhile`, what happens until it is back) and returns an archive that connects on its next use.
 */
async function connectArchive(
  plan: ArchivePlan,
  log: (msg: string) => void,
  meanwhile: string,
): Promise<ConnectingArchive> {
  let opened: ConfiguredArchive | undefined;
  try {
    opened = await plan.open();
  } catch (err) {
    // A refused or lost connection is said as such; anything else (a password refused, a
    // migration that failed) is given as it is: it may want the configuration mended, not time.
    const failure = isConnectionError(err)
      ? `workflow archive: ${plan.where} cannot be reached: ${underlying(err).message}`
      : (err as Error).message;
    log(`${failure}; ${meanwhile}`);
  }
  return new ConnectingArchive(plan, log, opened);
}

/**
 * A controller's or server's archive and offload table over a database that may be down, at start
 * or later: each use connects first when not connected (a failed connection is tried again by the
 * next use), and whether the database can be reached is logged once per change, not per use. The
 * archiver retries a failed write, so workflows completed meanwhile wait Pending archiving, never
 * deleted; a workflow whose nodes are offloaded fails its read with DatabaseUnreachableError and
 * is requeued, never operated on without its nodes; offloads meanwhile keep the nodes inline. A
 * server's reads (list, get, delete, label keys and values) fail with DatabaseUnreachableError
 * meanwhile, which it answers with 503.
 */
export class ConnectingArchive implements WorkflowArchive {
  /** An archive is configured, whether or not its database can be reached now. */
  readonly enabled = true;
  private connected?: Promise<ConfiguredArchive>;
  private readonly reach: DatabaseReachability;
  /** The offload table, reached through this connection. */
  readonly offload: NodeOffloadStore;
  readonly hydrator: WorkflowHydrator;

  constructor(
    private readonly plan: ArchivePlan,
    log: (msg: string) => void,
    /** The archive when the database was reached at start. */
    readonly opened?: ConfiguredArchive,
  ) {
    this.reach = new DatabaseReachability(plan.where, log, !opened);
    if (opened) this.connected = Promise.resolve(opened);
    this.offload = {
      save: (uid, namespace, nodes) => this.use((c) => c.offload.save(uid, namespace, nodes)),
      get: (uid, version) => this.use((c) => c.offload.get(uid, version)),
      collectGarbage: (live, namespace) => this.use((c) => c.offload.collectGarbage(live, namespace)),
    };
    this.hydrator = plan.hydratorOver(this.offload);
  }

  private async use<T>(fn: (c: ConfiguredArchive) => Promise<T>): Promise<T> {
    const c = await this.reach.run(() => {
      this.connected ??= this.plan.open().catch((err: unknown) => {
        this.connected = undefined;
        // DatabaseReachability's message names the database already.
        throw underlying(err);
      });
      return this.connected;
    }, true);
    return this.reach.run(() => fn(c));
  }

  async archiveWorkflow(wf: Workflow): Promise<void> {
    await this.use((c) => c.archive.archiveWorkflow(wf));
  }

  async deleteExpired(ttlSeconds: number): Promise<number> {
    return this.use((c) => c.archive.deleteExpired(ttlSeconds));
  }

  // A server's reads: each fails with DatabaseUnreachableError while the database is down.
  list(opts: ArchiveListOptions): Promise<Workflow[]> {
    return this.use((c) => c.archive.list(opts));
  }

  count(opts: ArchiveListOptions): Promise<number> {
    return this.use((c) => c.archive.count(opts));
  }

  get(uid: string, namespace: string, name: string): Promise<Workflow | undefined> {
    return this.use((c) => c.archive.get(uid, namespace, name));
  }

  delete(uid: string): Promise<void> {
    return this.use((c) => c.archive.delete(uid));
  }

  labelKeys(): Promise<string[]> {
    return this.use((c) => c.archive.labelKeys());
  }

  labelValues(key: string): Promise<string[]> {
    return this.use((c) => c.archive.labelValues(key));
  }

  async close(): Promise<void> {
    const connected = await this.connected?.catch(() => undefined);
    await connected?.archive.close();
  }
}

/** What a controller archives with: the archive opened, or writes that connect later. */
export interface ControllerArchive {
  /** Where completed workflows go; undefined when the configuration writes none. */
  writer?: {
    archiveWorkflow(wf: Workflow): Promise<void>;
    deleteExpired(ttlSeconds: number): Promise<number>;
  };
  policy: ConfiguredArchive['policy'];
  /** Reads and writes workflows' nodes through the (re)connecting offload table. */
  hydrator: WorkflowHydrator;
  /** With `nodeStatusOffLoad`: the offload table and how often its superseded versions are collected. */
  offloadGC?: { offload: NodeOffloadStore; periodMs: number };
  /** Set when the database was reached at start. */
  opened?: ConfiguredArchive;
  close(): Promise<void>;
}

/**
 * The archive for a controller. Configuration that is wrong leaves archiving off (logged); a
 * database that cannot be reached at start does not: it is logged once, and its users connect
 * later (ConnectingArchive).
 */
export async function openControllerArchive(
  src: ConfigSource,
  log: (msg: string) => void,
): Promise<ControllerArchive | undefined> {
  const plan = await planConfiguredArchive(src).catch((err: Error) => {
    log(`workflow archiving is off: ${err.message}`);
    return undefined;
  });
  if (!plan) return undefined;
  const connecting = await connectArchive(
    plan,
    log,
    plan.write
      ? 'completed workflows wait Pending archiving and are archived once the database can be reached'
      : 'offloaded nodes are read once the database can be reached',
  );
  const { hydrator, opened } = connecting;
  return {
    writer: plan.write ? connecting : undefined,
    policy: plan.policy,
    hydrator,
    offloadGC: hydrator.writes
      ? { offload: connecting.offload, periodMs: plan.offloadGCPeriodMs }
      : undefined,
    opened,
    close: () => connecting.close(),
  };
}

/** What `argo server` reads archived workflows and offloaded nodes through. */
export interface ServerArchive {
  /** Fails with DatabaseUnreachableError while the database cannot be reached. */
  archive: WorkflowArchive;
  hydrator: WorkflowHydrator;
  close(): Promise<void>;
}

/**
 * The archive for `argo server`, as the controller's (openControllerArchive): configuration that
 * is wrong leaves the server without an archive (logged); a database that cannot be reached at
 * start or later is logged once each way, its reads fail with DatabaseUnreachableError meanwhile,
 * and they work again once it is back, without a restart.
 */
export async function openServerArchive(
  src: ConfigSource,
  log: (msg: string) => void,
  opts: { existing?: boolean } = {},
): Promise<ServerArchive | undefined> {
  const plan = await planConfiguredArchive(src, opts).catch((err: Error) => {
    log(`workflow archive is off: ${err.message}`);
    return undefined;
  });
  if (!plan) return undefined;
  const connecting = await connectArchive(
    plan,
    log,
    'archived workflows and offloaded nodes are served once it can be reached',
  );
  return { archive: connecting, hydrator: connecting.hydrator, close: () => connecting.close() };
}
