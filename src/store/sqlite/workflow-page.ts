// The SQL that selects and orders a workflow page (see ../workflow-page.ts). Only the columns
// beside the object are read while selecting; the objects of the page are read by id afterwards.
import type { WorkflowPageQuery } from '../workflow-page.js';

export interface PageScan {
  sql: string;
  params: (string | number)[];
}

/** Rows (id, labels, created) of the matching workflows, newest started first. */
export function workflowPageScan(q: WorkflowPageQuery): PageScan {
  const clauses = ["kind = 'Workflow'"];
  const params: (string | number)[] = [];
  const where = (clause: string, ...values: (string | number)[]): void => {
    clauses.push(clause);
    params.push(...values);
  };
  if (q.namespace !== '') where(q.namespaceNotEquals ? 'namespace != ?' : 'namespace = ?', q.namespace);
  if (q.name !== '') {
    switch (q.nameFilter || 'Exact') {
      case 'Contains':
        where('instr(name, ?) > 0', q.name);
        break;
      case 'Prefix':
        where('substr(name, 1, length(?)) = ?', q.name, q.name);
        break;
      case 'NotEquals':
        where('name != ?', q.name);
        break;
      default:
        where('name = ?', q.name);
    }
  }
  if (q.minStartedAt !== undefined) where('started >= ?', q.minStartedAt);
  if (q.maxStartedAt !== undefined) where('started <= ?', q.maxStartedAt);
  if (q.finishedBefore !== undefined) where('finished != 0 AND finished <= ?', q.finishedBefore);
  // The order of workflows_by_start, or of workflows_by_namespace_start within one namespace (where
  // naming the namespace in ORDER BY would make SQLite sort); ties keep the (namespace, name) order
  // of a list. Named, because without statistics SQLite would take objects_by_name and sort.
  const oneNamespace = q.namespace !== '' && !q.namespaceNotEquals;
  const [index, order] = oneNamespace
    ? ['workflows_by_namespace_start', 'started DESC, name']
    : ['workflows_by_start', 'started DESC, namespace, name'];
  return {
    sql: `SELECT id, labels, created FROM objects INDEXED BY ${index} WHERE ${clauses.join(' AND ')} ORDER BY ${order}`,
    params,
  };
}
