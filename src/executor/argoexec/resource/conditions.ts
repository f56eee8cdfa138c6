// successCondition and failureCondition: Kubernetes label-selector syntax (`a.b > 1`,
// `status.phase in (Failed, Error)`, `!x`, comma for AND) whose keys are paths into the object's
// JSON. Upstream parses them with the label-selector parser and looks keys up with gjson, so a
// key is a dotted path where a number indexes an array, and a value reads as its text: a string
// as itself, a number as written, an object or array as its JSON.
import type { KubeObject } from '../../../model/meta.js';
import {
  formatRequirement as formatLabelRequirement,
  parseLabelSelector,
  type LabelRequirement,
} from '../../../store/selectors.js';

export class ConditionError extends Error {}

export interface Conditions {
  success: LabelRequirement[];
  failure: LabelRequirement[];
}

function parseOne(which: 'success' | 'fail', text: string | undefined): LabelRequirement[] {
  if (!text) return [];
  try {
    // Kubernetes orders a selector's requirements by key; so are they checked and reported.
    return parseLabelSelector(text).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  } catch (err) {
    const prefix = `invalid label selector "${text}": `;
    const msg = (err as Error).message;
    throw new ConditionError(
      `${which} condition '${text}' failed to parse: ${msg.startsWith(prefix) ? msg.slice(prefix.length) : msg}`,
    );
  }
}

export function parseConditions(success?: string, failure?: string): Conditions {
  return { success: parseOne('success', success), failure: parseOne('fail', failure) };
}

/** A requirement as Kubernetes prints it, set values sorted (as upstream's messages show them). */
export function formatRequirement(r: LabelRequirement): string {
  return formatLabelRequirement({ ...r, values: [...r.values].sort() });
}

/** gjson's view of a dotted path: whether it exists, and its value as text. */
export function lookupPath(obj: unknown, key: string): { exists: boolean; text: string } {
  let cur: unknown = obj;
  for (const part of key.split('.')) {
    if (Array.isArray(cur)) {
      if (!/^\d+$/.test(part) || Number(part) >= cur.length) return { exists: false, text: '' };
      cur = cur[Number(part)];
    } else if (typeof cur === 'object' && cur !== null && Object.prototype.hasOwnProperty.call(cur, part)) {
      cur = (cur as Record<string, unknown>)[part];
    } else {
      return { exists: false, text: '' };
    }
  }
  if (cur === null) return { exists: true, text: '' };
  if (typeof cur === 'object') return { exists: true, text: JSON.stringify(cur) };
  return { exists: true, text: String(cur) };
}

const INTEGER = /^[+-]?\d+$/;

export function requirementHolds(r: LabelRequirement, obj: unknown): boolean {
  const { exists, text } = lookupPath(obj, r.key);
  switch (r.operator) {
    case '=':
    case 'in':
      return exists && r.values.includes(text);
    // As for labels: a missing field is "not equal" to anything.
    case '!=':
    case 'notin':
      return !exists || !r.values.includes(text);
    case 'exists':
      return exists;
    case '!':
      return !exists;
    case 'gt':
    case 'lt': {
      // Kubernetes compares 64-bit integers; a field that is not one matches neither way.
      if (!exists || !INTEGER.test(text)) return false;
      const have = BigInt(text);
      const bound = BigInt(r.values[0]);
      return r.operator === 'gt' ? have > bound : have < bound;
    }
  }
}

export type Verdict = { state: 'succeeded' } | { state: 'pending' } | { state: 'failed'; message: string };

/**
 * A failure condition that holds fails the step at once; otherwise the step succeeds when every
 * success requirement holds — which, with no success condition, is at the first look.
 */
export function judge(obj: KubeObject, c: Conditions): Verdict {
  for (const r of c.failure) {
    if (requirementHolds(r, obj))
      return { state: 'failed', message: `failure condition '${formatRequirement(r)}' evaluated true` };
  }
  return c.success.every((r) => requirementHolds(r, obj)) ? { state: 'succeeded' } : { state: 'pending' };
}
