// Label requirements as SQL over the archive's labels table: one EXISTS / NOT EXISTS per
// requirement, as upstream queries it (so its label index serves), with the values bound.
import { parseLabelSelector, type LabelRequirement } from '../store/selectors.js';
import type { Dialect, SqlValue } from './sql-session.js';

export interface SqlCondition {
  sql: string;
  params: SqlValue[];
}

function integer(req: LabelRequirement): number {
  const v = req.values[0];
  if (!/^-?\d+$/.test(v ?? ''))
    throw new Error(
      `label selector ${req.key}: "${v}" is not an integer for a ${req.operator === 'gt' ? '>' : '<'} comparison`,
    );
  return Number(v);
}

/** A condition on rows of `table` (which has `clustername` and `uid`) for one label requirement. */
export function labelCondition(
  dialect: Dialect,
  req: LabelRequirement,
  table: string,
  labelsTable: string,
): SqlCondition {
  const match = `select 1 from ${labelsTable} where clustername = ${table}.clustername and uid = ${table}.uid and name = ?`;
  const marks = (n: number): string => Array.from({ length: n }, () => '?').join(', ');
  const intType = dialect === 'mysql' ? 'signed' : 'int';
  switch (req.operator) {
    case 'exists':
      return { sql: `exists (${match})`, params: [req.key] };
    case '!':
      return { sql: `not exists (${match})`, params: [req.key] };
    case '=':
      return { sql: `exists (${match} and value = ?)`, params: [req.key, req.values[0]] };
    case '!=':
      return { sql: `not exists (${match} and value = ?)`, params: [req.key, req.values[0]] };
    case 'in':
      return {
        sql: `exists (${match} and value in (${marks(req.values.length)}))`,
        params: [req.key, ...req.values],
      };
    case 'notin':
      return {
        sql: `not exists (${match} and value in (${marks(req.values.length)}))`,
        params: [req.key, ...req.values],
      };
    case 'gt':
      return { sql: `exists (${match} and cast(value as ${intType}) > ?)`, params: [req.key, integer(req)] };
    case 'lt':
      return { sql: `exists (${match} and cast(value as ${intType}) < ?)`, params: [req.key, integer(req)] };
  }
}

/**
 * The label key a list-label-values request names: its selector must be exactly one `key`
 * (exists) requirement, as the Argo Server requires.
 */
export function labelValuesKey(selector: string): string {
  const reqs = parseLabelSelector(selector);
  if (reqs.length !== 1) throw new Error(`only allow 1 labelRequirement, found ${reqs.length}`);
  if (reqs[0].operator !== 'exists') throw new Error(`operation ${reqs[0].operator} is not supported`);
  return reqs[0].key;
}
