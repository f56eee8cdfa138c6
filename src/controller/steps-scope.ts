// The scope of a steps node, kept from one pass to the next. Every pass used to build it again
// from every finished step group, so a chain of N steps cost N on each of its passes. What a
// settled group adds (its steps' ids, times, statuses, outputs) cannot change any more, so it is
// added once; what a pass adds beyond that (the workflow's outputs, the statuses of a running
// group's steps, a group that finished in this pass) is transient and taken back at the start of
// the next pass, which then sees exactly what a scope built afresh would hold.
import type { NodeStatus } from '../model/workflow.js';
import type { Template } from '../model/template.js';
import { Scope } from './scope.js';

export interface StepsScope {
  scope: Scope;
  /** How many leading step groups the scope holds for good; the loop skips them. */
  settled: number;
  /** Groups that settled in the last pass: added for good at the start of the next. */
  pending: number[];
}

/**
 * By the node map they belong to: a pass on a fresh copy of the workflow (written by someone else,
 * read back from the store) has a new map and starts afresh; the controller's own copy carries
 * its map, and the scopes, from pass to pass.
 */
const kept = new WeakMap<Record<string, NodeStatus>, Map<string, StepsScope>>();

/**
 * The scope of the steps node `nodeId` for this pass: the settled groups' part kept, the last
 * pass's transient writes taken back, and the template's inputs set again (they come from
 * arguments rendered in each pass). `settle` adds a pending group for good.
 */
export function stepsScopeFor(
  nodes: Record<string, NodeStatus>,
  nodeId: string,
  tmpl: Template,
  settle: (scope: Scope, group: number) => void,
): StepsScope {
  let byNode = kept.get(nodes);
  if (!byNode) {
    byNode = new Map();
    kept.set(nodes, byNode);
  }
  let s = byNode.get(nodeId);
  if (!s) {
    s = { scope: new Scope(tmpl), settled: 0, pending: [] };
    byNode.set(nodeId, s);
  }
  s.scope.revert();
  for (const group of s.pending) {
    settle(s.scope, group);
    s.settled = group + 1;
  }
  s.pending = [];
  s.scope.beginTransient();
  s.scope.setInputs(tmpl);
  return s;
}
