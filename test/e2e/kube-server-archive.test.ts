// `argo server` on a cluster (a kubeconfig pointing at the fake API server) with `persistence:` in
// the controller ConfigMap naming a PostgreSQL database, the user from a Secret, both read through
// the Kubernetes API as upstream's server reads them. The server serves the archive
// (ArchivedWorkflowService, the workflow list merging live and archived ones, gets of a workflow
// deleted after archiving) and reads back nodes the controller offloaded to that database, as on
// the local backend. The archive's rows are written here as a controller would have left them.
// Unreachable PostgreSQL skips this file, except under CI, where it fails.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Workflow } from '../../src/model/workflow.js';
import { openSession, openWorkflowArchive } from '../../src/persist/index.js';
import { offloadVersion } from '../../src/persist/node-offload.js';
import type { SqlWorkflowArchive } from '../../src/persist/workflow-archive.js';
import { startFakeApiServer, type FakeApiServer } from '../helpers/fake-apiserver.js';
import { cliWithHome, lines, type Cli, type CliResult } from './cli.js';
import { startServer, stop } from './server.js';

const PG = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test', connectTimeoutMs: 3000 };
const database = `argo_kube_${process.pid}_${randomBytes(3).toString('hex')}`;

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
if (unavailable && !process.env.CI) console.warn(`skipping the cluster-mode archive e2e: ${unavailable}`);

const NODES = {
  'offloaded-x': {
    id: 'offloaded-x',
    name: 'offloaded-x',
    displayName: 'offloaded-x',
    type: 'Pod' as const,
    phase: 'Running' as const,
    templateName: 'main',
  },
};

function workflow(name: string, status: Workflow['status']): Workflow {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { name, namespace: 'team-a', labels: { team: 'kube' } },
    spec: { entrypoint: 'main', templates: [{ name: 'main', container: { image: 'alpine' } }] },
    status,
  };
}

let api: FakeApiServer;
let dir: string;
let cli: Cli;
let archive: SqlWorkflowArchive;
let server: Awaited<ReturnType<typeof startServer>>;
let liveUid: string;

const run = (args: string[]): Promise<CliResult> =>
  cli.run(['-n', 'team-a', ...args], {
    env: {
      ARGO_LOCAL: '',
      KUBECONFIG: '/dev/null',
      ARGO_SERVER: `localhost:${server.port}`,
      ARGO_SECURE: 'false',
    },
    timeoutMs: 30_000,
  });
const get = async (p: string): Promise<{ status: number; json: any }> => {
  const res = await fetch(`http://localhost:${server.port}${p}`);
  return { status: res.status, json: await res.json() };
};

