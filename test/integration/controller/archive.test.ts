// Completed workflows go to the archive through the real controller: labelled Pending in the
// update that completes them, then written and labelled Archived; a failing archive is retried
// (one log line per failure) and a restarted controller archives what was left Pending.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WorkflowController } from '../../../src/controller/controller.js';
import type { ArchiveWriter } from '../../../src/controller/archiver.js';
import type { Workflow } from '../../../src/model/workflow.js';
import { openLocalArchive } from '../../../src/persist/local-archive.js';
import type { SqlWorkflowArchive } from '../../../src/persist/workflow-archive.js';
import { FakeKubelet } from '../../helpers/fake-kubelet.js';
import { MemoryStore } from '../../helpers/memory-store.js';

const STATUS = 'workflows.argoproj.io/workflow-archiving-status';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function setup(): Promise<{ store: MemoryStore; archive: SqlWorkflowArchive; statuses: string[] }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'argo-archiver-'));
  const archive = await openLocalArchive(dir);
  const store = new MemoryStore();
  const kubelet = new FakeKubelet(store);
  kubelet.start();
  // Every archiving status the workflow was stored with, in order.
  const statuses: string[] = [];
  store.watch<Workflow>('Workflow', {}, (ev) => {
    const s = ev.object.metadata.labels?.[STATUS];
    if (s && statuses.at(-1) !== s) statuses.push(s);
  });
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cleanups.push(() => archive.close());
  cleanups.push(() => kubelet.stop());
  return { store, archive, statuses };
}

async function startController(store: MemoryStore, archive: ArchiveWriter, log?: (m: string) => void) {
  const controller = new WorkflowController({ store, archive, log });
  await controller.start();
  cleanups.push(() => controller.stop());
  return controller;
}

async function submit(store: MemoryStore): Promise<Workflow> {
  return store.create<Workflow>('Workflow', {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { name: 'hello', namespace: 'default', labels: { team: 'a' } },
    spec: {
      entrypoint: 'main',
      templates: [{ name: 'main', container: { image: 'alpine', command: ['true'] } }],
    },
  });
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const label = async (store: MemoryStore): Promise<string | undefined> =>
  (await store.get<Workflow>('Workflow', 'default', 'hello'))?.metadata.labels?.[STATUS];

describe('controller archiving', () => {
  it('archives a completed workflow: Pending, then Archived, and the archive holds it', async () => {
    const { store, archive, statuses } = await setup();
    await startController(store, archive);
    const wf = await submit(store);
    await until('Archived', async () => ((await label(store)) === 'Archived' ? true : undefined));
    expect(statuses).toEqual(['Pending', 'Archived']);
    const archived = await archive.get(wf.metadata.uid ?? '', '', '');
    expect(archived?.status?.phase).toBe('Succeeded');
    expect(archived?.metadata.labels?.[STATUS]).toBe('Persisted');
    expect(
      (await archive.list({ labelSelector: 'team=a', limit: 0, offset: 0 })).map((w) => w.metadata.name),
    ).toEqual(['hello']);
  });

  it('retries a failing archive with one log line per failure, and a restarted controller archives what is Pending', async () => {
    const { store, archive } = await setup();
    const logs: string[] = [];
    const down: ArchiveWriter = {
      archiveWorkflow: async () => {
        throw new Error('connection refused');
      },
    };
    const first = await startController(store, down, (m) => logs.push(m));
    await submit(store);
    await until('Pending', async () => ((await label(store)) === 'Pending' ? true : undefined));
    await until('a logged failure', async () =>
      logs.some((l) => l.includes('archiving workflow default/hello failed')) ? true : undefined,
    );
    expect(logs.find((l) => l.includes('archiving'))).toMatch(
      /^archiving workflow default\/hello failed, retrying in 1s: connection refused$/,
    );
    expect(await label(store)).toBe('Pending');
    await first.stop();
    await startController(store, archive);
    await until('Archived after restart', async () =>
      (await label(store)) === 'Archived' ? true : undefined,
    );
    expect(await archive.count({ limit: 0, offset: 0 })).toBe(1);
  });

  it('archives after a write that failed once, without a restart', async () => {
    const { store, archive } = await setup();
    let failures = 0;
    const flaky: ArchiveWriter = {
      archiveWorkflow: async (wf) => {
        if (failures++ === 0) throw new Error('lost connection');
        await archive.archiveWorkflow(wf);
      },
    };
    await startController(store, flaky);
    await submit(store);
    await until('Archived after a retry', async () =>
      (await label(store)) === 'Archived' ? true : undefined,
    );
    expect(failures).toBe(2);
    expect(await archive.count({ limit: 0, offset: 0 })).toBe(1);
  });

  it('archives only what archiveLabelSelector selects; the others are never marked', async () => {
    const { store, archive, statuses } = await setup();
    const controller = new WorkflowController({
      store,
      archive,
      archivePolicy: { selector: [{ key: 'team', operator: '=', values: ['b'] }] },
    });
    await controller.start();
    cleanups.push(() => controller.stop());
    const wf = await submit(store); // labelled team=a
    await until('completion', async () =>
      (await store.get<Workflow>('Workflow', 'default', 'hello'))?.metadata.labels?.[
        'workflows.argoproj.io/completed'
      ] === 'true'
        ? true
        : undefined,
    );
    expect(statuses).toEqual([]);
    expect(await archive.get(wf.metadata.uid ?? '', '', '')).toBeUndefined();
  });

  it('deletes archived records older than archiveTTL when it starts, and keeps newer ones', async () => {
    const { store, archive } = await setup();
    const record = (name: string, finishedAt: string): Workflow => ({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      metadata: { name, namespace: 'default', uid: `uid-${name}`, creationTimestamp: finishedAt },
      spec: { entrypoint: 'main' },
      status: { phase: 'Succeeded', startedAt: finishedAt, finishedAt },
    });
    await archive.archiveWorkflow(record('old', new Date(Date.now() - 3 * 86400_000).toISOString()));
    await archive.archiveWorkflow(record('new', new Date(Date.now() - 3600_000).toISOString()));
    const logs: string[] = [];
    const controller = new WorkflowController({
      store,
      archive,
      archivePolicy: { ttlSeconds: 86400 },
      log: (m) => logs.push(m),
    });
    await controller.start();
    cleanups.push(() => controller.stop());
    await until('the old record to go', async () =>
      (await archive.get('uid-old', '', '')) === undefined ? true : undefined,
    );
    expect(await archive.get('uid-new', '', '')).toBeDefined();
    expect(logs).toContain('deleted 1 archived workflow(s) older than the archive TTL (86400s)');
  });
});
