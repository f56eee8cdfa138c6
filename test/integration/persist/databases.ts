// The three databases the archive tests run against, each in a database (MySQL) or schema
// (PostgreSQL) of its own per run, dropped afterwards. PostgreSQL and MariaDB are the servers on
// this machine's loopback; when one is unreachable its tests are skipped with the reason in their
// name, except under CI, where they fail with it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { openSession, type ArchiveDatabase, type SqlSession } from '../../../src/persist/index.js';

export interface TestDatabase {
  /** PostgreSQL, MariaDB or SQLite: names the tests. */
  label: string;
  /** Why it cannot be used here; undefined when it can. */
  unavailable?: string;
  /** A fresh, empty place for one test file's tables, and how to remove it. */
  create(): Promise<{ db: ArchiveDatabase; drop: () => Promise<void> }>;
}

const uniqueName = (): string => `argo_test_${process.pid}_${randomBytes(4).toString('hex')}`;

const PG = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test', connectTimeoutMs: 3000 };
const MY = {
  host: '127.0.0.1',
  port: 3306,
  user: 'root',
  password: '',
  database: 'test',
  connectTimeoutMs: 3000,
};

async function probe(db: ArchiveDatabase): Promise<string | undefined> {
  let s: SqlSession | undefined;
  try {
    s = await openSession(db);
    await s.query('select 1');
    return undefined;
  } catch (err) {
    return (err as Error).message || String(err);
  } finally {
    await s?.close().catch(() => undefined);
  }
}

async function withAdmin(db: ArchiveDatabase, sql: string): Promise<void> {
  const s = await openSession(db);
  try {
    await s.exec(sql);
  } finally {
    await s.close();
  }
}

export async function testDatabases(): Promise<TestDatabase[]> {
  const [pgDown, myDown] = await Promise.all([
    probe({ type: 'postgres', ...PG }),
    probe({ type: 'mysql', ...MY }),
  ]);
  return [
    {
      label: 'SQLite',
      create: async () => {
        const dir = mkdtempSync(path.join(tmpdir(), 'argo-archive-'));
        return {
          db: { type: 'sqlite', file: path.join(dir, 'archive.db') },
          drop: async () => rmSync(dir, { recursive: true, force: true }),
        };
      },
    },
    {
      label: 'PostgreSQL',
      unavailable:
        pgDown && `PostgreSQL at 127.0.0.1:5432 (user postgres, database test) is unreachable: ${pgDown}`,
      create: async () => {
        const schema = uniqueName();
        await withAdmin({ type: 'postgres', ...PG }, `create schema ${schema}`);
        return {
          db: { type: 'postgres', ...PG, schema },
          drop: () => withAdmin({ type: 'postgres', ...PG }, `drop schema ${schema} cascade`),
        };
      },
    },
    {
      label: 'MariaDB',
      unavailable:
        myDown && `MariaDB/MySQL at 127.0.0.1:3306 (user root, database test) is unreachable: ${myDown}`,
      create: async () => {
        const database = uniqueName();
        await withAdmin({ type: 'mysql', ...MY }, `create database ${database}`);
        return {
          db: { type: 'mysql', ...MY, database },
          drop: () => withAdmin({ type: 'mysql', ...MY }, `drop database ${database}`),
        };
      },
    },
  ];
}

/**
 * PostgreSQL and MariaDB as servers, for tests that name one in a controller configuration (a
 * ConfigMap's `postgresql:` or `mysql:` block, which has no schema): each makes a database of its
 * own. `user` connects with an empty password.
 */
export interface TestServer {
  label: 'PostgreSQL' | 'MariaDB';
  unavailable?: string;
  /** The configuration block that names it. */
  kind: 'postgresql' | 'mysql';
  port: number;
  user: string;
  /** A database of its own, how to reach it directly, and how to drop it. */
  create(): Promise<{ database: string; direct: ArchiveDatabase; drop: () => Promise<void> }>;
}

export async function testServers(): Promise<TestServer[]> {
  const all = await testDatabases();
  const unavailable = (label: string): string | undefined => all.find((d) => d.label === label)?.unavailable;
  const pg: ArchiveDatabase = { type: 'postgres', ...PG };
  const my: ArchiveDatabase = { type: 'mysql', ...MY };
  return [
    {
      label: 'PostgreSQL',
      unavailable: unavailable('PostgreSQL'),
      kind: 'postgresql',
      port: PG.port,
      user: PG.user,
      create: async () => {
        const database = uniqueName();
        await withAdmin(pg, `create database ${database}`);
        return {
          database,
          direct: { ...pg, database },
          drop: () => withAdmin(pg, `drop database ${database} with (force)`),
        };
      },
    },
    {
      label: 'MariaDB',
      unavailable: unavailable('MariaDB'),
      kind: 'mysql',
      port: MY.port,
      user: MY.user,
      create: async () => {
        const database = uniqueName();
        await withAdmin(my, `create database ${database}`);
        return {
          database,
          direct: { ...my, database },
          drop: () => withAdmin(my, `drop database ${database}`),
        };
      },
    },
  ];
}
