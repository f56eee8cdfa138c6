// Which steps and DAG tasks not yet started can share the outcome of a like one that the workflow's
// parallelism held back in the same pass (see WorkflowOperation.knownHeldBack): the thousands of
// waiting items of a wide fan-out then cost a lookup each per pass, not a resolution each.
import type { DAGTask, WorkflowStep } from '../model/template.js';

type Holder = WorkflowStep | DAGTask;

/** Per holder object (the rendered step or task of this pass): its probe key, or null. */
const probeKeys = new WeakMap<Holder, string | null>();
/**
 * On a copy of a holder that differs from it in its name only (an item of a loop with no tag in
 * it): the original, whose probe key is worked out once for all the items. A non-enumerable
 * property rather than a WeakMap entry, which costs more than the rest of a waiting item's pass;
 * being non-enumerable, it does not follow the object into a spread copy that may then change.
 */
const COPIED_FROM = Symbol('copied from');

export function sameProbeAs(copy: Holder, original: Holder): void {
  Object.defineProperty(copy, COPIED_FROM, { value: original });
}

/**
 * The key under which a step or task not yet started can share the held-back outcome of a like
 * one, or undefined when its resolution could differ from theirs: a `when`, a loop, hooks, an
 * inline template, an artifact taken from another step or task, or any `{{...}}` in it. Such a
 * holder renders to itself, so only its template and arguments matter (not its name: a template
 * whose substitution could depend on the node's name is never recorded as held back).
 */
export function heldBackProbeKey(given: Holder, templateScope: string): string | undefined {
  const holder = (given as { [COPIED_FROM]?: Holder })[COPIED_FROM] ?? given;
  let key = probeKeys.get(holder);
  if (key === undefined) {
    const text = JSON.stringify(holder);
    const dynamic =
      text.includes('{{') ||
      holder.when !== undefined ||
      holder.withItems !== undefined ||
      holder.withParam !== undefined ||
      holder.withSequence !== undefined ||
      holder.hooks !== undefined ||
      holder.inline !== undefined ||
      (holder.arguments?.artifacts ?? []).some((a) => a.from !== undefined || a.fromExpression !== undefined);
    key = dynamic
      ? null
      : JSON.stringify([holder.template ?? '', holder.templateRef ?? null, holder.arguments ?? null]);
    probeKeys.set(holder, key);
  }
  return key === null ? undefined : `${templateScope}|${key}`;
}
