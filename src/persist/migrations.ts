// The archive's schema, step for step as Argo v4's controller migrates it (persist/sqldb), so one
// database serves both: the step numbers are the versions recorded in `schema_history`, and a
// database an upstream controller migrated is already current here, and the other way round.
// SQLite has no upstream history (and cannot drop a primary key), so it is created at the final
// shape and recorded at the same version.
import type { Dialect, SqlSession } from './sql-session.js';

export const SCHEMA_HISTORY_TABLE = 'schema_history';
export const ARCHIVE_TABLE = 'argo_archived_workflows';
export const ARCHIVE_LABELS_TABLE = 'argo_archived_workflows_labels';
/** Offloaded node status; the controller configuration may name it differently (`tableName`). */
export const DEFAULT_OFFLOAD_TABLE = 'argo_workflows';

const A = ARCHIVE_TABLE;

// A label key is an optional 253-character prefix, '/', and a 63-character name.
const LABELS_TABLE = `create table if not exists ${ARCHIVE_LABELS_TABLE} (
    clustername varchar(64) not null,
    uid varchar(128) not null,
    name varchar(317) not null,
    value varchar(63) not null,
    primary key (clustername, uid, name),
    foreign key (clustername, uid) references ${A}(clustername, uid) on delete cascade
)`;

/** One step: the same SQL everywhere, per-database SQL (absent: nothing to do there, the step still counts), or code. */
export type Step = string | { mysql?: string; postgres?: string } | ((s: SqlSession) => Promise<void>);

/** `alter column ... set not null` on PostgreSQL; MySQL must restate the column's type. */
function notNull(table: string, column: string, mysqlType: string): Step {
  return {
    mysql: `alter table ${table} modify column ${column} ${mysqlType} not null`,
    postgres: `alter table ${table} alter column ${column} set not null`,
  };
}

function dropIndex(table: string, index: string): Step {
  return { mysql: `drop index ${index} on ${table}`, postgres: `drop index ${index}` };
}

function dropPrimaryKey(table: string, pgConstraint: string): Step {
  return {
    mysql: `alter table ${table} drop primary key`,
    postgres: `alter table ${table} drop constraint ${pgConstraint}`,
  };
}

function renameIdToUid(table: string): Step {
  return {
    mysql: `alter table ${table} change column id uid varchar(128)`,
    postgres: `alter table ${table} rename column id to uid`,
  };
}

/** Node status offloaded before Argo v2.5 kept whole workflows; only Argo's own migration rewrites those. */
function refuseUnversionedOffload(t: string): Step {
  return async (s) => {
    const rows = await s.query<{ n: number | string }>(
      `select count(*) as n from ${t} where version is null`,
    );
    if (Number(rows[0]?.n ?? 0) > 0)
      throw new Error(
        `table ${t} holds node status offloaded by Argo before v2.5; migrate it with an Argo v3 or v4 controller first`,
      );
  };
}

/** The shape both tables started with (the offload table had a creation time besides). */
function firstShape(table: string, extraColumn: string): string {
  return `create table if not exists ${table} (
    id varchar(128) ,
    name varchar(256),
    phase varchar(25),
    namespace varchar(256),
    workflow text,
    startedat timestamp default CURRENT_TIMESTAMP,
    finishedat timestamp default CURRENT_TIMESTAMP,
    ${extraColumn}
    primary key (id, namespace)
)`;
}

