// The merged workflow list's paging, as upstream v4's server pages it: one offset over the live
// workflows first, then the archived records; the remaining count spans both.
import { describe, expect, it } from 'vitest';
import type { Workflow } from '../../../src/model/workflow.js';
import type { ArchiveListOptions, WorkflowArchive } from '../../../src/persist/archive-api.js';
import { mergedWorkflowPage, NOT_ARCHIVED } from '../../../src/persist/archive-merge.js';

const wf = (name: string): Workflow => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Workflow',
  metadata: { name, namespace: 'argo' },
  spec: {},
});

const liveOf = (names: string[]) => ({
  count: async () => names.length,
  page: async (offset: number, limit: number) =>
    (limit > 0 ? names.slice(offset, offset + limit) : names.slice(offset)).map(wf),
});

function archiveOf(names: string[]): WorkflowArchive & { asked: ArchiveListOptions[] } {
  const asked: ArchiveListOptions[] = [];
  return {
    enabled: true,
    asked,
    list: async (o) => {
      asked.push(o);
      return (o.limit > 0 ? names.slice(o.offset, o.offset + o.limit) : names.slice(o.offset)).map(wf);
    },
    count: async () => names.length,
    get: async () => undefined,
    delete: async () => undefined,
    labelKeys: async () => [],
    labelValues: async () => [],
  };
}

const names = (p: { items: Workflow[] }): string[] => p.items.map((w) => w.metadata.name!);

describe('mergedWorkflowPage', () => {
  it('lists everything, live first, without a limit', async () => {
    const page = await mergedWorkflowPage(
      liveOf(['l1', 'l2']),
      archiveOf(['a1']),
      { namespace: 'argo' },
      0,
      0,
    );
    expect(names(page)).toEqual(['l1', 'l2', 'a1']);
    expect(page.remaining).toBe(0);
  });

  it('pages across the boundary and into the archive, with the filters passed on', async () => {
    const archive = archiveOf(['a1', 'a2', 'a3']);
    const live = liveOf(['l1', 'l2']);
    const q = { namespace: 'argo', labelSelector: 'team=x' };
    expect(names(await mergedWorkflowPage(live, archive, q, 0, 1))).toEqual(['l1']);
    const across = await mergedWorkflowPage(live, archive, q, 1, 2);
    expect(names(across)).toEqual(['l2', 'a1']);
    expect(across.remaining).toBe(2);
    const deep = await mergedWorkflowPage(live, archive, q, 3, 2);
    expect(names(deep)).toEqual(['a2', 'a3']);
    expect(deep.remaining).toBe(0);
    expect(archive.asked.at(-1)).toEqual({ ...q, offset: 1, limit: 2 });
    // A page the live workflows fill asks the archive for nothing.
    const before = archive.asked.length;
    await mergedWorkflowPage(live, archive, q, 0, 2);
    expect(archive.asked.length).toBe(before);
  });

  it('leaves out live workflows labelled Archived, whose records are listed', () => {
    expect(NOT_ARCHIVED).toBe('workflows.argoproj.io/workflow-archiving-status!=Archived');
  });
});
