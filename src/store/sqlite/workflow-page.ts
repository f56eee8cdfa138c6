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
  return {
    // The order of objects_by_start; ties keep the (namespace, name) order of a plain list.
    sql: `SELECT id, labels, created FROM objects WHERE ${clauses.join(' AND ')} ORDER BY started DESC, namespace, name`,
    params,
  };
}
