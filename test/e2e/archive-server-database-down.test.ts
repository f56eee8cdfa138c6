// `argo server` whose archive database goes away, for real: the controller configuration names
// PostgreSQL (or MariaDB) through a TCP proxy this test closes and opens. Down when the server
// starts, it starts anyway, serves live workflows, logs one line, and answers archive calls with
// 503 and a message naming the database; once the database is back the same server answers them
// (and its controller archives what completed meanwhile) without a restart. Lost mid-run, archive
// calls and workflows whose nodes are offloaded answer 503 until it is back, live lists still work.
// An unreachable database skips its half of this file, except under CI, where it fails.
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { Agent, fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Workflow } from '../../src/model/workflow.js';
import { openStore } from '../../src/store/index.js';
import { serverTokenPath } from '../../src/server/token.js';
import { testServers, type TestServer } from '../integration/persist/databases.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';
import { until } from '../helpers/until.js';
import { cliWithHome, fixture, lines, type Cli, type CliResult } from './cli.js';
import { startServer, stop, writeArchiveDatabaseConfig } from './server.js';

/** How long the controller may take to archive once the database is back (its retries back off to a minute). */
const ARCHIVED_WITHIN_MS = 90_000;

const servers = await testServers();

for (const db of servers) {
  const skip = Boolean(db.unavailable) && !process.env.CI;
  if (skip) console.warn(`skipping argo server with ${db.label} down: ${db.unavailable}`);
  describe.skipIf(skip)(`argo server with ${db.label} unreachable`, () => {
    let created: Awaited<ReturnType<TestServer['create']>>;
    let proxy: TcpProxy;
    let cli: Cli;
    let server: Awaited<ReturnType<typeof startServer>>;
    /** How messages name the database: describeDatabase's words. */
    let where: string;

    const run = (args: string[]): Promise<CliResult> =>
      cli.run(args, {
        env: { ARGO_LOCAL: '', ARGO_SERVER: `localhost:${server.port}`, ARGO_INSECURE_SKIP_VERIFY: 'true' },
        timeoutMs: 40_000,
      });
    /** The server's own warnings (its controller's lines are at info) that mention the database. */
    const serverLines = (re: RegExp): string[] =>
      lines(server.log()).filter((l) => l.includes('level=WARN') && l.includes(where) && re.test(l));
    /** A direct API call, to see the HTTP status a client gets. */
    const api = async (
      url: string,
    ): Promise<{ status: number; body: { code?: number; message?: string } }> => {
      const token = readFileSync(serverTokenPath(cli.home), 'utf8').trim();
      const res = await fetch(`https://localhost:${server.port}${url}`, {
        headers: { authorization: `Bearer ${token}` },
        // The server's certificate is the self-signed one it made at start.
        dispatcher: new Agent({ connect: { rejectUnauthorized: false } }),
      });
      return { status: res.status, body: (await res.json()) as { code?: number; message?: string } };
    };

    beforeAll(async () => {
      if (db.unavailable) throw new Error(db.unavailable);
      created = await db.create();
      proxy = await TcpProxy.onFreePort(db.port);
      where = `${db.kind === 'postgresql' ? 'PostgreSQL' : 'MySQL'} at 127.0.0.1:${proxy.port}/${created.database}`;
      cli = cliWithHome();
      await writeArchiveDatabaseConfig(cli.home, { ...db, port: proxy.port, database: created.database });
      // The proxy is closed: the database cannot be reached as the server starts.
      server = await startServer(cli.home, [], { ALWAYS_OFFLOAD_NODE_STATUS: 'true' });
    }, 60_000);

    afterAll(async () => {
      if (server) await stop(server.child);
      await cli?.dispose();
      await proxy?.close();
      await created?.drop();
    });

    let first: string;

    it('starts with the database down: one line says so, live workflows are served, archive calls answer 503 naming the database', async () => {
      expect(serverLines(/cannot be reached/), server.log()).toHaveLength(1);
      expect(serverLines(/cannot be reached/)[0]).toContain(
        'archived workflows and offloaded nodes are served once it can be reached',
      );
      const sub = await run(['submit', fixture('succeed.yaml'), '--wait', '-o', 'name']);
      expect(sub.code, sub.stderr).toBe(0);
      first = sub.stdout.trim();
      expect(lines((await run(['list', '-o', 'name'])).stdout)).toEqual([first]);

      const archived = await run(['archive', 'list']);
      expect(archived.code).not.toBe(0);
      expect(lines(archived.stderr)).toHaveLength(1);
      // One mention of the database and what failed under it.
      expect(archived.stderr).toContain(`database ${where} cannot be reached: connect ECONNREFUSED`);
      const direct = await api('/api/v1/archived-workflows');
      expect(direct.status).toBe(503);
      expect(direct.body.code).toBe(14); // gRPC Unavailable
      expect(direct.body.message).toContain(`database ${where} cannot be reached`);
      expect((await api('/api/v1/archived-workflows-label-keys')).status).toBe(503);
      // Still one line, however many calls failed.
      expect(serverLines(/cannot be reached/)).toHaveLength(1);
    }, 90_000);

    it(
      'serves the archive once the database is back, without a restart, with what completed meanwhile',
      async () => {
        await proxy.open();
        const names = await until(
          'the workflow completed while the database was down to be archived',
          ARCHIVED_WITHIN_MS,
          async () => {
            const r = await run(['archive', 'list', '-o', 'name']);
            return r.code === 0 && lines(r.stdout).includes(first) ? lines(r.stdout) : undefined;
          },
          500,
        );
        expect(names).toEqual([first]);
        expect(serverLines(/can be reached again/)).toHaveLength(1);
        expect((await api('/api/v1/archived-workflows')).status).toBe(200);
      },
      ARCHIVED_WITHIN_MS + 30_000,
    );

    it('lost mid-run: archive calls and offloaded nodes answer 503 naming the database, live lists still work; back, both work', async () => {
      const sub = await run(['submit', fixture('succeed.yaml'), '--wait', '-o', 'name']);
      expect(sub.code, sub.stderr).toBe(0);
      const second = sub.stdout.trim();
      // Its nodes are in the database (ALWAYS_OFFLOAD_NODE_STATUS), read back for each reader.
      const got = JSON.parse((await run(['get', second, '-o', 'json'])).stdout) as Workflow;
      expect(Object.keys(got.status?.nodes ?? {})).toHaveLength(1);
      const stored = await until('the offloaded workflow in the store', 10_000, async () => {
        const store = openStore({ path: path.join(cli.home, 'argo.db') });
        try {
          const wf = await store.get<Workflow>('Workflow', 'default', second);
          return wf?.status?.offloadNodeStatusVersion ? wf : undefined;
        } finally {
          await store.close();
        }
      });
      expect(stored.status?.nodes).toBeUndefined();

      await proxy.close();
      const archived = await run(['archive', 'list']);
      expect(archived.code).not.toBe(0);
      expect(archived.stderr).toContain(`database ${where} cannot be reached`);
      const offloaded = await run(['get', second]);
      expect(offloaded.code).not.toBe(0);
      expect(lines(offloaded.stderr)).toHaveLength(1);
      expect(offloaded.stderr).toContain(`database ${where} cannot be reached`);
      expect((await api(`/api/v1/workflows/default/${second}`)).status).toBe(503);
      expect(lines((await run(['list', '-o', 'name'])).stdout).sort()).toEqual([first, second].sort());
      expect(serverLines(/cannot be reached, retrying until it can/)).toHaveLength(1);

      await proxy.open();
      const back = await until(
        'the offloaded workflow to be read again',
        30_000,
        async () => {
          const r = await run(['get', second, '-o', 'json']);
          return r.code === 0 ? (JSON.parse(r.stdout) as Workflow) : undefined;
        },
        500,
      );
      expect(Object.keys(back.status?.nodes ?? {})).toHaveLength(1);
      const list = await run(['archive', 'list', '-o', 'name']);
      expect(list.code, list.stderr).toBe(0);
      expect(lines(list.stdout)).toContain(first);
      expect(serverLines(/can be reached again/)).toHaveLength(2);
    }, 120_000);
  });
}
