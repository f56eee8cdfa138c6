// Node-status offload against SQLite, PostgreSQL and MariaDB: a workflow above the threshold keeps
// only its offload version and reads back whole; rows have upstream's shape (and rows shaped as
// upstream writes them read back); superseded versions go once old, the ones in use stay.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Workflow } from '../../../src/model/workflow.js';
import { migrate, openSession, type SqlSession } from '../../../src/persist/index.js';
import { dehydrate, hydrate, NodeStatusOffload, offloadVersion } from '../../../src/persist/node-offload.js';
import { testDatabases } from './databases.js';

function bigWorkflow(uid: string, nodeCount: number): Workflow {
  const nodes: Record<string, unknown> = {};
  for (let i = 0; i < nodeCount; i++)
    nodes[`wf-${i}`] = {
      id: `wf-${i}`,
      name: `wf[${i}]`,
      type: 'Pod',
      phase: 'Succeeded',
      message: 'x'.repeat(100),
    };
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { name: 'big', namespace: 'argo', uid },
    spec: { entrypoint: 'main' },
    status: { phase: 'Running', nodes: nodes as never },
  };
}

const databases = await testDatabases();

for (const database of databases) {
  if (database.unavailable && !process.env.CI) {
    console.warn(`skipping the offload tests on ${database.label}: ${database.unavailable}`);
    describe.skip(`node-status offload on ${database.label} (skipped: ${database.unavailable})`, () => {
      it('needs the database', () => undefined);
    });
    continue;
  }

  describe(`node-status offload on ${database.label}`, () => {
    let session: SqlSession;
    let drop: () => Promise<void>;
    let now = new Date('2026-03-01T00:00:00Z');
    let offload: NodeStatusOffload;

    beforeAll(async () => {
      if (database.unavailable) throw new Error(database.unavailable);
      const created = await database.create();
      drop = created.drop;
      session = await openSession(created.db);
      await migrate(session, { clusterName: 'default' });
      offload = new NodeStatusOffload(session, { now: () => now });
    });

    afterAll(async () => {
      await session?.close();
      await drop?.();
    });

    it('offloads a workflow above the threshold and hydrates it back whole', async () => {
      const wf = bigWorkflow('uid-big', 200);
      const original = structuredClone(wf);
      expect(await dehydrate(wf, offload, { thresholdBytes: 10_000 })).toBe(true);
      expect(wf.status?.nodes).toBeUndefined();
      expect(wf.status?.offloadNodeStatusVersion).toMatch(/^fnv:\d+$/);
      expect(Buffer.byteLength(JSON.stringify(wf))).toBeLessThan(1000);
      await hydrate(wf, offload);
      expect(wf.status?.nodes).toEqual(original.status?.nodes);

      // Below the threshold nothing moves.
      const small = bigWorkflow('uid-small', 2);
      expect(await dehydrate(small, offload, { thresholdBytes: 10_000 })).toBe(false);
      expect(small.status?.nodes).toBeDefined();
      expect(await dehydrate(small, offload, { thresholdBytes: 10_000, always: true })).toBe(true);
    });

    it("writes upstream's row shape and reads rows shaped as upstream writes them", async () => {
      const rows = await session.query<{ clustername: string; namespace: string; version: string }>(
        "select clustername, namespace, version from argo_workflows where uid = 'uid-big'",
      );
      expect(rows).toEqual([
        { clustername: 'default', namespace: 'argo', version: expect.stringMatching(/^fnv:/) },
      ]);
      await session.exec(
        'insert into argo_workflows (clustername, uid, version, namespace, nodes, updatedat) values (?, ?, ?, ?, ?, ?)',
        [
          'default',
          'uid-upstream',
          'fnv:123',
          'argo',
          '{"n1":{"id":"n1","phase":"Failed"}}',
          '2026-03-01 00:00:00',
        ],
      );
      expect(await offload.get('uid-upstream', 'fnv:123')).toEqual({ n1: { id: 'n1', phase: 'Failed' } });
      await expect(offload.get('uid-upstream', 'fnv:999')).rejects.toThrow(/not found/);
    });

    it('deletes old versions no workflow uses, and keeps the ones in use and the recent ones', async () => {
      const wf = bigWorkflow('uid-gc', 3);
      const v1 = await offload.save('uid-gc', 'argo', wf.status!.nodes!);
      wf.status!.nodes!['wf-0'].phase = 'Failed';
      now = new Date(now.getTime() + 60_000);
      const v2 = await offload.save('uid-gc', 'argo', wf.status!.nodes!);
      expect(v2).not.toBe(v1);
      expect(v2).toBe(offloadVersion(wf.status!.nodes!));
      now = new Date(now.getTime() + 10 * 60_000);
      const inUse = new Set([
        `uid-gc/${v2}`,
        'uid-big/' + (await offload.listOld()).find((r) => r.uid === 'uid-big')?.version,
      ]);
      const deleted = await offload.collectGarbage(inUse);
      const left = await session.query<{ uid: string; version: string }>(
        "select uid, version from argo_workflows where uid in ('uid-gc', 'uid-big')",
      );
      expect(left.map((r) => `${r.uid}/${r.version}`).sort()).toEqual([...inUse].sort());
      expect(deleted).toBeGreaterThanOrEqual(1);
    });
  });
}
