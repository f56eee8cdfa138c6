// The archive through `argo server` on PostgreSQL, with the built CLI on its http backend: a server
// whose controller configuration names a PostgreSQL database in `persistence:` (the user from a
// Secret, nodeStatusOffLoad on, ALWAYS_OFFLOAD_NODE_STATUS set) archives what it runs there;
// `argo archive list/get/list-label-keys/list-label-values/retry/resubmit/delete` work through it
// in each output format, and its
// workflow list merges live and archived workflows as upstream v4's does. Unreachable PostgreSQL
// skips this file, except under CI, where it fails.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Workflow } from '../../src/model/workflow.js';
import { openSession, type SqlSession } from '../../src/persist/index.js';
import { checkArchiveFormatsAndSelectors, checkArchiveRetryAndResubmit } from './archive-rerun.js';
import { cliWithHome, fixture, lines, type Cli, type CliResult } from './cli.js';
import { startServer, stop, writeArchiveDatabaseConfig } from './server.js';

const PG = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test', connectTimeoutMs: 3000 };
const database = `argo_e2e_${process.pid}_${randomBytes(3).toString('hex')}`;

async function admin(sql: string): Promise<void> {
  const s = await openSession({ type: 'postgres', ...PG });
  try {
    await s.exec(sql);
  } finally {
    await s.close();
  }
}

const unavailable = await admin('select 1').then(
  () => undefined,
  (err: Error) =>
    `PostgreSQL at 127.0.0.1:5432 (user postgres, database test) is unreachable: ${err.message}`,
);
if (unavailable && !process.env.CI) console.warn(`skipping the PostgreSQL archive e2e: ${unavailable}`);

let cli: Cli;
let server: Awaited<ReturnType<typeof startServer>>;
let db: SqlSession;
const run = (args: string[]): Promise<CliResult> =>
  cli.run(args, {
    env: { ARGO_LOCAL: '', ARGO_SERVER: `localhost:${server.port}`, ARGO_INSECURE_SKIP_VERIFY: 'true' },
    timeoutMs: 40_000,
  });

