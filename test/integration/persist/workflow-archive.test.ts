// The workflow archive against SQLite, PostgreSQL and MariaDB: what `argo archive` users see
// (archive, get, list with label selectors and pages, delete, TTL expiry, label keys and values),
// and that the tables are upstream's: rows shaped as Argo's controller writes them read back here,
// and rows written here answer the queries Argo's server runs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Workflow } from '../../../src/model/workflow.js';
import {
  openSession,
  openWorkflowArchive,
  schemaVersion,
  type ArchiveDatabase,
  type SqlSession,
  type SqlWorkflowArchive,
} from '../../../src/persist/index.js';
import { testDatabases } from './databases.js';

const STATUS_LABEL = 'workflows.argoproj.io/workflow-archiving-status';
// Argo v4's persist/sqldb/migrate.go has 69 steps, numbered from 0.
const UPSTREAM_SCHEMA_VERSION = 68;

function workflow(
  name: string,
  opts: {
    startedAt: string;
    finishedAt?: string;
    labels?: Record<string, string>;
    namespace?: string;
    uid?: string;
  },
): Workflow {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: {
      name,
      namespace: opts.namespace ?? 'argo',
      uid: opts.uid ?? `uid-${name}`,
      creationTimestamp: opts.startedAt,
      labels: { 'workflows.argoproj.io/completed': 'true', ...opts.labels },
      annotations: { note: `about ${name}` },
    },
    spec: { entrypoint: 'main', arguments: { parameters: [{ name: 'p', value: name }] } },
    status: {
      phase: 'Succeeded',
      startedAt: opts.startedAt,
      finishedAt: opts.finishedAt ?? opts.startedAt,
      progress: '1/1',
      message: 'done',
      estimatedDuration: 7,
      resourcesDuration: { cpu: 1, memory: 2 },
      nodes: { [name]: { id: name, name, displayName: name, type: 'Pod', phase: 'Succeeded' } as never },
    },
  };
}

/** An ISO time `minutes` from now, at second precision. */
function minutesFromNow(minutes: number): string {
  return new Date(Date.now() + minutes * 60_000).toISOString().slice(0, 19) + 'Z';
}

const databases = await testDatabases();

