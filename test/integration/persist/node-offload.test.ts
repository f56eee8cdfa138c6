// Node-status offload against SQLite, PostgreSQL and MariaDB: upstream's decision (inline under
// MAX_WORKFLOW_SIZE, compressed above it, offloaded when still too large or always when told),
// the workflow keeping only its offload version and reading back whole; rows have upstream's shape
// (and rows shaped as upstream writes them read back); superseded versions go once old, the ones
// in use stay, as the controller's periodic collection decides from its live workflows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OffloadCollector } from '../../../src/controller/offload-gc.js';
import type { Workflow } from '../../../src/model/workflow.js';
import { OFFLOAD_DISABLED, WorkflowHydrator, withNodes } from '../../../src/persist/hydrator.js';
import { migrate, openSession, type SqlSession } from '../../../src/persist/index.js';
import { NodeStatusOffload, offloadVersion } from '../../../src/persist/node-offload.js';
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

    it('offloads a workflow too large even compressed, and hydrates it back whole', async () => {
      const wf = bigWorkflow('uid-big', 200);
      const hydrator = new WorkflowHydrator(offload, true, { maxWorkflowSize: 1000, alwaysOffload: false });
      const stored = await hydrator.dehydrate(wf);
      expect(stored).not.toBe(wf);
      expect(wf.status?.nodes).toBeDefined();
      expect(stored.status?.nodes).toBeUndefined();
      expect(stored.status?.compressedNodes).toBeUndefined();
      expect(stored.status?.offloadNodeStatusVersion).toBe(offloadVersion(wf.status!.nodes!));
      expect(Buffer.byteLength(JSON.stringify(stored))).toBeLessThan(1000);
      const read = await hydrator.hydrate(stored);
      expect(read.status?.nodes).toEqual(wf.status?.nodes);
      expect(read.status?.offloadNodeStatusVersion).toBeUndefined();
      // A controller's copy keeps the version it was stored with.
      const kept = await hydrator.hydrate(stored, { keepVersion: true });
      expect(kept.status?.offloadNodeStatusVersion).toBe(stored.status?.offloadNodeStatusVersion);
      expect(withNodes(stored, wf.status?.nodes)).toEqual(kept);
      // Nodes in hand win over the version a copy still carries: they are what the next write stores.
      kept.status!.nodes!['wf-0'].phase = 'Failed';
      const again = await hydrator.dehydrate(kept);
      expect(again.status?.offloadNodeStatusVersion).not.toBe(stored.status?.offloadNodeStatusVersion);
      expect((await hydrator.hydrate(again)).status?.nodes?.['wf-0'].phase).toBe('Failed');
    });

    it('keeps small workflows inline, compresses what fits compressed, offloads every one when always', async () => {
      const hydrator = new WorkflowHydrator(offload, true, { maxWorkflowSize: 10_000, alwaysOffload: false });
      const small = bigWorkflow('uid-small', 2);
      expect(await hydrator.dehydrate(small)).toBe(small);
      // 200 nodes of repeated text: ~40 KB as JSON, a few KB gzipped.
      const wf = bigWorkflow('uid-compressed', 200);
      const compressed = await hydrator.dehydrate(wf);
      expect(compressed.status?.nodes).toBeUndefined();
      expect(compressed.status?.compressedNodes).toMatch(/^H4sI/);
      expect(compressed.status?.offloadNodeStatusVersion).toBeUndefined();
      expect((await new WorkflowHydrator(undefined, false).hydrate(compressed)).status?.nodes).toEqual(
        wf.status?.nodes,
      );
      expect(await session.query("select uid from argo_workflows where uid = 'uid-compressed'")).toEqual([]);

      const always = new WorkflowHydrator(offload, true, { maxWorkflowSize: 10_000, alwaysOffload: true });
      expect((await always.dehydrate(small)).status?.offloadNodeStatusVersion).toMatch(/^fnv:\d+$/);
      // Without nodeStatusOffLoad nothing moves, but the table is still read.
      const reader = new WorkflowHydrator(offload, false);
      expect(await reader.dehydrate(wf)).toBe(wf);
      const offloaded = await always.dehydrate(wf);
      expect((await reader.hydrate(offloaded)).status?.nodes).toEqual(wf.status?.nodes);
      await expect(new WorkflowHydrator(undefined, false).hydrate(offloaded)).rejects.toThrow(
        OFFLOAD_DISABLED,
      );
    });

    it("writes upstream's row shape and reads rows shaped as upstream writes them", async () => {
      const rows = await session.query<{ clustername: string; namespace: string; version: string }>(
        "select clustername, namespace, version from argo_workflows where uid = 'uid-big'",
      );
      // The first test stored two versions of it: before and after its first node failed.
      const shape = {
        clustername: 'default',
        namespace: 'argo',
        version: expect.stringMatching(/^fnv:\d+$/),
      };
      expect(rows).toEqual([shape, shape]);
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

    it('deletes old versions no live workflow points at, and keeps the ones in use and the recent ones', async () => {
      const wf = bigWorkflow('uid-gc', 3);
      const v1 = await offload.save('uid-gc', 'argo', wf.status!.nodes!);
      wf.status!.nodes!['wf-0'].phase = 'Failed';
      now = new Date(now.getTime() + 60_000);
      const v2 = await offload.save('uid-gc', 'argo', wf.status!.nodes!);
      expect(v2).not.toBe(v1);
      expect(v2).toBe(offloadVersion(wf.status!.nodes!));
      // A version of another namespace, and a recent one no workflow points at yet (a write under way).
      await offload.save('uid-elsewhere', 'other', wf.status!.nodes!);
      now = new Date(now.getTime() + 10 * 60_000);
      const recent = await offload.save('uid-gc', 'argo', { n: { id: 'n', name: 'n' } as never });
      const bigVersion = (await offload.listOld()).get('uid-big')?.[0];
      expect(bigVersion).toBeDefined();
      // What the controller's cache holds: the live workflows and the versions they were stored with.
      const live: Workflow[] = [
        { ...wf, status: { offloadNodeStatusVersion: v2 } },
        { ...bigWorkflow('uid-big', 0), status: { offloadNodeStatusVersion: bigVersion } },
      ];
      const logs: string[] = [];
      const collector = new OffloadCollector({
        offload,
        periodMs: 3_600_000,
        namespace: 'argo',
        liveWorkflows: () => live,
        log: (m) => logs.push(m),
      });
      await collector.collect();
      await collector.stop();
      const left = await session.query<{ uid: string; version: string }>(
        "select uid, version from argo_workflows where uid in ('uid-gc', 'uid-big', 'uid-elsewhere')",
      );
      expect(left.map((r) => `${r.uid}/${r.version}`).sort()).toEqual(
        [`uid-big/${bigVersion}`, `uid-elsewhere/${v2}`, `uid-gc/${recent}`, `uid-gc/${v2}`].sort(),
      );
      expect(logs.some((m) => /deleted [1-9]\d* superseded offloaded node status/.test(m))).toBe(true);
      // Once its workflow is gone, the last version goes too.
      live.length = 0;
      await new OffloadCollector({
        offload,
        periodMs: 3_600_000,
        namespace: '',
        liveWorkflows: () => live,
        log: () => undefined,
      }).collect();
      expect(
        await session.query(
          "select uid from argo_workflows where uid in ('uid-gc', 'uid-big', 'uid-elsewhere') and version <> ?",
          [recent],
        ),
      ).toEqual([]);
    });
  });
}
