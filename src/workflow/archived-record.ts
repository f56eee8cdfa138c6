// The archiving-status label, and what it says on a workflow read from the archive: a record
// carries `Persisted` whatever the live workflow's label said, which is how a reader (`argo get`
// falling back to the archive) tells a record from a live workflow.
export const LABEL_ARCHIVING_STATUS = 'workflows.argoproj.io/workflow-archiving-status';

export const ARCHIVED_RECORD_STATUS = 'Persisted';

export function isArchivedRecord(wf: { metadata: { labels?: Record<string, string> } }): boolean {
  return wf.metadata.labels?.[LABEL_ARCHIVING_STATUS] === ARCHIVED_RECORD_STATUS;
}
