// TLS to PostgreSQL, as upstream's `postgresql.ssl` and `sslMode` ask for it. The PostgreSQL on
// this machine has no TLS, so the test puts a TLS-only proxy in front of it, with certificates
// made for the run: that shows which modes encrypt (the proxy counts its TLS sessions), which
// check the certificate and the host name (with the CA given the way upstream's driver takes one,
// PGSSLROOTCERT), and that each failure is one line naming the database.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigMap, Secret } from '../../../src/model/meta.js';
import { planConfiguredArchive } from '../../../src/persist/configured.js';
import { openWorkflowArchive, type ArchiveDatabase } from '../../../src/persist/index.js';
import { effectiveSslMode } from '../../../src/persist/postgres-session.js';
import { MemoryStore } from '../../helpers/memory-store.js';
import { PostgresTlsProxy, TestCertificates } from '../../helpers/postgres-tls-proxy.js';
import { testServers, type TestServer } from './databases.js';

type Postgres = Extract<ArchiveDatabase, { type: 'postgres' }>;

const postgres = (await testServers()).find((s) => s.label === 'PostgreSQL')!;
const skip = Boolean(postgres.unavailable) && !process.env.CI;

describe.skipIf(skip)('TLS to PostgreSQL (ssl, sslMode)', () => {
  let certs: TestCertificates;
  /** Presents a certificate for 127.0.0.1, the host the tests connect to. */
  let proxy: PostgresTlsProxy;
  /** Presents a certificate for another host, signed by the same CA. */
  let elsewhere: PostgresTlsProxy;
  let created: Awaited<ReturnType<TestServer['create']>>;

  beforeAll(async () => {
    if (postgres.unavailable) throw new Error(postgres.unavailable);
    created = await postgres.create();
    certs = new TestCertificates();
    proxy = await PostgresTlsProxy.start(certs.server('local', 'IP:127.0.0.1'));
    elsewhere = await PostgresTlsProxy.start(certs.server('elsewhere', 'DNS:db.elsewhere.test'));
  }, 60_000);
  afterAll(async () => {
    await proxy?.close();
    await elsewhere?.close();
    certs?.dispose();
    await created?.drop();
  });
  afterEach(() => {
    delete process.env.PGSSLROOTCERT;
  });

  const through = (p: { port: number }, tls: { ssl?: boolean; sslMode?: string }): Postgres => ({
    ...(created.direct as Postgres),
    port: p.port,
    connectTimeoutMs: 5000,
    ...tls,
  });
  /** Opens the archive (connecting and migrating) and reads from it; the error's message when that fails. */
  async function attempt(db: ArchiveDatabase): Promise<string | undefined> {
    try {
      const archive = await openWorkflowArchive(db);
      try {
        await archive.list({ limit: 1, offset: 0 });
      } finally {
        await archive.close();
      }
      return undefined;
    } catch (err) {
      return (err as Error).message;
    }
  }
  /** The one-line failure of `db`, which names the database. */
  async function failure(db: Postgres): Promise<string> {
    const message = await attempt(db);
    expect(message).toBeDefined();
    expect(message).not.toContain('\n');
    expect(message).toContain(`workflow archive: PostgreSQL at 127.0.0.1:${db.port}/${created.database}: `);
    return message!;
  }

  it('maps ssl and sslMode as upstream does: sslMode takes effect only with ssl: true, else no TLS', () => {
    expect(effectiveSslMode({ ssl: true, sslMode: 'verify-full' })).toBe('verify-full');
    expect(effectiveSslMode({ ssl: true })).toBe('disable');
    expect(effectiveSslMode({ sslMode: 'require' })).toBe('disable');
    expect(effectiveSslMode({})).toBe('disable');
  });

  it('sslMode require connects over TLS without checking the certificate', async () => {
    const before = proxy.tlsSessions;
    expect(await attempt(through(proxy, { ssl: true, sslMode: 'require' }))).toBeUndefined();
    expect(proxy.tlsSessions).toBeGreaterThan(before);
    // Its certificate names another host and no CA is given: require does not care.
    expect(await attempt(through(elsewhere, { ssl: true, sslMode: 'require' }))).toBeUndefined();
  });

  it('verify-full with the CA in PGSSLROOTCERT connects; a certificate for another host fails, naming it', async () => {
    process.env.PGSSLROOTCERT = certs.caFile;
    const before = proxy.tlsSessions;
    expect(await attempt(through(proxy, { ssl: true, sslMode: 'verify-full' }))).toBeUndefined();
    expect(proxy.tlsSessions).toBeGreaterThan(before);
    expect(await failure(through(elsewhere, { ssl: true, sslMode: 'verify-full' }))).toMatch(
      /IP: 127\.0\.0\.1 is not in the cert's list/,
    );
    // verify-ca checks the chain, not the name.
    expect(await attempt(through(elsewhere, { ssl: true, sslMode: 'verify-ca' }))).toBeUndefined();
  });

  it('verify-full without the CA fails: the certificate is not one the system trusts', async () => {
    expect(await failure(through(proxy, { ssl: true, sslMode: 'verify-full' }))).toMatch(
      /self-signed certificate in certificate chain|unable to (get|verify)/,
    );
  });

  it('a root certificate file that cannot be read is named', async () => {
    process.env.PGSSLROOTCERT = `${certs.caFile}.missing`;
    expect(await failure(through(proxy, { ssl: true, sslMode: 'verify-full' }))).toContain(
      `PGSSLROOTCERT ${certs.caFile}.missing: ENOENT`,
    );
  });

  it('sslMode disable (and ssl: true alone, as upstream) against a server that requires TLS fails with its refusal', async () => {
    const before = proxy.tlsSessions;
    for (const tls of [{ ssl: true, sslMode: 'disable' }, { ssl: true }, { sslMode: 'require' }])
      expect(await failure(through(proxy, tls))).toContain(
        'no pg_hba.conf entry for host "127.0.0.1", SSL off',
      );
    expect(proxy.tlsSessions).toBe(before);
  });

  it('sslMode require against a server without TLS fails clearly', async () => {
    expect(await failure({ ...through({ port: 5432 }, { ssl: true, sslMode: 'require' }) })).toContain(
      'The server does not support SSL connections',
    );
  });

  it('sslMode prefer uses TLS where the server speaks it and plain text where it does not', async () => {
    const before = proxy.tlsSessions;
    expect(await attempt(through(proxy, { ssl: true, sslMode: 'prefer' }))).toBeUndefined();
    expect(proxy.tlsSessions).toBeGreaterThan(before);
    expect(await attempt(through({ port: 5432 }, { ssl: true, sslMode: 'prefer' }))).toBeUndefined();
  });

  it('the controller configuration reaches the driver: persistence.postgresql ssl and sslMode', async () => {
    const store = new MemoryStore();
    await store.create<Secret>('Secret', {
      metadata: { name: 'argo-db', namespace: 'argo' },
      data: { username: Buffer.from(postgres.user).toString('base64') },
    } as Secret);
    const configure = async (tls: string): Promise<void> => {
      const persistence = `archive: true\npostgresql:\n  host: 127.0.0.1\n  port: ${proxy.port}\n  database: ${created.database}\n  userNameSecret: {name: argo-db, key: username}\n${tls}`;
      const existing = await store.get<ConfigMap>('ConfigMap', 'argo', 'workflow-controller-configmap');
      if (existing) await store.delete('ConfigMap', 'argo', 'workflow-controller-configmap');
      await store.create<ConfigMap>('ConfigMap', {
        metadata: { name: 'workflow-controller-configmap', namespace: 'argo' },
        data: { persistence },
      } as ConfigMap);
    };
    await configure('  ssl: true\n  sslMode: require\n');
    const before = proxy.tlsSessions;
    const opened = await (await planConfiguredArchive({ store, namespace: 'argo' }))!.open();
    await opened.archive.close();
    expect(proxy.tlsSessions).toBeGreaterThan(before);

    await configure('  ssl: true\n  sslMode: verify-everything\n');
    await expect(planConfiguredArchive({ store, namespace: 'argo' })).rejects.toThrow(
      'persistence.postgresql.sslMode "verify-everything" is not one of disable, allow, prefer, require, verify-ca, verify-full',
    );
  });
});
