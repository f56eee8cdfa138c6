// Node-status offload, in upstream's table (argo_workflows unless `tableName` says otherwise): when
// a workflow's status is too large to store with it, its nodes go to one row per version
// (clustername, uid, version, namespace, nodes, updatedat) and the workflow keeps only
// status.offloadNodeStatusVersion; readers put the nodes back (hydrator.ts decides when). Versions
// are `fnv:<hash>` of the nodes, as upstream names them; superseded versions are deleted once older
// than the offload TTL.
import type { Nodes } from './compressed-nodes.js';
import { DEFAULT_OFFLOAD_TABLE } from './migrations.js';
import type { SqlSession } from './sql-session.js';
import { toSqlTime } from './sql-time.js';

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

/** What readers, writers and the collector use of an offload table. */
export type NodeOffloadStore = Pick<NodeStatusOffload, 'save' | 'get' | 'collectGarbage'>;

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

  /**
   * Versions not refreshed within the offload TTL, by uid: candidates for deletion. `namespace`
   * limits them to a controller's managed namespace; '' means all.
   */
  async listOld(namespace = ''): Promise<Map<string, string[]>> {
    const cutoff = toSqlTime(new Date(this.now().getTime() - this.ttlSeconds * 1000).toISOString());
    const rows = await this.session.query<{ uid: string; version: string }>(
      `select uid, version from ${this.table} where clustername = ? and updatedat < ?${namespace ? ' and namespace = ?' : ''}`,
      namespace ? [this.clusterName, cutoff, namespace] : [this.clusterName, cutoff],
    );
    const byUid = new Map<string, string[]>();
    for (const r of rows) byUid.set(r.uid, [...(byUid.get(r.uid) ?? []), r.version]);
    return byUid;
  }

  async delete(uid: string, version: string): Promise<void> {
    await this.session.exec(`delete from ${this.table} where clustername = ? and uid = ? and version = ?`, [
      this.clusterName,
      uid,
      version,
    ]);
  }

  /**
   * Deletes old versions that are not the one their workflow points at now, as upstream's periodic
   * workflow GC does; `liveVersion` answers for the uids of live workflows (undefined: none lives,
   * or its nodes are inline). Returns how many went.
   */
  async collectGarbage(liveVersion: (uid: string) => string | undefined, namespace = ''): Promise<number> {
    let n = 0;
    for (const [uid, versions] of await this.listOld(namespace)) {
      const live = liveVersion(uid);
      for (const version of versions) {
        if (version === live) continue;
        await this.delete(uid, version);
        n++;
      }
    }
    return n;
  }
}
