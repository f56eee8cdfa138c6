// The workflow archive on SQL, in upstream's tables: one row per workflow in
// argo_archived_workflows (the whole workflow as JSON plus the columns lists filter and sort on)
// and one row per label in argo_archived_workflows_labels. Rows are scoped by cluster name and
// instance id, as upstream scopes them, so several controllers can share one database.
import type { Workflow } from '../model/workflow.js';
import { parseLabelSelector } from '../store/selectors.js';
import { ARCHIVED_RECORD_STATUS, LABEL_ARCHIVING_STATUS } from '../workflow/archived-record.js';
import type { ArchiveListOptions, WorkflowArchive } from './archive-api.js';
import { labelCondition, type SqlCondition } from './label-query.js';
import { ARCHIVE_LABELS_TABLE, ARCHIVE_TABLE } from './migrations.js';
import { NodeStatusOffload, type NodeOffloadOptions } from './node-offload.js';
import { isRetryableConflict, type Dialect, type SqlSession, type SqlValue } from './sql-session.js';
import { fromSqlTime, toSqlTime } from './sql-time.js';

export { ARCHIVED_RECORD_STATUS };

// PostgreSQL's json cannot hold \u0000; upstream stores this marker in its place.
const POSTGRES_NULL_REPLACEMENT = 'ARGO_POSTGRES_NULL_REPLACEMENT';

export interface ArchiveScope {
  /** Upstream's `persistence.clusterName`; `default` unless configured. */
  clusterName?: string;
  /** The controller's instance id; '' when none. */
  instanceID?: string;
  /** When the controller manages one namespace, the archive holds and shows only that namespace. */
  managedNamespace?: string;
}

interface SummaryRow {
  name: string;
  namespace: string;
  uid: string;
  phase: string;
  startedat: unknown;
  finishedat: unknown;
  creationtimestamp: unknown;
  labels: unknown;
  annotations: unknown;
  progress: unknown;
  suspend: unknown;
  arguments: unknown;
  message: unknown;
  estimatedduration: unknown;
  resourcesduration: unknown;
}

/** A JSON member of the `workflow` column: as JSON (`text` false) or as the text of a scalar. */
function jsonAt(dialect: Dialect, path: string[], text: boolean): string {
  switch (dialect) {
    case 'postgres':
      return (
        'workflow' + path.map((p, i) => (text && i === path.length - 1 ? `->>'${p}'` : `->'${p}'`)).join('')
      );
    case 'mysql': {
      const e = `JSON_EXTRACT(workflow, '$.${path.join('.')}')`;
      return text ? `JSON_UNQUOTE(${e})` : e;
    }
    case 'sqlite':
      return `json_extract(workflow, '$.${path.join('.')}')`;
  }
}

function summaryColumns(d: Dialect): string {
  const obj = (path: string[]): string => `coalesce(${jsonAt(d, path, false)}, '{}')`;
  const txt = (path: string[], dflt: string): string => `coalesce(${jsonAt(d, path, true)}, '${dflt}')`;
  return [
    'name',
    'namespace',
    'uid',
    'phase',
    'startedat',
    'finishedat',
    'creationtimestamp',
    `${obj(['metadata', 'labels'])} as labels`,
    `${obj(['metadata', 'annotations'])} as annotations`,
    `${txt(['status', 'progress'], '')} as progress`,
    `${jsonAt(d, ['spec', 'suspend'], true)} as suspend`,
    `${obj(['spec', 'arguments'])} as arguments`,
    `${txt(['status', 'message'], '')} as message`,
    `${txt(['status', 'estimatedDuration'], '0')} as estimatedduration`,
    `${obj(['status', 'resourcesDuration'])} as resourcesduration`,
  ].join(', ');
}

/** mysql2 parses MySQL's JSON type itself; the other drivers hand over text. */
function jsonValue<T>(v: unknown): T {
  return (typeof v === 'string' ? JSON.parse(v) : v) as T;
}

function nonEmpty<T extends object>(o: T | undefined): T | undefined {
  return o && Object.keys(o).length > 0 ? o : undefined;
}

function fromSummary(r: SummaryRow): Workflow {
  const labels = {
    ...jsonValue<Record<string, string>>(r.labels),
    [LABEL_ARCHIVING_STATUS]: ARCHIVED_RECORD_STATUS,
  };
  const suspend =
    r.suspend === null || r.suspend === undefined
      ? undefined
      : [true, 1, 'true', '1'].includes(r.suspend as never);
  const estimated = Number(r.estimatedduration ?? 0);
  return {
    metadata: {
      name: r.name,
      namespace: r.namespace,
      uid: r.uid,
      creationTimestamp: fromSqlTime(r.creationtimestamp),
      labels,
      annotations: nonEmpty(jsonValue<Record<string, string>>(r.annotations)),
    },
    spec: { suspend, arguments: jsonValue(r.arguments) },
    status: {
      phase: r.phase as NonNullable<Workflow['status']>['phase'],
      startedAt: fromSqlTime(r.startedat),
      finishedAt: fromSqlTime(r.finishedat),
      progress: (r.progress as string) || undefined,
      message: (r.message as string) || undefined,
      estimatedDuration: estimated || undefined,
      resourcesDuration: nonEmpty(jsonValue<Record<string, number>>(r.resourcesduration)),
    },
  };
}

