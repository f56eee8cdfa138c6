// A step group's loops expanded into their items, kept from one pass to the next. A wide fan-out's
// group is expanded on every pass that visits it; the items (copies of the step, each named, and
// their node names) depend only on the group's steps as resolved in that pass when no `{{...}}`
// is left in them, so such a group is expanded once and its items, with their node names built
// once (a string built once keeps its hash, so each item's node lookup is cheap), reused while
// the resolved steps stay the same; with them, how many leading items and children are known to
// be done with, so a pass over a wide fan-out starts where the unfinished items begin.
import type { WorkflowStep } from '../model/template.js';
import type { NodeStatus } from '../model/workflow.js';

/** One step of an expanded group: the step (an item of a loop, or the step itself) and its node's name. */
export interface ExpandedStep {
  step: WorkflowStep;
  nodeName: string;
  /** Its held-back probe key in a template scope, once worked out (steps.ts). */
  probe?: { scope: string; key: string | undefined };
}

/**
 * A group's expansion and how far its passes need not look again. A node that is fulfilled stays
 * so on the copy these belong to (a pass meets a finished step's node and returns it as it is),
 * and a group's children are only ever appended, so both counts only grow.
 */
export interface GroupExpansion {
  items: ExpandedStep[];
  /** How many leading items are known to need no visit (finished, nothing to release). */
  passedItems: number;
  /** How many leading children of the group's node are known to be fulfilled. */
  fulfilledChildren: number;
}

interface KeptExpansion extends GroupExpansion {
  /** The group's steps as resolved, as JSON: the items are reused while it is the same. */
  key: string;
}

/**
 * By the node map they belong to, as steps-scope.ts keeps scopes: a pass on a fresh copy of the
 * workflow starts afresh; the controller's own copy carries its map, and these, between passes.
 */
const kept = new WeakMap<Record<string, NodeStatus>, Map<string, KeptExpansion>>();

/**
 * The expansion of the group `sgNodeName` whose resolved steps are `resolved`: the kept one when
 * they are as in an earlier pass, else `expand(resolved)`, kept when it can be. Only a group with
 * no `{{` left in it is kept (its expansion reads no variable), and only one that expanded each of
 * its loops into at least one item (an empty loop makes a Skipped node as it expands). The kept
 * items are shared by the passes that use them, which only read them, as they read the template.
 */
export function expansionOf(
  nodes: Record<string, NodeStatus>,
  sgNodeName: string,
  resolved: WorkflowStep[],
  expand: () => WorkflowStep[],
): GroupExpansion {
  const key = JSON.stringify(resolved);
  const reusable = !key.includes('{{');
  let byGroup = kept.get(nodes);
  const known = byGroup?.get(sgNodeName);
  if (reusable && known?.key === key) return known;
  const items = expand().map((step) => ({ step, nodeName: `${sgNodeName}.${step.name ?? ''}` }));
  const expansion = { items, passedItems: 0, fulfilledChildren: 0 };
  if (reusable && resolved.every((s) => items.some((i) => stepOfLoop(i.step, s)))) {
    if (!byGroup) {
      byGroup = new Map();
      kept.set(nodes, byGroup);
    }
    byGroup.set(sgNodeName, { key, ...expansion });
    return byGroup.get(sgNodeName)!;
  }
  byGroup?.delete(sgNodeName);
  return expansion;
}

/** Whether `item` is `step` itself or one of its loop's items (named `<name>(i:item)`). */
function stepOfLoop(item: WorkflowStep, step: WorkflowStep): boolean {
  if (item === step) return true;
  const name = step.name ?? '';
  return item.name !== undefined && item.name.startsWith(`${name}(`);
}
