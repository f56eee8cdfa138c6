// `persistence:` and `synchronization:` of the controller ConfigMap: both ways upstream reads it,
// credentials from Secrets, and one clear line for each thing that is wrong.
import { describe, expect, it } from 'vitest';
import type { ConfigMap, Secret } from '../../../src/model/meta.js';
import { readPersistenceConfig, resolveDatabase } from '../../../src/persist/controller-config.js';
import { parseArchiveTTL } from '../../../src/persist/configured.js';

const cm = (data: Record<string, string>): ConfigMap =>
  ({ metadata: { name: 'workflow-controller-configmap', namespace: 'argo' }, data }) as ConfigMap;

const secrets: Record<string, Secret> = {
  'argo-postgres-config': {
    metadata: { name: 'argo-postgres-config', namespace: 'argo' },
    data: {
      username: Buffer.from('pguser').toString('base64'),
      password: Buffer.from('s3cret').toString('base64'),
    },
  } as Secret,
};
const getSecret = async (_ns: string, name: string): Promise<Secret | undefined> => secrets[name];

describe('controller persistence configuration', () => {
  it('reads both blocks from one `config` key or from keys of their own', async () => {
    const whole = await readPersistenceConfig(
      cm({
        config: 'persistence:\n  archive: true\n  archiveTTL: 7d\nsynchronization:\n  controllerName: c1\n',
      }),
    );
    expect(whole.persistence).toEqual({ archive: true, archiveTTL: '7d' });
    expect(whole.synchronization).toEqual({ controllerName: 'c1' });
    const split = await readPersistenceConfig(cm({ persistence: 'nodeStatusOffLoad: true\n' }));
    expect(split).toEqual({ persistence: { nodeStatusOffLoad: true }, synchronization: undefined });
    expect(await readPersistenceConfig(undefined)).toEqual({
      persistence: undefined,
      synchronization: undefined,
    });
  });

  it('names the ConfigMap and the key when the YAML is bad', async () => {
    await expect(readPersistenceConfig(cm({ config: 'persistence: [' }))).rejects.toThrow(
      /^ConfigMap argo\/workflow-controller-configmap: cannot parse config: /,
    );
    await expect(readPersistenceConfig(cm({ persistence: '- a' }))).rejects.toThrow(
      /persistence must be a mapping/,
    );
  });

  it('resolves PostgreSQL with its user and password from the Secrets', async () => {
    const db = await resolveDatabase(
      {
        postgresql: {
          host: 'db',
          database: 'argo',
          userNameSecret: { name: 'argo-postgres-config', key: 'username' },
          passwordSecret: { name: 'argo-postgres-config', key: 'password' },
          sslMode: 'require',
        },
        connectionPool: { maxOpenConns: 5 },
      },
      { block: 'persistence', namespace: 'argo', getSecret },
    );
    expect(db).toEqual({
      type: 'postgres',
      host: 'db',
      port: 5432,
      database: 'argo',
      user: 'pguser',
      password: 's3cret',
      maxOpenConns: 5,
      ssl: undefined,
      sslMode: 'require',
    });
  });

  it('takes an embedded SQLite path relative to the argo home', async () => {
    expect(
      await resolveDatabase(
        { sqlite: { path: 'mine.db' } },
        { block: 'persistence', namespace: 'argo', getSecret, home: '/h' },
      ),
    ).toEqual({ type: 'sqlite', file: '/h/mine.db' });
  });

  it('refuses two databases, a missing host and a missing Secret, each in one line', async () => {
    const opts = { block: 'synchronization', namespace: 'argo', getSecret };
    await expect(resolveDatabase({ postgresql: { host: 'a' }, mysql: { host: 'b' } }, opts)).rejects.toThrow(
      'synchronization: configure one of postgresql, mysql or sqlite, not postgresql and mysql',
    );
    await expect(resolveDatabase({ mysql: { database: 'x' } }, opts)).rejects.toThrow(
      'synchronization.mysql.host is required',
    );
    await expect(
      resolveDatabase({ mysql: { host: 'h', userNameSecret: { name: 'nope', key: 'u' } } }, opts),
    ).rejects.toThrow('synchronization.mysql.userNameSecret: secret argo/nope not found');
  });

  it('reads archiveTTL as upstream: days or a Go duration', () => {
    expect(parseArchiveTTL('7d')).toBe(7 * 86400);
    expect(parseArchiveTTL('12h')).toBe(12 * 3600);
    expect(parseArchiveTTL(undefined)).toBe(0);
    expect(() => parseArchiveTTL('soon')).toThrow(/^persistence.archiveTTL "soon": /);
  });
});
