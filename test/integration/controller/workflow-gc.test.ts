// Workflow garbage collection through the real controller on the embedded (SQLite) store: a
// workflow whose ttlStrategy runs out is deleted, not before; one Pending archiving is kept until
// the archiver has it; the ConfigMap's retentionPolicy keeps the newest N finished of a phase. And
// the ConfigMap's workflowDefaults, which the same controller reads and lays under each workflow.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WorkflowController } from '../../../src/controller/controller.js';
import type { ArchiveWriter } from '../../../src/controller/archiver.js';
import type { ConfigMap } from '../../../src/model/meta.js';
import type { Pod } from '../../../src/model/pod.js';
import type { TTLStrategy, Workflow } from '../../../src/model/workflow.js';
import { openSqliteStore, type SqliteStore } from '../../../src/store/index.js';
import { FakeKubelet } from '../../helpers/fake-kubelet.js';
import { until } from '../../helpers/until.js';

const STATUS = 'workflows.argoproj.io/workflow-archiving-status';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

function setup(): SqliteStore {
  const dir = mkdtempSync(path.join(tmpdir(), 'argo-wf-gc-'));
  const store = openSqliteStore({ path: path.join(dir, 'argo.db'), pollIntervalMs: 50 });
  const kubelet = new FakeKubelet(store, (tmpl) => ({
    exitCode: tmpl.name === 'fail' ? 1 : 0,
  }));
  kubelet.start();
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cleanups.push(() => store.close());
  cleanups.push(() => kubelet.stop());
  return store;
}

async function startController(store: SqliteStore, archive?: ArchiveWriter): Promise<WorkflowController> {
  const controller = new WorkflowController({ store, archive, controllerNamespace: 'argo' });
  await controller.start();
  cleanups.push(() => controller.stop());
  return controller;
}

async function submit(
  store: SqliteStore,
  name: string,
  opts: { ttl?: TTLStrategy; fail?: boolean } = {},
): Promise<Workflow> {
  const step = opts.fail ? 'fail' : 'main';
  return store.create<Workflow>('Workflow', {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { name, namespace: 'default' },
    spec: {
      entrypoint: step,
      ttlStrategy: opts.ttl,
      templates: [{ name: step, container: { image: 'alpine', command: ['true'] } }],
    },
  });
}

/** How long each wait of this file may take. */
const WAIT_MS = 15_000;

const get = (store: SqliteStore, name: string): Promise<Workflow | undefined> =>
  store.get<Workflow>('Workflow', 'default', name);

const names = async (store: SqliteStore): Promise<string[]> =>
  (await store.list<Workflow>('Workflow', { namespace: 'default' })).items
    .map((w) => w.metadata.name ?? '')
    .sort();

