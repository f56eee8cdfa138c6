// What each workflow is expected to do: our own record (expectations.yaml) of the facts upstream
// states in its manifests and in its e2e tests. A workflow without an entry must end Succeeded.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { lookup } from './keys.js';

export const NO_TEST_LABEL = 'workflows.argoproj.io/no-test';

const PHASES = new Set(['Succeeded', 'Failed', 'Error']);
const FIELDS = new Set([
  'phase',
  'timeout',
  'parameters',
  'entrypoint',
  'skip',
  'attempts',
  'why',
  'actions',
]);

/** When an action runs: a suspend node waits, or a pod runs. */
const ACTION_WHEN = new Set(['suspended', 'running']);

/**
 * @typedef {object} Expectation
 * @property {string[]} phases      any of these final phases passes
 * @property {number} timeoutSec
 * @property {Record<string, string>} parameters  passed as -p NAME=VALUE
 * @property {string | undefined} entrypoint
 * @property {string | undefined} skip   why the workflow is not run here
 * @property {number} attempts      runs allowed until the phase matches (for workflows that draw random numbers)
 * @property {{ when: string, args: string[] }[]} actions  CLI commands run on the running workflow
 *   (`argo ARGS... NAME`), each once its condition first holds, as upstream's tests act on them
 * @property {string | undefined} entry  the expectations key that applied
 */

/** Reads and checks the expectations file: a map of key to entry. Throws naming the key and field at fault. */
export function loadExpectations(file) {
  const raw = parse(readFileSync(file, 'utf8')) ?? {};
  if (typeof raw !== 'object' || Array.isArray(raw))
    throw new Error(`${file}: expected a map of workflow file to expectation`);
  const entries = new Map();
  for (const [key, value] of Object.entries(raw)) {
    const where = `${file}: ${key}`;
    if (!value || typeof value !== 'object' || Array.isArray(value))
      throw new Error(`${where}: expected a map`);
    for (const field of Object.keys(value))
      if (!FIELDS.has(field)) throw new Error(`${where}: unknown field "${field}"`);
    const phases = value.phase === undefined ? undefined : [value.phase].flat();
    for (const p of phases ?? [])
      if (!PHASES.has(p)) throw new Error(`${where}: phase "${p}" is not one of ${[...PHASES].join(', ')}`);
    if (value.timeout !== undefined && !(Number(value.timeout) > 0))
      throw new Error(`${where}: timeout must be seconds > 0`);
    if (value.attempts !== undefined && !(Number.isInteger(value.attempts) && value.attempts >= 1))
      throw new Error(`${where}: attempts must be an integer >= 1`);
    if (value.skip !== undefined && (typeof value.skip !== 'string' || !value.skip.trim()))
      throw new Error(`${where}: skip needs a reason`);
    if (
      value.parameters !== undefined &&
      (typeof value.parameters !== 'object' || Array.isArray(value.parameters))
    )
      throw new Error(`${where}: parameters must be a map of name to value`);
    for (const a of value.actions ?? []) {
      if (
        !a ||
        typeof a !== 'object' ||
        !ACTION_WHEN.has(a.when) ||
        !Array.isArray(a.args) ||
        a.args.length === 0
      )
        throw new Error(
          `${where}: each action needs when (${[...ACTION_WHEN].join(' or ')}) and args (a list)`,
        );
    }
    entries.set(key, value);
  }
  return entries;
}

/** The expectation for one workflow document. */
export function expectationFor(entries, doc, defaultTimeoutSec) {
  const found = lookup(entries, doc.key, doc.fileKey);
  const e = found?.value ?? {};
  return {
    phases: e.phase === undefined ? ['Succeeded'] : [e.phase].flat(),
    timeoutSec: Number(e.timeout ?? defaultTimeoutSec),
    parameters: Object.fromEntries(Object.entries(e.parameters ?? {}).map(([k, v]) => [k, String(v)])),
    entrypoint: e.entrypoint,
    skip: e.skip,
    attempts: e.attempts ?? 1,
    actions: (e.actions ?? []).map((a) => ({ when: a.when, args: a.args.map(String) })),
    entry: found?.key,
  };
}

/** Workflows upstream labels no-test that our file says nothing about: worth a look, so listed. */
export function unreviewedNoTest(entries, docs) {
  return docs.filter((d) => d.labels?.[NO_TEST_LABEL] !== undefined && !lookup(entries, d.key, d.fileKey));
}