function changes(clusterName: string, t: string): Step[] {
  const quotedCluster = `'${clusterName.replace(/'/g, "''")}'`;
  return [
    firstShape(t, 'creationtimestamp timestamp default CURRENT_TIMESTAMP,'),
    `create unique index idx_name on ${t} (name)`,
    firstShape('argo_workflow_history', ''),
    `alter table argo_workflow_history rename to ${A}`,
    dropIndex(t, 'idx_name'),
    `create unique index idx_name on ${t}(name, namespace)`,
    dropPrimaryKey(t, `${t}_pkey`),
    `alter table ${t} add primary key(name,namespace)`,
    // The history table was renamed, its primary key constraint was not.
    dropPrimaryKey(A, 'argo_workflow_history_pkey'),
    `alter table ${A} add primary key(id)`,
    renameIdToUid(A),
    notNull(A, 'uid', 'varchar(128)'),
    notNull(A, 'phase', 'varchar(25)'),
    notNull(A, 'namespace', 'varchar(256)'),
    notNull(A, 'workflow', 'text'),
    {
      mysql: `alter table ${A} modify column startedat timestamp not null default CURRENT_TIMESTAMP`,
      postgres: `alter table ${A} alter column startedat set not null`,
    },
    {
      mysql: `alter table ${A} modify column finishedat timestamp not null default CURRENT_TIMESTAMP`,
      postgres: `alter table ${A} alter column finishedat set not null`,
    },
    `alter table ${A} add clustername varchar(64)`,
    `update ${A} set clustername = ${quotedCluster} where clustername is null`,
    notNull(A, 'clustername', 'varchar(64)'),
    dropPrimaryKey(A, `${A}_pkey`),
    `alter table ${A} add primary key(clustername,uid)`,
    `create index ${A}_i1 on ${A} (clustername,namespace)`,
    // The offload table keeps node status only.
    `alter table ${t} drop column phase`,
    `alter table ${t} drop column startedat`,
    `alter table ${t} drop column finishedat`,
    renameIdToUid(t),
    notNull(t, 'uid', 'varchar(128)'),
    notNull(t, 'namespace', 'varchar(256)'),
    `alter table ${t} add column clustername varchar(64)`,
    `update ${t} set clustername = ${quotedCluster} where clustername is null`,
    notNull(t, 'clustername', 'varchar(64)'),
    `alter table ${t} add column version varchar(64)`,
    `alter table ${t} add column nodes text`,
    refuseUnversionedOffload(t),
    notNull(t, 'nodes', 'text'),
    `alter table ${t} drop column workflow`,
    `alter table ${t} add column updatedat timestamp not null default current_timestamp`,
    dropPrimaryKey(t, `${t}_pkey`),
    dropIndex(t, 'idx_name'),
    `alter table ${t} drop column name`,
    `alter table ${t} add primary key(clustername,uid,version)`,
    `create index ${t}_i1 on ${t} (clustername,namespace)`,
    {
      mysql: `alter table ${A} modify column workflow json not null`,
      postgres: `alter table ${A} alter column workflow type json using workflow::json`,
    },
    notNull(A, 'name', 'varchar(256)'),
    `create index ${t}_i2 on ${t} (clustername,namespace,updatedat)`,
    // Labels get their own indexed table so label queries need no scan of the JSON.
    // The key column is `name` because `key` is reserved in SQL.
    LABELS_TABLE,
    {
      mysql: `alter table ${t} modify column nodes json not null`,
      postgres: `alter table ${t} alter column nodes type json using nodes::json`,
    },
    `alter table ${A} add column instanceid varchar(64)`,
    `update ${A} set instanceid = '' where instanceid is null`,
    notNull(A, 'instanceid', 'varchar(64)'),
    dropIndex(A, `${A}_i1`),
    `create index ${A}_i1 on ${A} (clustername,instanceid,namespace)`,
    dropIndex(t, `${t}_i1`),
    dropIndex(t, `${t}_i2`),
    `create index ${t}_i1 on ${t} (clustername,namespace,updatedat)`,
    `create index ${A}_i2 on ${A} (clustername,instanceid,finishedat)`,
    `create index ${A}_i3 on ${A} (clustername,instanceid,name)`,
    `create index ${A}_i4 on ${A} (startedat)`,
    `create index ${ARCHIVE_LABELS_TABLE}_i1 on ${ARCHIVE_LABELS_TABLE} (name,value)`,
    { postgres: `alter table ${A} alter column workflow set data type jsonb using workflow::jsonb` },
    dropIndex(A, `${A}_i4`),
    `create index ${A}_i4 on ${A} (clustername, startedat)`,
    `alter table ${A} add column creationtimestamp timestamp null`,
    `update ${A} set creationtimestamp = startedat where creationtimestamp is null`,
    {
      mysql: `alter table ${A} modify column creationtimestamp timestamp not null default CURRENT_TIMESTAMP`,
      postgres: `alter table ${A} alter column creationtimestamp set default CURRENT_TIMESTAMP`,
    },
    `create index ${A}_i5 on ${A} (creationtimestamp)`,
    dropIndex(A, `${A}_i1`),
    `create index ${A}_i1 on ${A} (clustername, instanceid, namespace, startedat DESC)`,
  ];
}

