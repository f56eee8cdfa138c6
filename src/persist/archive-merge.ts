// A workflow list merged with the archive, as upstream v4's Argo Server lists workflows: the live
// workflows not yet archived come first, then the archived records, one offset running over both
// (live ones labelled Archived are left to their records, so none is listed twice). A workflow
// deleted after it was archived is still listed, from its record.
import type { Workflow } from '../model/workflow.js';
import { LABEL_ARCHIVING_STATUS } from '../workflow/archived-record.js';
import type { ArchiveListOptions, WorkflowArchive } from './archive-api.js';

/** The label requirement that leaves out live workflows whose records are listed instead. */
export const NOT_ARCHIVED = `${LABEL_ARCHIVING_STATUS}!=Archived`;

export interface LiveWorkflows {
  /** How many live workflows match (Archived ones left out). */
  count(): Promise<number>;
  /** A page of them, in the list's order; limit 0: all from offset. */
  page(offset: number, limit: number): Promise<Workflow[]>;
}

export interface MergedPage {
  items: Workflow[];
  /** Matches after the page, live and archived. */
  remaining: number;
}

export async function mergedWorkflowPage(
  live: LiveWorkflows,
  archive: WorkflowArchive,
  query: Omit<ArchiveListOptions, 'limit' | 'offset'>,
  offset: number,
  limit: number,
): Promise<MergedPage> {
  const liveCount = await live.count();
  const items = limit === 0 || offset < liveCount ? await live.page(offset, limit) : [];
  if (limit === 0 || offset + limit > liveCount) {
    const archiveOffset = Math.max(offset - liveCount, 0);
    const archiveLimit = offset < liveCount ? limit - items.length : limit;
    if (limit === 0 || archiveLimit > 0)
      items.push(...(await archive.list({ ...query, offset: archiveOffset, limit: archiveLimit })));
  }
  const remaining =
    limit === 0
      ? 0
      : Math.max(
          liveCount + (await archive.count({ ...query, limit: 0, offset: 0 })) - offset - items.length,
          0,
        );
  return { items, remaining };
}
