// The archive's database going away, for real: the controller's ConfigMap names PostgreSQL or
// MariaDB through a TCP proxy this test opens and closes. Down when the controller starts, it logs
// one line and keeps running workflows, which wait Pending archiving (still in the store) and are
// archived once the database can be reached; lost mid-run (the proxy cuts every connection), the
// write fails, is logged and retried, and lands once it is back. Nothing is lost either way.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowController } from '../../../src/controller/controller.js';
import type { ConfigMap, Secret } from '../../../src/model/meta.js';
import type { Workflow } from '../../../src/model/workflow.js';
import { DatabaseLocks } from '../../../src/controller/sync/database-locks.js';
import { decodeLockName } from '../../../src/controller/sync/lock-name.js';
import {
  openConfiguredSyncDatabase,
  openControllerArchive,
  type ControllerArchive,
} from '../../../src/persist/configured.js';
import { DatabaseUnreachableError } from '../../../src/persist/database-reachability.js';
import { offloadVersion } from '../../../src/persist/node-offload.js';
import { openWorkflowArchive } from '../../../src/persist/index.js';
import type { SqlWorkflowArchive } from '../../../src/persist/workflow-archive.js';
import { FakeKubelet } from '../../helpers/fake-kubelet.js';
import { MemoryStore } from '../../helpers/memory-store.js';
import { testServers, type TestServer } from './databases.js';
import { until } from '../../helpers/until.js';
import { TcpProxy } from '../../helpers/tcp-proxy.js';

const STATUS = 'workflows.argoproj.io/workflow-archiving-status';

/** How long each wait of this file may take. */
const WAIT_MS = 20_000;

const servers = await testServers();

