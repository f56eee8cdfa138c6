// TLS to MySQL/MariaDB as upstream configures it: `mysql.options.tls`, the Go driver's parameter.
// The MariaDB on this machine has TLS disabled, so this shows the half that can be seen here: the
// modes that insist on TLS fail with one line naming the database, `preferred` falls back to plain
// text, and a value only Go code could supply is refused naming the field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigMap, Secret } from '../../../src/model/meta.js';
import { planConfiguredArchive } from '../../../src/persist/configured.js';
import { openWorkflowArchive, type ArchiveDatabase } from '../../../src/persist/index.js';
import { MemoryStore } from '../../helpers/memory-store.js';
import { testServers, type TestServer } from './databases.js';

type Mysql = Extract<ArchiveDatabase, { type: 'mysql' }>;

const mariadb = (await testServers()).find((s) => s.label === 'MariaDB')!;
const skip = Boolean(mariadb.unavailable) && !process.env.CI;

describe.skipIf(skip)('TLS to MySQL (options.tls) against a server without TLS', () => {
  let created: Awaited<ReturnType<TestServer['create']>>;
  beforeAll(async () => {
    if (mariadb.unavailable) throw new Error(mariadb.unavailable);
    created = await mariadb.create();
  });
  afterAll(async () => {
    await created?.drop();
  });

  const withTls = (tls: Mysql['tls']): Mysql => ({ ...(created.direct as Mysql), tls });
  async function attempt(db: ArchiveDatabase): Promise<string | undefined> {
    try {
      const archive = await openWorkflowArchive(db);
      await archive.list({ limit: 1, offset: 0 }).finally(() => archive.close());
      return undefined;
    } catch (err) {
      return (err as Error).message;
    }
  }

  it('tls true and skip-verify fail with one line naming the database', async () => {
    for (const tls of ['true', 'skip-verify'] as const) {
      const message = await attempt(withTls(tls));
      expect(message).toBeDefined();
      expect(message).not.toContain('\n');
      expect(message).toContain(`workflow archive: MySQL at 127.0.0.1:3306/${created.database}: `);
      expect(message).toMatch(/does not support secure connection/i);
    }
  });

  it('tls preferred and false connect in plain text', async () => {
    expect(await attempt(withTls('preferred'))).toBeUndefined();
    expect(await attempt(withTls('false'))).toBeUndefined();
  });

  it('the controller configuration reaches the driver; a TLS configuration only Go code could register is refused', async () => {
    const store = new MemoryStore();
    await store.create<Secret>('Secret', {
      metadata: { name: 'argo-db', namespace: 'argo' },
      data: { username: Buffer.from(mariadb.user).toString('base64') },
    } as Secret);
    const configure = async (tls: string): Promise<void> => {
      await store.delete('ConfigMap', 'argo', 'workflow-controller-configmap').catch(() => undefined);
      await store.create<ConfigMap>('ConfigMap', {
        metadata: { name: 'workflow-controller-configmap', namespace: 'argo' },
        data: {
          persistence: `archive: true\nmysql:\n  host: 127.0.0.1\n  port: 3306\n  database: ${created.database}\n  userNameSecret: {name: argo-db, key: username}\n  options: {tls: ${tls}}\n`,
        },
      } as ConfigMap);
    };
    await configure('skip-verify');
    const plan = await planConfiguredArchive({ store, namespace: 'argo' });
    await expect(plan!.open()).rejects.toThrow(/does not support secure connection/i);

    await configure('custom');
    await expect(planConfiguredArchive({ store, namespace: 'argo' })).rejects.toThrow(
      'persistence.mysql.options.tls "custom" is not one of true, false, skip-verify, preferred',
    );
  });
});