describe('workflow garbage collection', () => {
  it('deletes a workflow once secondsAfterCompletion has passed since it finished, not before', async () => {
    const store = setup();
    await startController(store);
    // Every stored state, from the watch: the finished one may be deleted (finishedAt is stored in
    // whole seconds) within milliseconds of being written, too soon for a poll to be sure to see it.
    const states: Workflow[] = [];
    const watch = store.watch<Workflow>('Workflow', {}, (ev) => {
      if (ev.type !== 'DELETED') states.push(ev.object);
    });
    cleanups.push(() => watch.stop());
    await submit(store, 'ttl', { ttl: { secondsAfterCompletion: 1 } });
    const finished = await until('the workflow to finish', WAIT_MS, async () =>
      states.find((w) => w.status?.finishedAt),
    );
    expect(finished.status?.phase).toBe('Succeeded');
    await until('the workflow to be deleted', WAIT_MS, async () =>
      (await get(store, 'ttl')) ? undefined : true,
    );
    // finishedAt is stored in whole seconds: the deletion is at least a second after that.
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(finished.status!.finishedAt!) + 1000);
    // Its pods went with it.
    const pods = await store.list('Pod', {
      namespace: 'default',
      labelSelector: 'workflows.argoproj.io/workflow=ttl',
    });
    expect(pods.items).toEqual([]);
  });

  it('keeps a workflow that a TTL does not cover (secondsAfterFailure only, and it succeeded)', async () => {
    const store = setup();
    await startController(store);
    await submit(store, 'kept', { ttl: { secondsAfterFailure: 0 } });
    await submit(store, 'gone', { ttl: { secondsAfterFailure: 0 }, fail: true });
    await until('the failed one to be deleted', WAIT_MS, async () =>
      (await get(store, 'gone')) ? undefined : true,
    );
    const kept = await until('the succeeded one to finish', WAIT_MS, async () => {
      const wf = await get(store, 'kept');
      return wf?.status?.finishedAt ? wf : undefined;
    });
    expect(kept.status?.phase).toBe('Succeeded');
    expect(await names(store)).toEqual(['kept']);
  });

  it('a controller that starts deletes what fell due while none ran, and waits out the rest', async () => {
    const store = setup();
    const finished = (name: string, secondsAfterCompletion: number): Workflow => ({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      metadata: {
        name,
        namespace: 'default',
        labels: { 'workflows.argoproj.io/completed': 'true', 'workflows.argoproj.io/phase': 'Succeeded' },
      },
      spec: { entrypoint: 'main', ttlStrategy: { secondsAfterCompletion }, templates: [] },
      status: { phase: 'Succeeded', startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:00:01Z' },
    });
    await store.create<Workflow>('Workflow', finished('due', 60));
    await store.create<Workflow>('Workflow', finished('later', 10 * 365 * 24 * 3600));
    await startController(store);
    await until('the due one to be deleted', WAIT_MS, async () =>
      (await get(store, 'due')) ? undefined : true,
    );
    expect(await names(store)).toEqual(['later']);
  });

  it('keeps a workflow Pending archiving until it is archived, then deletes it', async () => {
    const store = setup();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const archived: string[] = [];
    const slow: ArchiveWriter = {
      archiveWorkflow: async (wf) => {
        await gate;
        archived.push(wf.metadata.name ?? '');
      },
    };
    await startController(store, slow);
    await submit(store, 'held', { ttl: { secondsAfterCompletion: 0 } });
    const pending = await until('Pending archiving', WAIT_MS, async () => {
      const wf = await get(store, 'held');
      return wf?.metadata.labels?.[STATUS] === 'Pending' ? wf : undefined;
    });
    expect(pending.status?.phase).toBe('Succeeded');
    // Its TTL is long over; a second more shows the collector leaves it while it is Pending.
    await new Promise((r) => setTimeout(r, 1000));
    expect((await get(store, 'held'))?.metadata.labels?.[STATUS]).toBe('Pending');
    release();
    await until('the workflow to be deleted', WAIT_MS, async () =>
      (await get(store, 'held')) ? undefined : true,
    );
    expect(archived).toEqual(['held']);
  });

  it("keeps the newest `completed` succeeded workflows of the ConfigMap's retentionPolicy", async () => {
    const store = setup();
    await store.create<ConfigMap>('ConfigMap', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'workflow-controller-configmap', namespace: 'argo' },
      data: { retentionPolicy: 'completed: 2\nfailed: 5\n' },
    });
    await startController(store);
    // One after another, so each is created after the last finished (creationTimestamp orders them).
    for (const name of ['r1', 'r2', 'r3', 'r4']) {
      await submit(store, name);
      await until(`${name} to finish`, WAIT_MS, async () =>
        (await get(store, name))?.status?.finishedAt ? true : undefined,
      );
      if (name === 'r2') await submit(store, 'failed', { fail: true });
    }
    await until('two succeeded workflows to be left', WAIT_MS, async () => {
      const left = await names(store);
      return left.filter((n) => n.startsWith('r')).length === 2 ? left : undefined;
    });
    await until('the failed one to finish', WAIT_MS, async () =>
      (await get(store, 'failed'))?.status?.finishedAt ? true : undefined,
    );
    expect(await names(store)).toEqual(['failed', 'r3', 'r4']);
  });
});

describe("the ConfigMap's workflowDefaults", () => {
  it('are merged into a workflow the controller starts, and it runs with them', async () => {
    const store = setup();
    await store.create<ConfigMap>('ConfigMap', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'workflow-controller-configmap', namespace: 'argo' },
      data: {
        workflowDefaults: 'metadata: {labels: {team: platform}}\nspec: {serviceAccountName: defaults-sa}\n',
      },
    });
    await startController(store);
    await submit(store, 'with-defaults');
    const done = await until('with-defaults to finish', WAIT_MS, async () => {
      const wf = await get(store, 'with-defaults');
      return wf?.status?.finishedAt ? wf : undefined;
    });
    expect(done.status?.phase).toBe('Succeeded');
    expect(done.spec.serviceAccountName).toBe('defaults-sa');
    expect(done.metadata.labels?.team).toBe('platform');
    const pods = (await store.list<Pod>('Pod', { namespace: 'default' })).items;
    expect(pods.map((p) => p.spec.serviceAccountName)).toEqual(['defaults-sa']);
  });
});