export class SqlWorkflowArchive implements WorkflowArchive {
  readonly enabled = true;
  private readonly clusterName: string;
  private readonly instanceID: string;
  private readonly managedNamespace: string;

  constructor(
    private readonly session: SqlSession,
    scope: ArchiveScope = {},
  ) {
    this.clusterName = scope.clusterName || 'default';
    this.instanceID = scope.instanceID ?? '';
    this.managedNamespace = scope.managedNamespace ?? '';
  }

  /** The node-status offload table beside the archive, on the same connection and cluster name. */
  nodeOffload(opts: Omit<NodeOffloadOptions, 'clusterName'> = {}): NodeStatusOffload {
    return new NodeStatusOffload(this.session, { ...opts, clusterName: this.clusterName });
  }

  /** This controller's rows: its cluster, its instance id and (when it manages one) its namespace. */
  private scope(): SqlCondition {
    const sql = ['clustername = ?', 'instanceid = ?'];
    const params: SqlValue[] = [this.clusterName, this.instanceID];
    if (this.managedNamespace) {
      sql.push('namespace = ?');
      params.push(this.managedNamespace);
    }
    return { sql: sql.join(' and '), params };
  }

  private filters(opts: ArchiveListOptions): SqlCondition {
    const parts: SqlCondition[] = [this.scope()];
    const add = (sql: string, ...params: SqlValue[]): void => void parts.push({ sql, params });
    if (opts.namespace) add(opts.namespaceNotEquals ? 'namespace != ?' : 'namespace = ?', opts.namespace);
    const at = (ms: number): string => toSqlTime(new Date(ms).toISOString());
    if (opts.minStartedAt !== undefined) add('startedat >= ?', at(opts.minStartedAt));
    if (opts.maxStartedAt !== undefined) add('startedat <= ?', at(opts.maxStartedAt));
    if (opts.createdAfter !== undefined) add('creationtimestamp >= ?', at(opts.createdAfter));
    if (opts.finishedBefore !== undefined) add('finishedat <= ?', at(opts.finishedBefore));
    if (opts.namePrefix) add('name like ?', `${opts.namePrefix}%`);
    if (opts.name) {
      const filter = opts.nameFilter || 'Exact';
      if (filter === 'Exact') add('name = ?', opts.name);
      else if (filter === 'Contains') add('name like ?', `%${opts.name}%`);
      else if (filter === 'Prefix') add('name like ?', `${opts.name}%`);
      else if (filter === 'NotEquals') add('name != ?', opts.name);
      else throw new Error(`unknown name filter "${filter}" (Exact, Contains, Prefix or NotEquals)`);
    }
    for (const req of parseLabelSelector(opts.labelSelector ?? ''))
      parts.push(labelCondition(this.session.dialect, req, ARCHIVE_TABLE, ARCHIVE_LABELS_TABLE));
    return { sql: parts.map((p) => p.sql).join(' and '), params: parts.flatMap((p) => p.params) };
  }

