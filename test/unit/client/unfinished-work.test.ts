// What counts as work left for a detached controller on the local backend: a read command starts
// one only when there is some.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { unfinishedWork } from '../../../src/client/local/heal.js';
import { journalsDir } from '../../../src/executor/paths.js';
import { openSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { LABEL_COMPLETED } from '../../../src/workflow/lifecycle/suspend.js';
import { MemoryStore } from '../../helpers/memory-store.js';

const homes: string[] = [];
afterEach(() => {
  for (const h of homes.splice(0)) rmSync(h, { recursive: true, force: true });
});

function home(): string {
  const h = mkdtempSync(path.join(tmpdir(), 'argo-unfinished-'));
  homes.push(h);
  return h;
}

describe('unfinished work on the local backend', () => {
  it('is none with an empty store and no run journals', async () => {
    expect(await unfinishedWork(new MemoryStore(), home())).toBe(false);
  });

  it('is none when only an emptied namespace folder of run journals is left', async () => {
    const h = home();
    mkdirSync(path.join(journalsDir(h), 'default'), { recursive: true });
    expect(await unfinishedWork(new MemoryStore(), h)).toBe(false);
  });

  it("is some when a pod's run journal is left", async () => {
    const h = home();
    const pod = path.join(journalsDir(h), 'default', 'hello-123');
    mkdirSync(pod, { recursive: true });
    writeFileSync(path.join(pod, 'run.json'), '{"uid":"u","owner":""}');
    expect(await unfinishedWork(new MemoryStore(), h)).toBe(true);
  });

  it('is some when a workflow is not completed', async () => {
    const store = new MemoryStore();
    await store.create('Workflow', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      metadata: { name: 'open', namespace: 'default' },
      spec: { entrypoint: 'main', templates: [] },
    } as never);
    expect(await unfinishedWork(store, home())).toBe(true);
  });

  // The SQLite store answers through its workflow pager (labels only, not each whole workflow).
  it('in the SQLite store, is some for a workflow not completed and none for completed ones', async () => {
    const h = home();
    const store = openSqliteStore({ path: path.join(h, 'argo.db') });
    try {
      const workflow = (name: string, completed: boolean) =>
        ({
          apiVersion: 'argoproj.io/v1alpha1',
          kind: 'Workflow',
          metadata: {
            name,
            namespace: 'default',
            ...(completed ? { labels: { [LABEL_COMPLETED]: 'true' } } : {}),
          },
          spec: { entrypoint: 'main', templates: [] },
        }) as never;
      await store.create('Workflow', workflow('done', true));
      expect(await unfinishedWork(store, h)).toBe(false);
      await store.create('Workflow', workflow('open', false));
      expect(await unfinishedWork(store, h)).toBe(true);
    } finally {
      await store.close();
    }
  });
});
