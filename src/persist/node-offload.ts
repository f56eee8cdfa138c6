// Node-status offload, in upstream's table (argo_workflows unless `tableName` says otherwise): when
// a workflow's status is too large to store with it, its nodes go to one row per version
// (clustername, uid, version, namespace, nodes, updatedat) and the workflow keeps only
// status.offloadNodeStatusVersion; readers put the nodes back. Versions are `fnv:<hash>` of the
// nodes, as upstream names them; superseded versions are deleted once older than the offload TTL.
import type { Workflow } from '../model/workflow.js';
import { DEFAULT_OFFLOAD_TABLE } from './migrations.js';
import type { SqlSession } from './sql-session.js';
import { toSqlTime } from './sql-time.js';

type Nodes = NonNullable<NonNullable<Workflow['status']>['nodes']>;

/** upstream's MAX_WORKFLOW_SIZE default: a workflow larger than this (as JSON) has its nodes offloaded. */
export const DEFAULT_OFFLOAD_THRESHOLD_BYTES = 1024 * 1024;
/** upstream's OFFLOAD_NODE_STATUS_TTL default: superseded versions are kept this long. */
export const DEFAULT_OFFLOAD_TTL_SECONDS = 300;

/** 32-bit FNV-1, as Go's hash/fnv New32 computes it. */
function fnv1(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    h = Math.imul(h, 0x01000193) >>> 0;
    h = (h ^ byte) >>> 0;
  }
  return h;
}

export function offloadVersion(nodes: Nodes): string {
  return `fnv:${fnv1(JSON.stringify(nodes))}`;
}

export interface NodeOffloadOptions {
  clusterName?: string;
  tableName?: string;
  ttlSeconds?: number;
  now?: () => Date;
}

export class NodeStatusOffload {
  private readonly clusterName: string;
  private readonly table: string;
  private readonly ttlSeconds: number;
  private readonly now: () => Date;

  constructor(
    private readonly session: SqlSession,
    opts: NodeOffloadOptions = {},
  ) {
    this.clusterName = opts.clusterName || 'default';
    this.table = opts.tableName || DEFAULT_OFFLOAD_TABLE;
    this.ttlSeconds = opts.ttlSeconds ?? DEFAULT_OFFLOAD_TTL_SECONDS;
    this.now = opts.now ?? (() => new Date());
  }

  /** Stores the nodes (once per version; a repeat only refreshes its time) and returns the version. */
  async save(uid: string, namespace: string, nodes: Nodes): Promise<string> {
    const version = offloadVersion(nodes);
    const now = toSqlTime(this.now().toISOString());
    const refreshed = await this.session.exec(
      `update ${this.table} set updatedat = ? where clustername = ? and uid = ? and version = ?`,
      [now, this.clusterName, uid, version],
    );
    if (refreshed === 0)
      await this.session.exec(
        `insert into ${this.table} (clustername, uid, version, namespace, nodes, updatedat) values (?, ?, ?, ?, ?, ?)`,
        [this.clusterName, uid, version, namespace, JSON.stringify(nodes), now],
      );
    return version;
  }

  async get(uid: string, version: string): Promise<Nodes> {
    const rows = await this.session.query<{ nodes: unknown }>(
      `select nodes from ${this.table} where clustername = ? and uid = ? and version = ?`,
      [this.clusterName, uid, version],
    );
    if (rows.length === 0) throw new Error(`offloaded nodes of workflow ${uid} version ${version} not found`);
    const v = rows[0].nodes;
    return (typeof v === 'string' ? JSON.parse(v) : v) as Nodes;
  }

  /** Versions not refreshed within the offload TTL: candidates for deletion. */
  async listOld(): Promise<{ uid: string; version: string }[]> {
    const cutoff = toSqlTime(new Date(this.now().getTime() - this.ttlSeconds * 1000).toISOString());
    return this.session.query(
      `select uid, version from ${this.table} where clustername = ? and updatedat < ?`,
      [this.clusterName, cutoff],
    );
  }

  async delete(uid: string, version: string): Promise<void> {
    await this.session.exec(`delete from ${this.table} where clustername = ? and uid = ? and version = ?`, [
      this.clusterName,
      uid,
      version,
    ]);
  }

  /** Deletes old versions no live workflow points at (`<uid>/<version>`); returns how many. */
  async collectGarbage(inUse: ReadonlySet<string>): Promise<number> {
    let n = 0;
    for (const r of await this.listOld()) {
      if (inUse.has(`${r.uid}/${r.version}`)) continue;
      await this.delete(r.uid, r.version);
      n++;
    }
    return n;
  }
}

/**
 * Moves a workflow's nodes to the offload table when it is larger than `thresholdBytes` as JSON
 * (or always, upstream's ALWAYS_OFFLOAD_NODE_STATUS). Returns whether it did.
 */
export async function dehydrate(
  wf: Workflow,
  offload: NodeStatusOffload,
  opts: { thresholdBytes?: number; always?: boolean } = {},
): Promise<boolean> {
  const nodes = wf.status?.nodes;
  if (!nodes || Object.keys(nodes).length === 0) return false;
  const large =
    Buffer.byteLength(JSON.stringify(wf)) > (opts.thresholdBytes ?? DEFAULT_OFFLOAD_THRESHOLD_BYTES);
  if (!opts.always && !large) return false;
  const version = await offload.save(wf.metadata.uid ?? '', wf.metadata.namespace ?? '', nodes);
  delete wf.status!.nodes;
  wf.status!.offloadNodeStatusVersion = version;
  return true;
}

/**
 * Puts offloaded nodes back into the workflow (a no-op for one whose nodes are inline). The
 * version stays, as upstream's hydrator leaves it: the next write offloads again.
 */
export async function hydrate(wf: Workflow, offload: NodeStatusOffload): Promise<void> {
  const version = wf.status?.offloadNodeStatusVersion;
  if (!version) return;
  wf.status!.nodes = await offload.get(wf.metadata.uid ?? '', version);
}
