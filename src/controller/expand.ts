// Loop expansion and `when` evaluation shared by steps and DAG tasks.
import type { ContinueOn, DAGTask, WorkflowStep } from '../model/template.js';
import type { NodePhase } from '../model/workflow.js';
import { ABSENT_OPTIONAL_ARGUMENT } from '../workflow/args.js';
import { describeItem, expandSequence } from '../workflow/items.js';
import { renderObject, type Vars } from '../workflow/template-string.js';
import { evaluateWhen } from '../workflow/when.js';
import type { Scope } from './scope.js';
import { sameProbeAs } from './held-back.js';

export class WhenError extends Error {}

/** Evaluates an already substituted `when`; an empty condition means run. */
export function shouldExecute(when: string | undefined): boolean {
  if (!when) return true;
  try {
    return evaluateWhen(when);
  } catch (err) {
    const msg = (err as Error).message;
    if (msg.startsWith('Invalid ')) throw new WhenError(msg);
    throw new WhenError(`Invalid 'when' expression '${when}': ${msg}`);
  }
}

export function continuesOn(c: ContinueOn | undefined, phase: NodePhase | undefined): boolean {
  if (!c) return false;
  return (c.error === true && phase === 'Error') || (c.failed === true && phase === 'Failed');
}

/**
 * Expands a step or task with withItems/withParam/withSequence into one copy per item, named
 * `name(i:item)`, with `{{item}}` substituted.
 */
export function expandItems<T extends WorkflowStep | DAGTask>(holder: T, globalVars: Vars): T[] {
  let items: unknown[] = [];
  if (holder.withItems !== undefined && holder.withItems.length > 0) {
    items = holder.withItems;
  } else if (holder.withParam !== undefined && holder.withParam !== '') {
    try {
      const parsed: unknown = JSON.parse(holder.withParam);
      if (!Array.isArray(parsed))
        throw new Error(`json: cannot unmarshal ${typeof parsed} into Go value of type []v1alpha1.Item`);
      items = parsed;
    } catch (err) {
      if (mustExecute(holder.when)) {
        throw new Error(
          `withParam value could not be parsed as a JSON list: ${holder.withParam.trim()}: ${(err as Error).message}`,
        );
      }
    }
  } else if (holder.withSequence !== undefined) {
    try {
      items = expandSequence(holder.withSequence);
    } catch (err) {
      if (mustExecute(holder.when)) throw err;
    }
  } else if (holder.withItems !== undefined || holder.withParam !== undefined) {
    items = [];
  } else {
    return [holder];
  }
  const base = { ...holder } as T;
  delete base.withItems;
  delete base.withParam;
  delete base.withSequence;
  const lenient = !mustExecute(holder.when);
  // A holder with no tag in it (a fan-out whose items only name its nodes) renders to itself:
  // each item is a copy of it, not a walk of it with the variables merged per item.
  const text = JSON.stringify(base);
  const plain = !text.includes('{{');
  return items.map((item, i) => {
    const { name, vars } = describeItem(holder.name ?? '', i, item);
    if (plain) {
      const copy = JSON.parse(text) as T;
      copy.name = name;
      sameProbeAs(copy, base);
      return copy;
    }
    const all: Vars = { ...globalVars, ...vars };
    // A step that will not run must not fail on a skipped producer's absent output: leave such tags.
    if (lenient) for (const k of Object.keys(all)) if (all[k] === null) delete all[k];
    const out = renderObject(base, all, { allowUnresolved: lenient });
    out.name = name;
    if (holder.template !== undefined) out.template = holder.template;
    return out;
  });
}

function mustExecute(when: string | undefined): boolean {
  try {
    return shouldExecute(when);
  } catch {
    return true;
  }
}

/**
 * An argument that is exactly a reference to a skipped step's output with no default is marked so
 * the consumed template's input default applies instead.
 */
export function markAbsentOptionalArgs<T extends WorkflowStep | DAGTask>(holder: T, scope: Scope): T {
  const params = holder.arguments?.parameters;
  if (!params?.length) return holder;
  let changed = false;
  const marked = params.map((p) => {
    const v = p.value;
    if (v === undefined || !v.startsWith('{{') || !v.endsWith('}}')) return p;
    const key = v.slice(2, -2).trim();
    if (key.includes('{{') || key.includes('}}') || !scope.isSkipped(key)) return p;
    changed = true;
    return { ...p, value: ABSENT_OPTIONAL_ARGUMENT };
  });
  if (!changed) return holder;
  return { ...holder, arguments: { ...holder.arguments, parameters: marked } };
}