async function archivedUid(name: string): Promise<string> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const live = JSON.parse((await run(['get', name, '-o', 'json'])).stdout) as Workflow;
    if (live.metadata.labels?.['workflows.argoproj.io/workflow-archiving-status'] === 'Archived')
      return live.metadata.uid!;
    if (Date.now() > deadline)
      throw new Error(`${name} was not archived: ${JSON.stringify(live.metadata.labels)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe.skipIf(unavailable && !process.env.CI)('the archive through argo server on PostgreSQL', () => {
  beforeAll(async () => {
    if (unavailable) throw new Error(unavailable);
    await admin(`create database ${database}`);
    db = await openSession({ type: 'postgres', ...PG, database });
    cli = cliWithHome();
    await writeArchiveDatabaseConfig(cli.home, {
      kind: 'postgresql',
      port: 5432,
      database,
      user: 'postgres',
    });
    server = await startServer(cli.home, [], { ALWAYS_OFFLOAD_NODE_STATUS: 'true' });
  }, 40_000);

  afterAll(async () => {
    if (server) await stop(server.child);
    await cli?.dispose();
    await db?.close();
    if (!unavailable) await admin(`drop database if exists ${database} with (force)`);
  });

  let name: string;
  let uid: string;

  it('archives into PostgreSQL, with the nodes offloaded there while the workflow lived', async () => {
    const sub = await run(['submit', fixture('succeed.yaml'), '--wait', '-o', 'name', '--labels', 'team=pg']);
    expect(sub.code, sub.stderr).toBe(0);
    name = sub.stdout.trim();
    uid = await archivedUid(name);
    const rows = await db.query<{ name: string; phase: string }>(
      'select name, phase from argo_archived_workflows where uid = ?',
      [uid],
    );
    expect(rows).toEqual([{ name, phase: 'Succeeded' }]);
    expect(
      (await db.query('select version from argo_workflows where uid = ?', [uid])).length,
    ).toBeGreaterThan(0);
    const got = JSON.parse((await run(['get', name, '-o', 'json'])).stdout) as Workflow;
    expect(Object.keys(got.status?.nodes ?? {})).toHaveLength(1);
  }, 60_000);

  it('lists, gets and lists the labels of archived workflows', async () => {
    expect(lines((await run(['archive', 'list', '-o', 'name'])).stdout)).toEqual([name]);
    expect(lines((await run(['archive', 'list', '-l', 'team=pg', '-o', 'name'])).stdout)).toEqual([name]);
    expect((await run(['archive', 'list', '-l', 'team=other', '-o', 'name'])).stdout).toBe(
      'No workflows found\n',
    );
    const list = await run(['archive', 'list']);
    expect(lines(list.stdout)[0], list.stdout).toMatch(
      /^NAMESPACE\s+NAME\s+STATUS\s+AGE\s+DURATION\s+PRIORITY\s+MESSAGE\s+P\/R\/C\s+PARAMETERS\s+UID$/,
    );
    expect(lines(list.stdout)[1]).toMatch(new RegExp(`^default\\s+${name}\\s+Succeeded\\s.*\\s${uid}$`));
    const record = JSON.parse((await run(['archive', 'get', uid, '-o', 'json'])).stdout) as Workflow;
    expect(record.metadata.name).toBe(name);
    expect(Object.keys(record.status?.nodes ?? {})).toHaveLength(1);
    expect(lines((await run(['archive', 'list-label-keys'])).stdout)).toContain('team');
    expect(lines((await run(['archive', 'list-label-values', '-l', 'team'])).stdout)).toEqual(['pg']);
  }, 60_000);

  it("the server's list merges live and archived workflows: a deleted one is listed from its record", async () => {
    expect(lines((await run(['list', '-o', 'name'])).stdout)).toEqual([name]);
    expect((await run(['delete', name])).code).toBe(0);
    expect(lines((await run(['list', '-o', 'name'])).stdout)).toEqual([name]);
    const got = await run(['get', name]);
    expect(got.code, got.stderr).toBe(0);
    expect(got.stderr).toContain(`Workflow ${name} was deleted after it was archived`);
  }, 60_000);

  it('retries an archived workflow deleted since, and deletes a record', async () => {
    const failed = (
      await run(['submit', fixture('lifecycle-flaky.yaml'), '--wait', '-o', 'name'])
    ).stdout.trim();
    const failedUid = await archivedUid(failed);
    expect((await run(['delete', failed])).code).toBe(0);
    const retried = await run(['archive', 'retry', failedUid, '-p', 'code=0', '--wait']);
    expect(retried.code, retried.stderr).toBe(0);
    const after = JSON.parse((await run(['get', failed, '-o', 'json'])).stdout) as Workflow;
    expect(after.status?.phase).toBe('Succeeded');
    expect(after.metadata.uid).not.toBe(failedUid);

    const del = await run(['archive', 'delete', uid]);
    expect(del.stdout).toBe(`Archived workflow '${uid}' deleted\n`);
    expect(await db.query('select uid from argo_archived_workflows where uid = ?', [uid])).toEqual([]);
    const gone = await run(['archive', 'get', uid]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('not found');
    expect(lines((await run(['list', '-o', 'name'])).stdout)).not.toContain(name);
  }, 90_000);

  // The checks every backend with an archive passes (http-backend and cli-commands run them on
  // SQLite), here with PostgreSQL under the server.
  it('archive retry and resubmit, with their flags, through the server on PostgreSQL', async () => {
    await checkArchiveRetryAndResubmit(run);
  }, 90_000);

  it("prints Argo's archive output formats and chooses by label and field selector on PostgreSQL", async () => {
    await checkArchiveFormatsAndSelectors(run);
  }, 90_000);
});