/** The schema the steps above arrive at, for SQLite. */
function sqliteSchema(t: string): string[] {
  return [
    `create table if not exists ${A} (
      uid varchar(128) not null,
      name varchar(256) not null,
      phase varchar(25) not null,
      namespace varchar(256) not null,
      workflow text not null,
      startedat timestamp not null default CURRENT_TIMESTAMP,
      finishedat timestamp not null default CURRENT_TIMESTAMP,
      clustername varchar(64) not null,
      instanceid varchar(64) not null,
      creationtimestamp timestamp not null default CURRENT_TIMESTAMP,
      primary key (clustername, uid)
    )`,
    `create index if not exists ${A}_i1 on ${A} (clustername, instanceid, namespace, startedat DESC)`,
    `create index if not exists ${A}_i2 on ${A} (clustername, instanceid, finishedat)`,
    `create index if not exists ${A}_i3 on ${A} (clustername, instanceid, name)`,
    `create index if not exists ${A}_i4 on ${A} (clustername, startedat)`,
    `create index if not exists ${A}_i5 on ${A} (creationtimestamp)`,
    LABELS_TABLE,
    `create index if not exists ${ARCHIVE_LABELS_TABLE}_i1 on ${ARCHIVE_LABELS_TABLE} (name, value)`,
    `create table if not exists ${t} (
      clustername varchar(64) not null,
      uid varchar(128) not null,
      namespace varchar(256) not null,
      version varchar(64) not null,
      nodes text not null,
      updatedat timestamp not null default CURRENT_TIMESTAMP,
      primary key (clustername, uid, version)
    )`,
    `create index if not exists ${t}_i1 on ${t} (clustername, namespace, updatedat)`,
  ];
}

export interface MigrateOptions {
  clusterName: string;
  /** The offload table's name; `argo_workflows` unless configured. */
  tableName?: string;
}

/** The version `schema_history` holds once every step has run. */
export function schemaVersion(opts: MigrateOptions): number {
  return changes(opts.clusterName, opts.tableName ?? DEFAULT_OFFLOAD_TABLE).length - 1;
}

async function applyStep(s: SqlSession, dialect: Dialect, step: Step): Promise<void> {
  if (typeof step === 'string') await s.exec(step);
  else if (typeof step === 'function') await step(s);
  else if (dialect !== 'sqlite') {
    const sql = step[dialect];
    if (sql) await s.exec(sql);
  }
}

/** Brings the archive's tables to the current schema. */
export async function migrate(s: SqlSession, opts: MigrateOptions): Promise<void> {
  const t = opts.tableName ?? DEFAULT_OFFLOAD_TABLE;
  const steps = changes(opts.clusterName, t);
  if (s.dialect === 'sqlite') {
    await s.exec(
      `create table if not exists ${SCHEMA_HISTORY_TABLE}(schema_version int not null, primary key(schema_version))`,
    );
    await s.transaction(async (tx) => {
      const rows = await tx.query<{ v: number }>(`select schema_version as v from ${SCHEMA_HISTORY_TABLE}`);
      if (rows.length > 0) return;
      for (const sql of sqliteSchema(t)) await tx.exec(sql);
      await tx.exec(`insert into ${SCHEMA_HISTORY_TABLE} values(?)`, [steps.length - 1]);
    });
    return;
  }
  await runSteps(s, SCHEMA_HISTORY_TABLE, steps);
}

/**
 * Applies `steps` in order, recording the last one applied in `versionTable` as upstream's
 * sqldb.Migrate does (a row starting at -1). Each step runs in a transaction that first moves the
 * version from the step before to this one, so two processes migrating at once apply each step
 * once (the second finds the version already moved).
 */
export async function runSteps(s: SqlSession, versionTable: string, steps: readonly Step[]): Promise<void> {
  await s.exec(
    `create table if not exists ${versionTable}(schema_version int not null, primary key(schema_version))`,
  );
  const rows = await s.query(`select schema_version from ${versionTable}`);
  if (rows.length === 0) await s.exec(`insert into ${versionTable} values(-1)`);
  for (const [version, step] of steps.entries()) {
    await s.transaction(async (tx) => {
      const moved = await tx.exec(`update ${versionTable} set schema_version = ? where schema_version = ?`, [
        version,
        version - 1,
      ]);
      if (moved === 1) await applyStep(tx, s.dialect, step);
    });
  }
}
