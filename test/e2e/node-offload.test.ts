// Node-status offload end to end, with the built CLI: an `argo server` (whose engine runs the
// workflows) over a home whose controller configuration turns `nodeStatusOffLoad` on, with
// ALWAYS_OFFLOAD_NODE_STATUS=true. The store keeps only the version; `argo get` and `argo watch`
// (through the server and on the local backend), the archive, retry and resubmit all see the
// nodes; superseded versions are collected by the running controller.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Workflow } from '../../src/model/workflow.js';
import { openStore } from '../../src/store/index.js';
import { cliWithHome, fixture, type Cli, type CliResult } from './cli.js';
import { startServer, stop, writeControllerConfig } from './server.js';

let cli: Cli;
let server: Awaited<ReturnType<typeof startServer>>;
const viaServer = (args: string[]): Promise<CliResult> =>
  cli.run(args, {
    env: { ARGO_LOCAL: '', ARGO_SERVER: `localhost:${server.port}`, ARGO_INSECURE_SKIP_VERIFY: 'true' },
    timeoutMs: 40_000,
  });
const local = (args: string[]): Promise<CliResult> => cli.run(args, { timeoutMs: 40_000 });

async function stored(name: string): Promise<Workflow> {
  const store = openStore({ path: path.join(cli.home, 'argo.db') });
  try {
    const { items } = await store.list<Workflow>('Workflow');
    return items.find((wf) => wf.metadata.name === name)!;
  } finally {
    await store.close();
  }
}

function offloadedVersions(uid: string): string[] {
  const db = new Database(path.join(cli.home, 'archive.db'), { readonly: true });
  try {
    return (
      db.prepare('select version from argo_workflows where uid = ?').all(uid) as { version: string }[]
    ).map((r) => r.version);
  } finally {
    db.close();
  }
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  cli = cliWithHome();
  await writeControllerConfig(cli.home, { persistence: 'archive: true\nnodeStatusOffLoad: true\n' });
  server = await startServer(cli.home, [], {
    ALWAYS_OFFLOAD_NODE_STATUS: 'true',
    OFFLOAD_NODE_STATUS_TTL: '1s',
    WORKFLOW_GC_PERIOD: '1s',
  });
}, 40_000);

afterAll(async () => {
  if (server) await stop(server.child);
  await cli?.dispose();
});

describe('node-status offload with ALWAYS_OFFLOAD_NODE_STATUS', () => {
  let failed: string;
  let uid: string;

  it('stores only the version; get and watch show the nodes through the server and locally', async () => {
    const sub = await viaServer(['submit', fixture('lifecycle-flaky.yaml'), '--wait', '-o', 'name']);
    expect(sub.code, sub.stderr).toBe(1);
    failed = sub.stdout.trim();
    const raw = await stored(failed);
    uid = raw.metadata.uid!;
    expect(raw.status?.phase).toBe('Failed');
    expect(raw.status?.nodes).toBeUndefined();
    expect(raw.status?.offloadNodeStatusVersion).toMatch(/^fnv:\d+$/);

    for (const run of [viaServer, local]) {
      const got = await run(['get', failed, '-o', 'json']);
      expect(got.code, got.stderr).toBe(0);
      const wf = JSON.parse(got.stdout) as Workflow;
      expect(
        Object.values(wf.status?.nodes ?? {})
          .map((n) => n.displayName)
          .sort(),
      ).toEqual([failed, 'first', 'second']);
      expect(wf.status?.offloadNodeStatusVersion).toBeUndefined();
      const tree = await run(['get', failed]);
      expect(tree.stdout).toMatch(/├─✔ first/);
      expect(tree.stdout).toMatch(/└─✖ second/);
      const watch = await run(['watch', failed]);
      expect(watch.code, watch.stderr).toBe(0);
      expect(watch.stdout).toMatch(/└─✖ second/);
    }
  }, 60_000);

  it("the server's list reads back the nodes of a live offloaded workflow", async () => {
    // A live one: a completed workflow is listed from its archived record, a summary without nodes.
    const file = path.join(cli.home, 'held.yaml');
    writeFileSync(
      file,
      'apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {generateName: e2e-held-}\n' +
        'spec: {entrypoint: main, templates: [{name: main, suspend: {}}]}\n',
    );
    const held = (await viaServer(['submit', file, '-o', 'name'])).stdout.trim();
    await until('the suspended node to be stored offloaded', async () => {
      const raw = await stored(held);
      return raw?.status?.offloadNodeStatusVersion && raw.status.phase === 'Running' ? true : undefined;
    });
    const [listed] = (JSON.parse((await viaServer(['list', '-o', 'json'])).stdout) as Workflow[]).filter(
      (w) => w.metadata.name === held,
    );
    expect(Object.values(listed.status?.nodes ?? {}).map((n) => n.type)).toEqual(['Suspend']);
    expect((await viaServer(['terminate', held])).code).toBe(0);
  }, 40_000);

  it('the running controller collects superseded versions, keeping the one the workflow points at', async () => {
    const live = (await stored(failed)).status!.offloadNodeStatusVersion!;
    // Each pass that changed the nodes stored a version: all but the live one go once older than the TTL.
    const left = await until('the superseded versions to go', () => {
      const versions = offloadedVersions(uid);
      return versions.length === 1 ? versions : undefined;
    });
    expect(left).toEqual([live]);
    await until('the collection to be logged', () =>
      /deleted [1-9]\d* superseded offloaded node status/.test(server.log()) ? true : undefined,
    );
  }, 40_000);

  it('archives the workflow whole, and retry and resubmit read its nodes', async () => {
    const record = await until('the workflow to be archived', async () => {
      const r = await viaServer(['archive', 'get', uid, '-o', 'json']);
      return r.code === 0 ? (JSON.parse(r.stdout) as Workflow) : undefined;
    });
    expect(Object.keys(record.status?.nodes ?? {})).toHaveLength(3);
    expect(record.status?.offloadNodeStatusVersion).toBeUndefined();

    // Retry keeps the succeeded first step: it needs the offloaded nodes to know it.
    const retried = await viaServer(['retry', failed, '-p', 'code=0', '--wait']);
    expect(retried.code, retried.stderr).toBe(0);
    const after = JSON.parse((await viaServer(['get', failed, '-o', 'json'])).stdout) as Workflow;
    expect(after.status?.phase).toBe('Succeeded');
    const first = Object.values(after.status!.nodes!).find((n) => n.displayName === 'first');
    const before = Object.values(record.status!.nodes!).find((n) => n.displayName === 'first');
    expect(first?.finishedAt).toBe(before?.finishedAt);
    expect((await stored(failed)).status?.nodes).toBeUndefined();

    const resubmitted = await local(['resubmit', failed, '-o', 'name', '--wait']);
    expect(resubmitted.code, resubmitted.stderr).toBe(0);
    const fresh = JSON.parse((await local(['get', resubmitted.stdout.trim(), '-o', 'json'])).stdout);
    expect(fresh.status.phase).toBe('Succeeded');
    expect(Object.keys(fresh.status.nodes)).toHaveLength(3);
  }, 90_000);
});
