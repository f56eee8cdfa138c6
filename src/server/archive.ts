// Archived workflows. Without a persistence configuration the Argo Server runs with a null archive:
// lists are empty and reading or deleting a record fails with the messages below.
import type { WorkflowArchive } from '../persist/archive-api.js';

export type { ArchiveListOptions, WorkflowArchive } from '../persist/archive-api.js';

export const nullArchive: WorkflowArchive = {
  enabled: false,
  list: async () => [],
  count: async () => 0,
  get: async () => {
    throw new Error('getting archived workflows not supported');
  },
  delete: async () => {
    throw new Error('deleting archived workflows not supported');
  },
  labelKeys: async () => [],
  labelValues: async () => [],
};