for (const server of servers) {
  if (server.unavailable && !process.env.CI) {
    describe.skip(`archive connection failures on ${server.label} (skipped: ${server.unavailable})`, () => {
      it('needs the database', () => undefined);
    });
    continue;
  }
  describe(`archive connection failures on ${server.label}`, () => {
    let proxy: TcpProxy;
    let created: Awaited<ReturnType<TestServer['create']>>;
    let reader: SqlWorkflowArchive | undefined;
    const cleanups: (() => Promise<void> | void)[] = [];

    beforeAll(async () => {
      if (server.unavailable) throw new Error(server.unavailable);
      created = await server.create();
      proxy = await TcpProxy.onFreePort(server.port);
    });
    afterAll(async () => {
      for (const fn of cleanups.splice(0).reverse()) await fn();
      await reader?.close();
      await proxy?.close();
      await created?.drop();
    });

    /** A store whose ConfigMap names the database through the proxy, and a controller over it. */
    async function start(
      logs: string[],
      persistence = '',
    ): Promise<{ store: MemoryStore; archive: ControllerArchive | undefined }> {
      const store = new MemoryStore();
      await store.create<Secret>('Secret', {
        metadata: { name: 'argo-db', namespace: 'argo' },
        data: { username: Buffer.from(server.user).toString('base64'), password: '' },
      } as Secret);
      await store.create<ConfigMap>('ConfigMap', {
        metadata: { name: 'workflow-controller-configmap', namespace: 'argo' },
        data: {
          persistence: `archive: true\n${persistence}${server.kind}:\n  host: 127.0.0.1\n  port: ${proxy.port}\n  database: ${created.database}\n  userNameSecret: {name: argo-db, key: username}\n  passwordSecret: {name: argo-db, key: password}\n`,
        },
      } as ConfigMap);
      const log = (m: string): void => void logs.push(m);
      const archive = await openControllerArchive({ store, namespace: 'argo' }, log);
      const kubelet = new FakeKubelet(store);
      kubelet.start();
      const controller = new WorkflowController({
        store,
        archive: archive?.writer,
        archivePolicy: archive?.policy,
        hydrator: archive?.hydrator,
        offloadGC: archive?.offloadGC,
        log,
      });
      await controller.start();
      cleanups.push(() => kubelet.stop());
      cleanups.push(() => archive?.close());
      cleanups.push(() => controller.stop());
      return { store, archive };
    }

    const submit = (store: MemoryStore, name: string): Promise<Workflow> =>
      store.create<Workflow>('Workflow', {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Workflow',
        metadata: { name, namespace: 'default' },
        spec: { entrypoint: 'main', templates: [{ name: 'main', container: { image: 'alpine' } }] },
      });

    const labelOf = async (store: MemoryStore, name: string): Promise<string | undefined> =>
      (await store.get<Workflow>('Workflow', 'default', name))?.metadata.labels?.[STATUS];

    const archived = async (uid: string): Promise<Workflow | undefined> => {
      reader ??= await openWorkflowArchive(created.direct);
      return reader.get(uid, '', '');
    };

    it('down when the controller starts: one line, workflows still run, wait Pending in the store, then are archived', async () => {
      const logs: string[] = [];
      const { store, archive } = await start(logs);
      expect(archive?.writer).toBeDefined();
      expect(archive?.opened).toBeUndefined();
      const startLines = logs.filter((l) => l.includes('wait Pending archiving'));
      expect(startLines).toHaveLength(1);
      expect(startLines[0]).toMatch(
        new RegExp(
          `^workflow archive: \\S+ at 127\\.0\\.0\\.1:${proxy.port}/\\w+ cannot be reached: .*; completed workflows wait Pending archiving`,
        ),
      );

      const wf = await submit(store, 'while-down');
      await until('Pending', WAIT_MS, async () =>
        (await labelOf(store, 'while-down')) === 'Pending' ? true : undefined,
      );
      const stored = await store.get<Workflow>('Workflow', 'default', 'while-down');
      expect(stored?.status?.phase).toBe('Succeeded');

      await proxy.open();
      await until('Archived', WAIT_MS, async () =>
        (await labelOf(store, 'while-down')) === 'Archived' ? true : undefined,
      );
      // Down at start is the start line; back is one more line, and no line per workflow per retry.
      expect(logs.filter((l) => l.includes('can be reached again'))).toHaveLength(1);
      expect(logs.filter((l) => l.includes('cannot be reached'))).toEqual(startLines);
      expect(logs.filter((l) => l.startsWith('archiving workflow'))).toHaveLength(0);
      const record = await archived(wf.metadata.uid ?? '');
      expect(record?.metadata.name).toBe('while-down');
      expect(record?.status?.phase).toBe('Succeeded');
    });

    it('lost mid-run: the write fails, is logged and retried, and lands once the database is back', async () => {
      const logs: string[] = [];
      const { store, archive } = await start(logs);
      expect(archive?.opened).toBeDefined();
      const first = await submit(store, 'before-loss');
      await until('the first Archived', WAIT_MS, async () =>
        (await labelOf(store, 'before-loss')) === 'Archived' ? true : undefined,
      );

      await proxy.close();
      const second = await submit(store, 'during-loss');
      const unreachable = await until('the one line naming the database and the error', WAIT_MS, async () =>
        logs.find((l) => l.includes('cannot be reached, retrying until it can')),
      );
      expect(unreachable).toContain(`127.0.0.1:${proxy.port}`);
      expect(await labelOf(store, 'during-loss')).toBe('Pending');

      await proxy.open();
      await until('Archived after the loss', WAIT_MS, async () =>
        (await labelOf(store, 'during-loss')) === 'Archived' ? true : undefined,
      );
      expect(logs.filter((l) => l.includes('cannot be reached'))).toHaveLength(1);
      expect(logs.filter((l) => l.includes('can be reached again'))).toHaveLength(1);
      expect(logs.filter((l) => l.startsWith('archiving workflow'))).toHaveLength(0);
      expect((await archived(first.metadata.uid ?? ''))?.metadata.name).toBe('before-loss');
      expect((await archived(second.metadata.uid ?? ''))?.metadata.name).toBe('during-loss');
    });

    it('synchronization database down at start: database locks keep their workflow waiting, then it gets the lock', async () => {
      await proxy.close();
      const store = new MemoryStore();
      await store.create<Secret>('Secret', {
        metadata: { name: 'argo-db', namespace: 'argo' },
        data: { username: Buffer.from(server.user).toString('base64'), password: '' },
      } as Secret);
      await store.create<ConfigMap>('ConfigMap', {
        metadata: { name: 'workflow-controller-configmap', namespace: 'argo' },
        data: {
          synchronization: `controllerName: ctrl-down\n${server.kind}:\n  host: 127.0.0.1\n  port: ${proxy.port}\n  database: ${created.database}\n  userNameSecret: {name: argo-db, key: username}\n  passwordSecret: {name: argo-db, key: password}\n`,
        },
      } as ConfigMap);
      const logs: string[] = [];
      const opened = await openConfiguredSyncDatabase(
        { store, namespace: 'argo' },
        { log: (m) => void logs.push(m) },
      );
      expect(opened).toBeDefined();
      const woken: string[] = [];
      const locks = new DatabaseLocks(opened!.db, {
        wake: (k) => woken.push(...k),
        log: (m) => logs.push(m),
        pollSeconds: 3600,
      });
      cleanups.push(() => opened!.db.close());
      cleanups.push(() => locks.stop());
      await locks.start();
      const mutex = {
        lockKey: 'ns/Database/down',
        type: 'mutex' as const,
        name: decodeLockName('ns/Database/down'),
      };
      const created1 = new Date('2026-01-01T00:00:00Z');
      for (let i = 0; i < 3; i++) {
        locks.tryAcquire('ns/wf', 0, created1, [mutex]);
        await locks.settled();
      }
      const waiting = locks.tryAcquire('ns/wf', 0, created1, [mutex]);
      expect(waiting.acquired).toBe(false);
      expect(waiting.error).toBeUndefined();
      expect(waiting.message).toMatch(
        /^Waiting for ns\/Database\/down lock: the synchronization database failed: /,
      );
      // One line, at start, naming the database; none per attempt.
      expect(logs).toHaveLength(1);
      expect(logs[0]).toContain(`127.0.0.1:${proxy.port}`);
      expect(logs[0]).toMatch(/keep their workflows waiting until it can be reached$/);

      await proxy.open();
      let last = '';
      await until('the lock', WAIT_MS, async () => {
        const r = locks.tryAcquire('ns/wf', 0, created1, [mutex]);
        await locks.settled();
        if (!r.acquired) last = r.message;
        return r.acquired ? r : undefined;
      }).catch((err: Error) => {
        throw new Error(`${err.message}: ${last} ${logs.join('|')}`);
      });
      expect(logs.filter((l) => l.includes('can be reached again'))).toHaveLength(1);
    });

    it('nodeStatusOffLoad, down at start: offloaded nodes wait for the database, new ones stay inline, both offload once it is back', async () => {
      await proxy.close();
      const logs: string[] = [];
      const always = process.env.ALWAYS_OFFLOAD_NODE_STATUS;
      process.env.ALWAYS_OFFLOAD_NODE_STATUS = 'true';
      let started;
      try {
        started = await start(logs, 'nodeStatusOffLoad: true\n');
      } finally {
        if (always === undefined) delete process.env.ALWAYS_OFFLOAD_NODE_STATUS;
        else process.env.ALWAYS_OFFLOAD_NODE_STATUS = always;
      }
      const { store, archive } = started;
      expect(archive?.opened).toBeUndefined();
      const hydrator = archive!.hydrator;
      expect(hydrator.writes).toBe(true);

      // Nodes offloaded before the database went: their read fails as unreachable (the controller
      // requeues such a workflow, never operating on it without its nodes).
      const nodes = { n1: { id: 'n1', name: 'n1', displayName: 'n1', type: 'Pod', phase: 'Succeeded' } };
      const writer = await openWorkflowArchive(created.direct);
      const version = await writer.nodeOffload().save('uid-offloaded', 'default', nodes as never);
      await writer.close();
      const offloaded = {
        metadata: { name: 'offloaded', namespace: 'default', uid: 'uid-offloaded' },
        spec: {},
        status: { phase: 'Running', offloadNodeStatusVersion: version },
      } as unknown as Workflow;
      for (let i = 0; i < 3; i++)
        await expect(hydrator.hydrate(offloaded)).rejects.toBeInstanceOf(DatabaseUnreachableError);

      // A new write keeps its nodes inline rather than failing.
      const fresh = {
        ...offloaded,
        metadata: { ...offloaded.metadata, uid: 'uid-fresh' },
        status: { phase: 'Running', nodes },
      } as unknown as Workflow;
      const inline = await hydrator.dehydrate(fresh);
      expect(inline.status?.nodes).toEqual(nodes);
      expect(inline.status?.offloadNodeStatusVersion).toBeUndefined();

      // A running workflow whose (finished) step is in the offloaded nodes: not operated on with an
      // empty node map while they cannot be read, which would run its step again.
      const stepNodes = {
        resumed: {
          id: 'resumed',
          name: 'resumed',
          displayName: 'resumed',
          type: 'Pod',
          templateName: 'main',
          phase: 'Succeeded',
          startedAt: '2026-01-01T00:00:00Z',
          finishedAt: '2026-01-01T00:00:01Z',
        },
      };
      const stepVersion = offloadVersion(stepNodes as never);
      const resumedWf = await store.create<Workflow>('Workflow', {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Workflow',
        metadata: { name: 'resumed', namespace: 'default' },
        spec: { entrypoint: 'main', templates: [{ name: 'main', container: { image: 'alpine' } }] },
        status: {
          phase: 'Running',
          startedAt: '2026-01-01T00:00:00Z',
          offloadNodeStatusVersion: stepVersion,
        },
      } as Workflow);
      // The store names the uid; the row is written directly, as a controller did before the loss.
      const direct = await openWorkflowArchive(created.direct);
      await direct.nodeOffload().save(resumedWf.metadata.uid ?? '', 'default', stepNodes as never);
      await direct.close();

      // Workflows keep running meanwhile.
      await submit(store, 'offload-while-down');
      await until('Succeeded while down', WAIT_MS, async () =>
        (await store.get<Workflow>('Workflow', 'default', 'offload-while-down'))?.status?.phase ===
        'Succeeded'
          ? true
          : undefined,
      );
      // One line at start, none per read or write.
      expect(logs.filter((l) => l.includes('cannot be reached'))).toHaveLength(1);
      expect(logs.filter((l) => l.includes('offloaded nodes') || l.includes('wait Pending'))).toHaveLength(1);

      const resumed = await store.get<Workflow>('Workflow', 'default', 'resumed');
      expect(resumed?.status?.phase).toBe('Running');
      expect(resumed?.status?.offloadNodeStatusVersion).toBe(stepVersion);
      expect(resumed?.status?.nodes).toBeUndefined();

      await proxy.open();
      await until('the resumed workflow finished from its offloaded nodes', WAIT_MS, async () =>
        (await store.get<Workflow>('Workflow', 'default', 'resumed'))?.status?.phase === 'Succeeded'
          ? true
          : undefined,
      );
      // Its step ran before the controller started: no pod for it, then or now.
      const pods = (await store.list('Pod', { namespace: 'default' })).items;
      expect(pods.filter((p) => p.metadata.name?.startsWith('resumed'))).toEqual([]);
      // A connection tried just before the proxy opened may still fail: the read is tried again.
      const hydrated = await until('the offloaded nodes read', WAIT_MS, () =>
        hydrator.hydrate(offloaded).catch((err: unknown) => {
          if (err instanceof DatabaseUnreachableError) return undefined;
          throw err;
        }),
      );
      expect(hydrated.status?.nodes).toEqual(nodes);
      expect((await hydrator.dehydrate(fresh)).status?.offloadNodeStatusVersion).toMatch(/^fnv:/);
      expect(logs.filter((l) => l.includes('can be reached again'))).toHaveLength(1);
    });
  });
}
