// The SQLite store selects, orders and pages a workflow list itself: the same pages the server
// computes in memory for any other store, from the same criteria.
import { describe, expect, it } from 'vitest';
import type { Workflow } from '../../../src/model/workflow.js';
import { pageFromStore, pageOf, workflowListCriteria } from '../../../src/server/workflow-list.js';
import { openTempStore } from '../store/helpers.js';

const NAMESPACES = ['default', 'team-a', 'team-b'];

async function filledStore() {
  const store = openTempStore();
  for (let i = 0; i < 60; i++) {
    // Start times repeat (ties keep the plain list's order) and are unset for every seventh.
    const started = i % 7 === 0 ? undefined : new Date(Date.UTC(2024, 0, 1 + (i % 11))).toISOString();
    const finished =
      started && i % 3 === 0 ? new Date(Date.parse(started) + 60_000).toISOString() : undefined;
    await store.create<Workflow>('Workflow', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      metadata: {
        name: `${i % 2 ? 'job' : 'wf'}-${String(i).padStart(2, '0')}`,
        namespace: NAMESPACES[i % 3],
        labels: { team: i % 4 ? 'a' : 'b' },
      },
      spec: {},
      status: { startedAt: started, finishedAt: finished },
    } as Workflow);
  }
  return store;
}

describe('workflow pages from the SQLite store', () => {
  it('match the pages computed in memory for every criterion upstream supports', async () => {
    const store = await filledStore();
    const cases: {
      namespace: string;
      fieldSelector?: string;
      nameFilter?: string;
      labelSelector?: string;
      finishedBefore?: string;
      createdAfter?: string;
    }[] = [
      { namespace: '' },
      { namespace: 'team-a' },
      { namespace: '', fieldSelector: 'metadata.namespace!=default' },
      { namespace: '', fieldSelector: 'metadata.name=wf-10' },
      { namespace: '', fieldSelector: 'metadata.name=job', nameFilter: 'Prefix' },
      { namespace: 'default', fieldSelector: 'metadata.name=1', nameFilter: 'Contains' },
      { namespace: '', fieldSelector: 'metadata.name!=wf-12' },
      {
        namespace: '',
        fieldSelector: 'spec.startedAt>2024-01-04T00:00:00Z,spec.startedAt<2024-01-09T00:00:00Z',
      },
      { namespace: '', finishedBefore: '2024-01-06T00:00:00Z' },
      { namespace: '', createdAfter: '2024-01-01T00:00:00Z' },
      { namespace: '', labelSelector: 'team=b' },
      { namespace: 'team-b', labelSelector: 'team!=b', fieldSelector: 'ext.showRemainingItemCount=true' },
    ];
    let compared = 0;
    for (const k of cases) {
      const all = (await store.list<Workflow>('Workflow', { labelSelector: k.labelSelector })).items;
      for (const [limit, cont] of [
        [0, undefined],
        [5, undefined],
        [5, '5'],
        [7, '21'],
        [0, '50'],
      ] as const) {
        const c = workflowListCriteria({ ...k, limit, continue: cont });
        const fromStore = await pageFromStore(store, c, k.labelSelector);
        const inMemory = pageOf(all, c);
        const shape = (p: typeof inMemory) => ({
          names: p.items.map((w) => `${w.metadata.namespace}/${w.metadata.name}`),
          continue: p.continue,
          remainingItemCount: p.remainingItemCount,
        });
        expect(shape(fromStore!), JSON.stringify({ k, limit, cont })).toEqual(shape(inMemory));
        compared += inMemory.items.length;
      }
    }
    expect(compared).toBeGreaterThan(300);
  });
});
