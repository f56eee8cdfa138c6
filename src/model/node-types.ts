// The types of node in a workflow's status and what each one is to the parts that walk the node
// graph: the operator (what a following step or dependent task hangs off), retries of failed
// nodes, progress, and `argo get`'s tree. One table, so a node type is described once.
// (template-kinds.ts says which node type each kind of template runs as.)
import type { NodeStatus, NodeType } from './workflow.js';

/** Where a following step group or dependent task attaches (the operator's getOutboundNodes). */
export type OutboundRule =
  /** to the node itself */
  | 'self'
  /** to the pod itself, or to its containers when it runs a containerSet */
  | 'pod'
  /** to what its children lead to (itself when it has none) */
  | 'children'
  /** to its latest attempt; without one, as 'recorded' */
  | 'last-child'
  /** to itself when memoized, else as 'recorded' */
  | 'memoized-self'
  /** to what the nodes recorded as its outbound nodes lead to */
  | 'recorded';

/** How `argo get` draws it. */
export type TreeRole =
  /** opens a boundary the nodes inside it hang under (a steps or DAG template's node) */
  | 'boundary'
  /** holds its children directly (a step group, a retry) */
  | 'parent'
  /** has nothing below it */
  | 'leaf'
  /** not drawn */
  | 'hidden';

export interface NodeTypeFacts {
  /** Groups other nodes: a retry that reruns a node below it resets it too. */
  group: boolean;
  /** Does the work itself: a failed one is what retrying failed nodes reruns. */
  execution: boolean;
  /** Its progress is its own ("0/1", "1/1") rather than summed from its children. */
  ownProgress: boolean;
  outbound: OutboundRule;
  tree: TreeRole;
}

export const NODE_TYPES: Readonly<Record<NodeType, NodeTypeFacts>> = {
  Pod: { group: false, execution: true, ownProgress: true, outbound: 'pod', tree: 'leaf' },
  Container: { group: false, execution: true, ownProgress: true, outbound: 'children', tree: 'hidden' },
  HTTP: { group: false, execution: true, ownProgress: true, outbound: 'self', tree: 'leaf' },
  Plugin: { group: false, execution: true, ownProgress: true, outbound: 'self', tree: 'leaf' },
  Suspend: { group: false, execution: false, ownProgress: true, outbound: 'self', tree: 'leaf' },
  Skipped: { group: false, execution: false, ownProgress: false, outbound: 'self', tree: 'leaf' },
  Steps: { group: true, execution: false, ownProgress: false, outbound: 'memoized-self', tree: 'boundary' },
  DAG: { group: true, execution: false, ownProgress: false, outbound: 'memoized-self', tree: 'boundary' },
  StepGroup: { group: true, execution: false, ownProgress: false, outbound: 'recorded', tree: 'parent' },
  TaskGroup: { group: true, execution: false, ownProgress: false, outbound: 'children', tree: 'hidden' },
  Retry: { group: false, execution: false, ownProgress: false, outbound: 'last-child', tree: 'parent' },
};

/** The facts of a node's type; a type this version does not know counts as an undrawn, inert node. */
export function nodeTypeFacts(type: NodeType): NodeTypeFacts {
  return NODE_TYPES[type] ?? UNKNOWN;
}

const UNKNOWN: NodeTypeFacts = {
  group: false,
  execution: false,
  ownProgress: false,
  outbound: 'recorded',
  tree: 'hidden',
};

/** The node types `argo get` draws with nothing below them. */
export const LEAF_NODE_TYPES: ReadonlySet<NodeType> = new Set(
  (Object.keys(NODE_TYPES) as NodeType[]).filter((t) => NODE_TYPES[t].tree === 'leaf'),
);

/** A suspend node still waiting for someone to resume it. */
export function isActiveSuspendNode(node: NodeStatus): boolean {
  return node.type === 'Suspend' && node.phase === 'Running';
}