for (const database of databases) {
  if (database.unavailable && !process.env.CI) {
    console.warn(`skipping the archive tests on ${database.label}: ${database.unavailable}`);
    describe.skip(`workflow archive on ${database.label} (skipped: ${database.unavailable})`, () => {
      it('needs the database', () => undefined);
    });
    continue;
  }

  describe(`workflow archive on ${database.label}`, () => {
    let db: ArchiveDatabase;
    let drop: () => Promise<void>;
    let archive: SqlWorkflowArchive;
    let raw: SqlSession;

    beforeAll(async () => {
      if (database.unavailable) throw new Error(database.unavailable);
      ({ db, drop } = await database.create());
      archive = await openWorkflowArchive(db);
      raw = await openSession(db);
    });

    afterAll(async () => {
      await archive?.close();
      await raw?.close();
      await drop?.();
    });

    /** Empties the archive so each test sees only its own records. */
    const clear = async (): Promise<void> => {
      await raw.exec('delete from argo_archived_workflows_labels');
      await raw.exec('delete from argo_archived_workflows');
    };

    it("migrates to upstream's schema version, and migrating again changes nothing", async () => {
      expect(schemaVersion({ clusterName: 'default' })).toBe(UPSTREAM_SCHEMA_VERSION);
      const versions = await raw.query<{ schema_version: number }>(
        'select schema_version from schema_history',
      );
      expect(versions.map((v) => Number(v.schema_version))).toEqual([UPSTREAM_SCHEMA_VERSION]);
      const again = await openWorkflowArchive(db);
      await again.close();
      const after = await raw.query<{ schema_version: number }>('select schema_version from schema_history');
      expect(after.map((v) => Number(v.schema_version))).toEqual([UPSTREAM_SCHEMA_VERSION]);
      // The offload table is there with upstream's columns.
      await raw.exec(
        "insert into argo_workflows (clustername, uid, namespace, version, nodes) values ('default', 'u', 'argo', 'fnv:1', '{}')",
      );
      await raw.exec('delete from argo_workflows');
    });

    it('archives a workflow and gets it back by uid and by namespace/name, marked Persisted', async () => {
      await clear();
      const wf = workflow('hello', { startedAt: '2026-03-01T10:00:00Z', finishedAt: '2026-03-01T10:05:00Z' });
      await archive.archiveWorkflow(wf);
      const byUid = await archive.get('uid-hello', '', '');
      expect(byUid?.status?.nodes).toEqual(wf.status?.nodes);
      expect(byUid?.spec).toEqual(wf.spec);
      expect(byUid?.metadata.labels?.[STATUS_LABEL]).toBe('Persisted');
      expect((await archive.get('', 'argo', 'hello'))?.metadata.uid).toBe('uid-hello');
      expect(await archive.get('no-such-uid', '', '')).toBeUndefined();
      expect(await archive.get('', 'other', 'hello')).toBeUndefined();
      await expect(archive.get('', '', 'hello')).rejects.toThrow(/both name and namespace are required/);
    });

    it('keeps a NUL character in a workflow intact', async () => {
      await clear();
      const wf = workflow('nul', { startedAt: '2026-03-01T10:00:00Z' });
      wf.status!.message = 'before\u0000after';
      await archive.archiveWorkflow(wf);
      expect((await archive.get('uid-nul', '', ''))?.status?.message).toBe('before\u0000after');
    });

    it('lists the summary of each record, most recently started first', async () => {
      await clear();
      await archive.archiveWorkflow(
        workflow('older', { startedAt: '2026-03-01T10:00:00Z', finishedAt: '2026-03-01T10:01:00Z' }),
      );
      await archive.archiveWorkflow(
        workflow('newer', { startedAt: '2026-03-02T10:00:00Z', finishedAt: '2026-03-02T10:01:00Z' }),
      );
      const items = await archive.list({ limit: 0, offset: 0 });
      expect(items.map((w) => w.metadata.name)).toEqual(['newer', 'older']);
      expect(items[0]).toEqual({
        metadata: {
          name: 'newer',
          namespace: 'argo',
          uid: 'uid-newer',
          creationTimestamp: '2026-03-02T10:00:00Z',
          labels: { 'workflows.argoproj.io/completed': 'true', [STATUS_LABEL]: 'Persisted' },
          annotations: { note: 'about newer' },
        },
        spec: { arguments: { parameters: [{ name: 'p', value: 'newer' }] } },
        status: {
          phase: 'Succeeded',
          startedAt: '2026-03-02T10:00:00Z',
          finishedAt: '2026-03-02T10:01:00Z',
          progress: '1/1',
          message: 'done',
          estimatedDuration: 7,
          resourcesDuration: { cpu: 1, memory: 2 },
        },
      });
    });

    it('filters by label selector, namespace and name', async () => {
      await clear();
      const add = (
        name: string,
        labels: Record<string, string>,
        namespace = 'argo',
        day = 1,
      ): Promise<void> =>
        archive.archiveWorkflow(
          workflow(name, { labels, namespace, startedAt: `2026-03-0${day}T10:00:00Z` }),
        );
      await add('build-a', { team: 'a', size: '3' }, 'argo', 1);
      await add('build-b', { team: 'b', size: '10' }, 'argo', 2);
      await add('test-a', { team: 'a' }, 'other', 3);
      await add('test-c', { team: 'c', size: '1' }, 'argo', 4);
      const names = async (opts: Parameters<SqlWorkflowArchive['list']>[0]): Promise<string[]> =>
        (await archive.list(opts)).map((w) => w.metadata.name ?? '');
      const q = (labelSelector: string) => names({ labelSelector, limit: 0, offset: 0 });
      expect(await q('team=a')).toEqual(['test-a', 'build-a']);
      expect(await q('team!=a')).toEqual(['test-c', 'build-b']);
      expect(await q('team in (b,c)')).toEqual(['test-c', 'build-b']);
      expect(await q('team notin (a,b)')).toEqual(['test-c']);
      expect(await q('size')).toEqual(['test-c', 'build-b', 'build-a']);
      expect(await q('!size')).toEqual(['test-a']);
      expect(await q('size>2')).toEqual(['build-b', 'build-a']);
      expect(await q('size<5,team=a')).toEqual(['build-a']);
      expect(await names({ namespace: 'other', limit: 0, offset: 0 })).toEqual(['test-a']);
      expect(await names({ namePrefix: 'build-', limit: 0, offset: 0 })).toEqual(['build-b', 'build-a']);
      expect(await names({ name: 'est', nameFilter: 'Contains', limit: 0, offset: 0 })).toEqual([
        'test-c',
        'test-a',
      ]);
      expect(await names({ name: 'build-a', limit: 0, offset: 0 })).toEqual(['build-a']);
      expect(await names({ name: 'build-a', nameFilter: 'NotEquals', limit: 0, offset: 0 })).toEqual([
        'test-c',
        'test-a',
        'build-b',
      ]);
      expect(await archive.count({ labelSelector: 'team=a', limit: 0, offset: 0 })).toBe(2);
      await expect(q('size>big')).rejects.toThrow(/invalid label selector "size>big"/);
    });

    it('pages with limit and offset', async () => {
      await clear();
      for (let i = 1; i <= 5; i++)
        await archive.archiveWorkflow(workflow(`wf-${i}`, { startedAt: `2026-03-0${i}T10:00:00Z` }));
      const page = async (offset: number): Promise<string[]> =>
        (await archive.list({ limit: 2, offset })).map((w) => w.metadata.name ?? '');
      expect(await page(0)).toEqual(['wf-5', 'wf-4']);
      expect(await page(2)).toEqual(['wf-3', 'wf-2']);
      expect(await page(4)).toEqual(['wf-1']);
      expect(await page(6)).toEqual([]);
      expect(await archive.count({ limit: 2, offset: 0 })).toBe(5);
    });

    it('replaces a record archived again, deletes one with its labels, and lists label keys and values', async () => {
      await clear();
      await archive.archiveWorkflow(
        workflow('one', { startedAt: '2026-03-01T10:00:00Z', labels: { env: 'dev' } }),
      );
      await archive.archiveWorkflow(
        workflow('two', { startedAt: '2026-03-02T10:00:00Z', labels: { env: 'prod', tier: 'x' } }),
      );
      await archive.archiveWorkflow(
        workflow('one', { startedAt: '2026-03-01T10:00:00Z', labels: { env: 'qa' } }),
      );
      expect(await archive.count({ limit: 0, offset: 0 })).toBe(2);
      expect(await archive.labelKeys()).toEqual(
        ['env', 'tier', STATUS_LABEL, 'workflows.argoproj.io/completed'].sort(),
      );
      expect(await archive.labelValues('env')).toEqual(['prod', 'qa']);
      await archive.delete('uid-two');
      expect(await archive.get('uid-two', '', '')).toBeUndefined();
      expect(await archive.labelValues('env')).toEqual(['qa']);
      expect(await archive.labelKeys()).not.toContain('tier');
    });

    it('deletes records that finished longer ago than the TTL', async () => {
      await clear();
      await archive.archiveWorkflow(
        workflow('old', { startedAt: minutesFromNow(-180), finishedAt: minutesFromNow(-120) }),
      );
      await archive.archiveWorkflow(
        workflow('recent', { startedAt: minutesFromNow(-10), finishedAt: minutesFromNow(-5) }),
      );
      expect(await archive.deleteExpired(3600)).toBe(1);
      expect((await archive.list({ limit: 0, offset: 0 })).map((w) => w.metadata.name)).toEqual(['recent']);
      expect(await archive.labelValues('workflows.argoproj.io/completed')).toEqual(['true']);
    });

    it('keeps concurrent archivers from losing or mixing records', async () => {
      await clear();
      const second = await openWorkflowArchive(db);
      try {
        await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            (i % 2 ? second : archive).archiveWorkflow(
              workflow(`c-${i}`, { startedAt: '2026-03-01T10:00:00Z', labels: { n: String(i) } }),
            ),
          ),
        );
      } finally {
        await second.close();
      }
      expect(await archive.count({ limit: 0, offset: 0 })).toBe(20);
      expect(
        (await archive.list({ labelSelector: 'n=7', limit: 0, offset: 0 })).map((w) => w.metadata.name),
      ).toEqual(['c-7']);
    });

    it("reads rows shaped as Argo's controller writes them", async () => {
      await clear();
      // The JSON as Go marshals a workflow; the columns as upstream's ArchiveWorkflow inserts them.
      const upstreamJson = JSON.stringify({
        metadata: {
          name: 'from-argo',
          namespace: 'argo',
          uid: '7b3c0a5e-0000-4000-8000-000000000001',
          creationTimestamp: '2026-02-01T09:59:58Z',
          labels: { 'workflows.argoproj.io/completed': 'true', [STATUS_LABEL]: 'Persisted', team: 'z' },
        },
        spec: { entrypoint: 'main', arguments: {}, suspend: true },
        status: {
          phase: 'Failed',
          startedAt: '2026-02-01T10:00:00Z',
          finishedAt: '2026-02-01T10:02:03Z',
          progress: '0/1',
          message: 'child failed',
          nodes: { 'from-argo': { id: 'from-argo', phase: 'Failed' } },
        },
      });
      await raw.exec(
        `insert into argo_archived_workflows (clustername, instanceid, uid, name, namespace, phase, startedat, finishedat, creationtimestamp, workflow) values ('default', '', '7b3c0a5e-0000-4000-8000-000000000001', 'from-argo', 'argo', 'Failed', '2026-02-01 10:00:00', '2026-02-01 10:02:03', '2026-02-01 09:59:58', ?)`,
        [upstreamJson],
      );
      await raw.exec(
        `insert into argo_archived_workflows_labels (clustername, uid, name, value) values ('default', '7b3c0a5e-0000-4000-8000-000000000001', 'workflows.argoproj.io/completed', 'true'), ('default', '7b3c0a5e-0000-4000-8000-000000000001', '${STATUS_LABEL}', 'Persisted'), ('default', '7b3c0a5e-0000-4000-8000-000000000001', 'team', 'z')`,
      );
      // A record of another cluster sharing the database is not ours to show.
      await raw.exec(
        `insert into argo_archived_workflows (clustername, instanceid, uid, name, namespace, phase, startedat, finishedat, creationtimestamp, workflow) values ('east', '', 'u-east', 'from-argo', 'argo', 'Failed', '2026-02-01 10:00:00', '2026-02-01 10:02:03', '2026-02-01 09:59:58', ?)`,
        [upstreamJson],
      );
      const [item] = await archive.list({ labelSelector: 'team=z', limit: 10, offset: 0 });
      expect(item.metadata).toMatchObject({
        name: 'from-argo',
        uid: '7b3c0a5e-0000-4000-8000-000000000001',
        creationTimestamp: '2026-02-01T09:59:58Z',
      });
      expect(item.spec.suspend).toBe(true);
      expect(item.status).toMatchObject({
        phase: 'Failed',
        startedAt: '2026-02-01T10:00:00Z',
        finishedAt: '2026-02-01T10:02:03Z',
        progress: '0/1',
        message: 'child failed',
      });
      expect(await archive.count({ limit: 0, offset: 0 })).toBe(1);
      const full = await archive.get('', 'argo', 'from-argo');
      expect(full?.status?.nodes).toEqual({ 'from-argo': { id: 'from-argo', phase: 'Failed' } });
      expect(await archive.labelValues('team')).toEqual(['z']);
    });

    it("writes rows that Argo's server queries read", async () => {
      await clear();
      await archive.archiveWorkflow(
        workflow('ours', {
          startedAt: '2026-03-01T10:00:00Z',
          finishedAt: '2026-03-01T10:00:30Z',
          labels: { team: 'q' },
        }),
      );
      // Upstream's list query for each database, label condition and all (SQLite has no upstream
      // list query; the same JSON functions stand in for MySQL's).
      const labelCond =
        "exists (select 1 from argo_archived_workflows_labels where clustername = argo_archived_workflows.clustername and uid = argo_archived_workflows.uid and name = 'team' and value = 'q')";
      const scope = "clustername = 'default' and instanceid = ''";
      const sql =
        database.label === 'PostgreSQL'
          ? `WITH workflows AS (select name, namespace, uid, phase, startedat, finishedat, creationtimestamp, coalesce(workflow->'metadata', '{}') as metadata, coalesce(workflow->'status', '{}') as status from argo_archived_workflows where ${scope} and ${labelCond} order by startedat desc limit 10 offset 0) select name, uid, phase, startedat, coalesce(metadata->>'labels', '{}') as labels, coalesce(status->>'progress', '') as progress from workflows`
          : database.label === 'MariaDB'
            ? `select name, uid, phase, startedat, coalesce(JSON_EXTRACT(workflow, '$.metadata.labels'), '{}') as labels, coalesce(JSON_UNQUOTE(JSON_EXTRACT(workflow, '$.status.progress')), '') as progress from argo_archived_workflows where ${scope} and ${labelCond} order by startedat desc limit 10 offset 0`
            : `select name, uid, phase, startedat, coalesce(json_extract(workflow, '$.metadata.labels'), '{}') as labels, coalesce(json_extract(workflow, '$.status.progress'), '') as progress from argo_archived_workflows where ${scope} and ${labelCond} order by startedat desc limit 10 offset 0`;
      const rows = await raw.query<Record<string, unknown>>(sql);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ name: 'ours', uid: 'uid-ours', phase: 'Succeeded', progress: '1/1' });
      expect(String(rows[0].startedat)).toMatch(/^2026-03-01 10:00:00/);
      expect(JSON.parse(String(rows[0].labels))).toEqual({
        'workflows.argoproj.io/completed': 'true',
        team: 'q',
        [STATUS_LABEL]: 'Persisted',
      });
      // GetWorkflow reads the workflow column whole; it is the workflow as archived.
      const [whole] = await raw.query<{ workflow: string }>(
        `select workflow from argo_archived_workflows where ${scope} and uid = 'uid-ours'`,
      );
      expect(JSON.parse(whole.workflow).status.nodes).toEqual(
        workflow('ours', { startedAt: '2026-03-01T10:00:00Z' }).status?.nodes,
      );
      // TTL deletion as upstream words it (SQLite spells the interval its own way).
      if (database.label !== 'SQLite') {
        await raw.exec(
          `delete from argo_archived_workflows where ${scope} and finishedat < current_timestamp - interval '60' second`,
        );
        expect(await archive.count({ limit: 0, offset: 0 })).toBe(0);
      }
    });
  });
}