  async archiveWorkflow(wf: Workflow): Promise<void> {
    const { uid, name, namespace, creationTimestamp } = wf.metadata;
    if (!uid || !name || !namespace)
      throw new Error('cannot archive a workflow without metadata.uid, metadata.name and metadata.namespace');
    const labels = { ...wf.metadata.labels, [LABEL_ARCHIVING_STATUS]: ARCHIVED_RECORD_STATUS };
    let json = JSON.stringify({ ...wf, metadata: { ...wf.metadata, labels } });
    if (this.session.dialect === 'postgres') json = json.replaceAll('\\u0000', POSTGRES_NULL_REPLACEMENT);
    const created = creationTimestamp ?? new Date().toISOString();
    // A workflow that never started (an invalid spec) is recorded as starting when it was created.
    const started = wf.status?.startedAt ?? created;
    const finished = wf.status?.finishedAt ?? started;
    await this.retryingConflicts(() =>
      this.session.transaction(async (tx) => {
        const scope = this.scope();
        await tx.exec(`delete from ${ARCHIVE_TABLE} where ${scope.sql} and uid = ?`, [...scope.params, uid]);
        await tx.exec(
          `insert into ${ARCHIVE_TABLE} (clustername, instanceid, uid, name, namespace, phase, startedat, finishedat, creationtimestamp, workflow) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [
            this.clusterName,
            this.instanceID,
            uid,
            name,
            namespace,
            wf.status?.phase ?? '',
            toSqlTime(started),
            toSqlTime(finished),
            toSqlTime(created),
            json,
          ],
        );
        await tx.exec(`delete from ${ARCHIVE_LABELS_TABLE} where clustername = ? and uid = ?`, [
          this.clusterName,
          uid,
        ]);
        const entries = Object.entries(labels);
        await tx.exec(
          `insert into ${ARCHIVE_LABELS_TABLE} (clustername, uid, name, value) values ${entries.map(() => '(?, ?, ?, ?)').join(', ')}`,
          entries.flatMap(([k, v]) => [this.clusterName, uid, k, v]),
        );
      }),
    );
  }

  /**
   * Archivers racing on one database can deadlock: MySQL locks the gap a delete of a missing row
   * leaves, and two inserts into it deadlock. The database rolls one back; running it again succeeds.
   */
  private async retryingConflicts<T>(run: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await run();
      } catch (err) {
        if (attempt >= 10 || !isRetryableConflict(err)) throw err;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
      }
    }
  }

  async list(opts: ArchiveListOptions): Promise<Workflow[]> {
    const where = this.filters(opts);
    const params = [...where.params];
    const order = 'order by startedat desc, uid desc';
    let sql = `select ${summaryColumns(this.session.dialect)} from ${ARCHIVE_TABLE} where ${where.sql} ${order}`;
    // Limit 0 lists everything, as a Kubernetes list does.
    if (opts.limit > 0) {
      // The page's keys first, then the summary of those rows only: a deep page would otherwise
      // read the JSON of every row it skips.
      const page = `select clustername as pc, uid as pu from ${ARCHIVE_TABLE} where ${where.sql} ${order} limit ? offset ?`;
      params.push(opts.limit, Math.max(opts.offset, 0));
      sql = `select ${summaryColumns(this.session.dialect)} from ${ARCHIVE_TABLE} join (${page}) p on clustername = p.pc and uid = p.pu ${order}`;
    }
    const rows = await this.session.query<SummaryRow>(sql, params);
    return rows.map(fromSummary);
  }

  async count(opts: ArchiveListOptions): Promise<number> {
    const where = this.filters(opts);
    const rows = await this.session.query<{ total: number | string }>(
      `select count(*) as total from ${ARCHIVE_TABLE} where ${where.sql}`,
      where.params,
    );
    return Number(rows[0]?.total ?? 0);
  }

  async get(uid: string, namespace: string, name: string): Promise<Workflow | undefined> {
    const scope = this.scope();
    let rows: { workflow: unknown }[];
    if (uid) {
      rows = await this.session.query(
        `select workflow from ${ARCHIVE_TABLE} where ${scope.sql} and uid = ?`,
        [...scope.params, uid],
      );
    } else {
      if (!name || !namespace)
        throw new Error('both name and namespace are required if uid is not specified');
      // The same name may have been archived more than once; the latest run answers.
      rows = await this.session.query(
        `select workflow from ${ARCHIVE_TABLE} where ${scope.sql} and namespace = ? and name = ? order by startedat desc limit 1`,
        [...scope.params, namespace, name],
      );
    }
    if (rows.length === 0) return undefined;
    let text = typeof rows[0].workflow === 'string' ? rows[0].workflow : JSON.stringify(rows[0].workflow);
    if (this.session.dialect === 'postgres') text = text.replaceAll(POSTGRES_NULL_REPLACEMENT, '\\u0000');
    const wf = JSON.parse(text) as Workflow;
    wf.metadata.labels = { ...wf.metadata.labels, [LABEL_ARCHIVING_STATUS]: ARCHIVED_RECORD_STATUS };
    return wf;
  }

  async delete(uid: string): Promise<void> {
    const scope = this.scope();
    await this.session.exec(`delete from ${ARCHIVE_TABLE} where ${scope.sql} and uid = ?`, [
      ...scope.params,
      uid,
    ]);
  }

  /** Deletes records that finished more than `ttlSeconds` ago (`persistence.archiveTTL`); returns how many. */
  async deleteExpired(ttlSeconds: number): Promise<number> {
    const seconds = Math.floor(ttlSeconds);
    if (!(seconds >= 0)) throw new Error(`archive TTL must be zero or more seconds, got ${ttlSeconds}`);
    const scope = this.scope();
    const cutoff =
      this.session.dialect === 'sqlite'
        ? `datetime('now', '-${seconds} seconds')`
        : `current_timestamp - interval '${seconds}' second`;
    return this.session.exec(
      `delete from ${ARCHIVE_TABLE} where ${scope.sql} and finishedat < ${cutoff}`,
      scope.params,
    );
  }

  /** Every label key in the archive (all clusters, as upstream lists them). */
  async labelKeys(): Promise<string[]> {
    const rows = await this.session.query<{ name: string }>(
      `select distinct name from ${ARCHIVE_LABELS_TABLE} order by name`,
    );
    return rows.map((r) => r.name);
  }

  async labelValues(key: string): Promise<string[]> {
    const rows = await this.session.query<{ value: string }>(
      `select distinct value from ${ARCHIVE_LABELS_TABLE} where name = ? order by value`,
      [key],
    );
    return rows.map((r) => r.value);
  }

  close(): Promise<void> {
    return this.session.close();
  }
}
