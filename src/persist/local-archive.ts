// The local backend's archive: SQLite in $ARGO_HOME, beside (not inside) the store's database, so
// the store's schema and the archive's (upstream's) evolve apart.
import path from 'node:path';
import { openWorkflowArchive } from './index.js';
import type { SqlWorkflowArchive } from './workflow-archive.js';

export const LOCAL_ARCHIVE_FILE = 'archive.db';

export function openLocalArchive(home: string): Promise<SqlWorkflowArchive> {
  return openWorkflowArchive({ type: 'sqlite', file: path.join(home, LOCAL_ARCHIVE_FILE) });
}
