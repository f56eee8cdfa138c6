// The controller ConfigMap's `persistence:` and `synchronization:` naming a real database (the
// MariaDB on this machine, a database of its own per run; credentials from a Secret): the
// controller archives into it with the configured cluster name, and `database:` locks use it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowController } from '../../../src/controller/controller.js';
import type { ConfigMap, Secret } from '../../../src/model/meta.js';
import type { Workflow } from '../../../src/model/workflow.js';
import { openConfiguredArchive, openConfiguredSyncDatabase } from '../../../src/persist/configured.js';
import { openSession, type SqlSession } from '../../../src/persist/index.js';
import { FakeKubelet } from '../../helpers/fake-kubelet.js';
import { MemoryStore } from '../../helpers/memory-store.js';
import { testDatabases } from './databases.js';

const mariadb = (await testDatabases()).find((d) => d.label === 'MariaDB')!;

async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

if (mariadb.unavailable && !process.env.CI) {
  console.warn(`skipping the configured-database tests: ${mariadb.unavailable}`);
  describe.skip(`configured databases (skipped: ${mariadb.unavailable})`, () => {
    it('needs MariaDB', () => undefined);
  });
} else {
  describe('databases named by the controller ConfigMap', () => {
    let database = '';
    let drop: () => Promise<void>;
    let admin: SqlSession;
    const store = new MemoryStore();

    beforeAll(async () => {
      if (mariadb.unavailable) throw new Error(mariadb.unavailable);
      const created = await mariadb.create();
      drop = created.drop;
      admin = await openSession(created.db);
      database = (created.db as { database: string }).database;
      const db = `host: 127.0.0.1\n    port: 3306\n    database: ${database}\n    userNameSecret: {name: argo-mysql-config, key: username}\n    passwordSecret: {name: argo-mysql-config, key: password}`;
      await store.create<Secret>('Secret', {
        metadata: { name: 'argo-mysql-config', namespace: 'argo' },
        data: { username: Buffer.from('root').toString('base64'), password: '' },
      } as Secret);
      await store.create<ConfigMap>('ConfigMap', {
        metadata: { name: 'workflow-controller-configmap', namespace: 'argo' },
        data: {
          config: `persistence:\n  archive: true\n  clusterName: blue\n  archiveLabelSelector:\n    matchLabels: {keep: "yes"}\n  mysql:\n    ${db}\nsynchronization:\n  controllerName: ctrl-config\n  mysql:\n    ${db}\n`,
        },
      } as ConfigMap);
    });

    afterAll(async () => {
      await admin?.close();
      await drop?.();
    });

    it('archives the selected workflows into it under the configured cluster name', async () => {
      const opened = await openConfiguredArchive({ store, namespace: 'argo' });
      expect(opened?.write).toBe(true);
      const kubelet = new FakeKubelet(store);
      kubelet.start();
      const controller = new WorkflowController({
        store,
        archive: opened!.archive,
        archivePolicy: opened!.policy,
      });
      await controller.start();
      try {
        for (const keep of ['yes', 'no'])
          await store.create<Workflow>('Workflow', {
            apiVersion: 'argoproj.io/v1alpha1',
            kind: 'Workflow',
            metadata: { name: `wf-${keep}`, namespace: 'argo', labels: { keep } },
            spec: { entrypoint: 'main', templates: [{ name: 'main', container: { image: 'alpine' } }] },
          });
        const rows = await until('the archived row', async () => {
          const r = await admin.query<{ name: string; clustername: string }>(
            'select name, clustername from argo_archived_workflows',
          );
          return r.length ? r : undefined;
        });
        expect(rows).toEqual([{ name: 'wf-yes', clustername: 'blue' }]);
        const other = await until('wf-no to complete', async () => {
          const wf = await store.get<Workflow>('Workflow', 'argo', 'wf-no');
          return wf?.metadata.labels?.['workflows.argoproj.io/completed'] === 'true' ? wf : undefined;
        });
        expect(other.metadata.labels?.['workflows.argoproj.io/workflow-archiving-status']).toBeUndefined();
        expect((await admin.query('select name from argo_archived_workflows')).length).toBe(1);
      } finally {
        await controller.stop();
        kubelet.stop();
        await opened!.archive.close();
      }
    });

    it('keeps synchronization in it under the configured controller name', async () => {
      const opened = await openConfiguredSyncDatabase({ store, namespace: 'argo' });
      try {
        await opened!.db.heartbeat();
        expect(await admin.query('select controller from sync_controller')).toEqual([
          { controller: 'ctrl-config' },
        ]);
      } finally {
        await opened?.db.close();
      }
    });

    it('says which Secret is missing, in one line', async () => {
      const bare = new MemoryStore();
      await bare.create<ConfigMap>('ConfigMap', {
        metadata: { name: 'workflow-controller-configmap', namespace: 'argo' },
        data: { persistence: `mysql:\n  host: 127.0.0.1\n  userNameSecret: {name: gone, key: u}\n` },
      } as ConfigMap);
      await expect(openConfiguredArchive({ store: bare, namespace: 'argo' })).rejects.toThrow(
        'persistence.mysql.userNameSecret: secret argo/gone not found',
      );
    });
  });
}
