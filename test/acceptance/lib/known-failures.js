// The ratchet: workflows that do not pass yet, each with its reason. A run holds the line when
// every failure is listed and nothing listed passes; the list only ever shrinks by hand or grows
// by an explicit --update-known.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { keyMatches, lookup } from './keys.js';

const HEADER = `# Workflows of the acceptance suite that do not pass yet, with the reason.
# \`npm run acceptance -- --ratchet DIR...\` fails on a failure not listed here (REGRESSION) and on
# a listed workflow that now passes (remove it). \`--update-known\` rewrites this file from a run,
# keeping the reasons of entries that still fail.
`;

/** The list as a Map of key to reason; empty when the file does not exist. */
export function loadKnownFailures(file) {
  if (!existsSync(file)) return new Map();
  const raw = parse(readFileSync(file, 'utf8')) ?? {};
  if (typeof raw !== 'object' || Array.isArray(raw))
    throw new Error(`${file}: expected a map of workflow to reason`);
  return new Map(Object.entries(raw).map(([k, v]) => [k, String(v ?? '')]));
}

/** Writes the list sorted by key, formatted as the repository's prettier would (so lint stays clean). */
export async function saveKnownFailures(file, known) {
  const sorted = Object.fromEntries([...known].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  let text = HEADER + (known.size ? stringify(sorted, { lineWidth: 0 }) : '{}\n');
  try {
    const prettier = await import('prettier');
    const config = (await prettier.resolveConfig(file)) ?? {};
    text = await prettier.format(text, { ...config, filepath: file });
  } catch {
    // No prettier (a production install): the plain YAML is just as valid.
  }
  writeFileSync(file, text);
}

/**
 * @typedef {{ key: string, fileKey: string, outcome: 'pass' | 'fail' | 'skip', reason?: string }} Result
 */

/** Failures not on the list, and listed workflows that passed. Skipped ones count as neither. */
export function ratchet(results, known) {
  const regressions = results.filter((r) => r.outcome === 'fail' && !lookup(known, r.key, r.fileKey));
  const nowPassing = results.filter((r) => r.outcome === 'pass' && lookup(known, r.key, r.fileKey));
  return { regressions, nowPassing };
}

/**
 * The list after this run: entries for workflows this run did not cover stay as they are, failures
 * keep their listed reason or get the failure message, passes and skips drop out.
 */
export function updatedKnownFailures(results, known) {
  const next = new Map();
  for (const [entryKey, reason] of known) {
    if (!results.some((r) => keyMatches(entryKey, r.key) || keyMatches(entryKey, r.fileKey)))
      next.set(entryKey, reason);
  }
  for (const r of results) {
    if (r.outcome !== 'fail') continue;
    const listed = lookup(known, r.key, r.fileKey);
    next.set(r.key, listed?.value || r.reason || 'failed');
  }
  return next;
}