describe.skipIf(unavailable && !process.env.CI)(
  'argo server on a cluster with persistence on PostgreSQL',
  () => {
    beforeAll(async () => {
      if (unavailable) throw new Error(unavailable);
      await admin(`create database ${database}`);
      archive = await openWorkflowArchive({ type: 'postgres', ...PG, database });
      dir = mkdtempSync(path.join(os.tmpdir(), 'argo-kube-archive-'));
      api = await startFakeApiServer();
      const kubeconfig = api.writeKubeconfig(dir);
      await api.store.create('Secret', {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'argo-postgres-config', namespace: 'argo' },
        data: { username: Buffer.from('postgres').toString('base64') },
      } as never);
      await api.store.create('ConfigMap', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'workflow-controller-configmap', namespace: 'argo' },
        data: {
          persistence: [
            'archive: true',
            'nodeStatusOffLoad: true',
            'postgresql:',
            '  host: 127.0.0.1',
            '  port: 5432',
            `  database: ${database}`,
            '  tableName: argo_workflows',
            '  userNameSecret: {name: argo-postgres-config, key: username}',
          ].join('\n'),
        },
      } as never);
      // A finished run archived, then deleted from the cluster: only its record is left.
      const gone = workflow('kube-gone', {
        phase: 'Succeeded',
        startedAt: '2026-01-01T00:00:00Z',
        finishedAt: '2026-01-01T00:01:00Z',
        nodes: {
          'kube-gone': { ...NODES['offloaded-x'], id: 'kube-gone', name: 'kube-gone', phase: 'Succeeded' },
        },
      });
      gone.metadata.uid = 'a0a0a0a0-0000-4000-8000-000000000001';
      gone.metadata.creationTimestamp = '2026-01-01T00:00:00Z';
      await archive.archiveWorkflow(gone);
      // A running one whose nodes the controller offloaded: the cluster holds only their version.
      const live = await api.store.create<Workflow>(
        'Workflow',
        workflow('kube-live', {
          phase: 'Running',
          startedAt: '2026-01-02T00:00:00Z',
          offloadNodeStatusVersion: offloadVersion(NODES as never),
        }),
      );
      liveUid = live.metadata.uid!;
      await archive.nodeOffload({ tableName: 'argo_workflows' }).save(liveUid, 'team-a', NODES as never);
      cli = cliWithHome();
      server = await startServer(
        cli.home,
        ['--kubeconfig', kubeconfig, '-n', 'argo', '--secure=false', '--auth-mode', 'server'],
        { ARGO_LOCAL: '', KUBECONFIG: '' },
      );
    }, 40_000);

    afterAll(async () => {
      if (server) await stop(server.child);
      await cli?.dispose();
      await api?.close();
      await archive?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
      if (!unavailable) await admin(`drop database if exists ${database} with (force)`);
    });

    it('serves the archive the ConfigMap names: argo archive list and get through it', async () => {
      expect(lines((await run(['archive', 'list', '-o', 'name'])).stdout)).toEqual(['kube-gone']);
      const record = JSON.parse(
        (await run(['archive', 'get', 'a0a0a0a0-0000-4000-8000-000000000001', '-o', 'json'])).stdout,
      ) as Workflow;
      expect(record.metadata.name).toBe('kube-gone');
      expect(lines((await run(['archive', 'list-label-values', '-l', 'team'])).stdout)).toEqual(['kube']);
    });

    it('lists live and archived workflows together, and gets a deleted one from its record', async () => {
      expect(lines((await run(['list', '-o', 'name'])).stdout).sort()).toEqual(['kube-gone', 'kube-live']);
      const got = await run(['get', 'kube-gone']);
      expect(got.code, got.stderr).toBe(0);
      expect(got.stdout).toMatch(/^Status:\s+Succeeded$/m);
      expect(got.stderr).toContain('Workflow kube-gone was deleted after it was archived');
      const byUid = await get('/api/v1/workflows/team-a/kube-live?uid=a0a0a0a0-0000-4000-8000-000000000001');
      expect(byUid.json.metadata.name).toBe('kube-gone');
    });

    it('reads back offloaded nodes on get, list and watch', async () => {
      const one = await get('/api/v1/workflows/team-a/kube-live');
      expect(one.status).toBe(200);
      expect(Object.keys(one.json.status.nodes)).toEqual(['offloaded-x']);
      expect(one.json.status.offloadNodeStatusVersion).toBeUndefined();
      const list = await get('/api/v1/workflows/team-a');
      const listed = (list.json.items as Workflow[]).find((w) => w.metadata.name === 'kube-live');
      expect(Object.keys(listed?.status?.nodes ?? {})).toEqual(['offloaded-x']);
      const got = await run(['get', 'kube-live', '-o', 'json']);
      expect(Object.keys((JSON.parse(got.stdout) as Workflow).status?.nodes ?? {})).toEqual(['offloaded-x']);
      // The watch stream's first event is the workflow as it is, its nodes read back.
      const ac = new AbortController();
      const res = await fetch(
        `http://localhost:${server.port}/api/v1/workflow-events/team-a?listOptions.fieldSelector=metadata.name%3Dkube-live`,
        { signal: ac.signal, headers: { accept: 'text/event-stream' } },
      );
      let text = '';
      const decoder = new TextDecoder();
      for await (const chunk of res.body!) {
        text += decoder.decode(chunk as Uint8Array, { stream: true });
        if (/^data: .*\n\n/m.test(text)) break;
      }
      ac.abort();
      const event = JSON.parse(/^data: (.*)$/m.exec(text)![1]) as { result: { object: Workflow } };
      expect(Object.keys(event.result.object.status?.nodes ?? {})).toEqual(['offloaded-x']);
    });
  },
);
