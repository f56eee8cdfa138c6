// Workflow and node progress ("N/M") as Argo derives it from pod-like nodes.
import { nodeTypeFacts } from '../model/node-types.js';
import type { NodeStatus, NodeType, Workflow } from '../model/workflow.js';

interface Progress {
  n: number;
  m: number;
}

function reportsOwnProgress(type: NodeType): boolean {
  return nodeTypeFacts(type).ownProgress;
}

/**
 * `N/M` with digits only, as /^(\d+)\/(\d+)$/ would read it; undefined when N > M. Read by hand:
 * every pod of a wide workflow is read on every pass that changes it.
 */
function parse(p: string | undefined): Progress | undefined {
  if (!p) return undefined;
  const known = parsed.get(p);
  if (known !== undefined) return known ?? undefined;
  const read = readProgress(p);
  if (parsed.size >= PARSED_KEPT) parsed.clear();
  parsed.set(p, read ? Object.freeze(read) : null);
  return read;
}

/**
 * Progress texts read before (null: not one): a wide workflow's pods say one of a few ('0/1',
 * '1/1') and every pass reads them all. What parse returns is shared, hence frozen.
 */
const parsed = new Map<string, Readonly<Progress> | null>();
const PARSED_KEPT = 4096;

function readProgress(p: string): Progress | undefined {
  const slash = p.indexOf('/');
  if (slash <= 0 || slash === p.length - 1) return undefined;
  for (let i = 0; i < p.length; i++) {
    const c = p.charCodeAt(i);
    if (i !== slash && (c < 48 || c > 57)) return undefined;
  }
  const n = Number(p.slice(0, slash));
  const total = Number(p.slice(slash + 1));
  return n <= total ? { n, m: total } : undefined;
}

function format(p: Progress): string {
  return `${p.n}/${p.m}`;
}

/** Recomputes `progress` on every node and on the workflow, mutating `wf.status`. */
export function updateProgress(wf: Workflow): void {
  const status = wf.status;
  if (!status?.nodes) return;
  const nodes = status.nodes;
  let total: Progress = { n: 0, m: 0 };
  for (const node of Object.values(nodes)) {
    if (!reportsOwnProgress(node.type)) continue;
    let p = parse(node.progress);
    if (!node.progress) {
      p = { n: 0, m: 1 };
      node.progress = '0/1';
    }
    if (!p || p.m === 0) continue;
    if (node.phase === 'Succeeded' || node.phase === 'Skipped' || node.phase === 'Omitted') {
      const done = format({ n: p.m, m: p.m });
      // Most finished pods say so already: their text is kept rather than made anew.
      if (node.progress !== done) node.progress = done;
      p = parse(done)!;
    }
    total = { n: total.n + p.n, m: total.m + p.m };
  }
  status.progress = format(total);
  if (sumTree(nodes)) return;
  const sums = new ChildSums(nodes);
  for (const node of Object.values(nodes)) {
    if (reportsOwnProgress(node.type)) continue;
    const p = sums.below(node);
    if (p.m > 0) node.progress = format(p);
  }
}

/**
 * Sets the progress of the nodes that sum what is below them when the nodes form trees (no node
 * is the child of two nodes or twice of one, every node hangs from a root: a steps fan-out, a
 * chain of steps): then what is below a node is its children and what is below them, each met
 * once, and one walk from the leaves up sums it for every node. False, with nothing set, when
 * they do not (a DAG's joins, a cycle), for ChildSums to walk. A node's sum is kept only while
 * it has children: a wide fan-out's pods are summed into their parent and nothing is kept of them.
 */
function sumTree(nodes: Record<string, NodeStatus>): boolean {
  const shape = shapeOf(nodes);
  if (shape.joined) return false;
  const isChild = shape.isChild;
  let count = 0;
  for (const _ in nodes) count++;
  const below = new Map<string, Progress>();
  let reached = 0;
  // Post-order without recursion: a chain of thousands of steps is as deep as it is long.
  const stack: { node: NodeStatus; next: number; acc: Progress }[] = [];
  for (const id in nodes) {
    if (isChild.has(id)) continue;
    stack.push({ node: nodes[id], next: 0, acc: { n: 0, m: 0 } });
    reached++;
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const children = top.node.children ?? [];
      if (top.next < children.length) {
        const child = nodes[children[top.next++]];
        if (!child) continue;
        reached++;
        if (child.children?.length) {
          stack.push({ node: child, next: 0, acc: { n: 0, m: 0 } });
        } else {
          addOwnTo(top.acc, child);
        }
        continue;
      }
      stack.pop();
      below.set(top.node.id, top.acc);
      const parent = stack[stack.length - 1];
      if (parent) {
        parent.acc.n += top.acc.n;
        parent.acc.m += top.acc.m;
        addOwnTo(parent.acc, top.node);
      }
    }
  }
  // A node no root leads to lies on a cycle: not a tree.
  if (reached < count) return false;
  for (const id in nodes) {
    const node = nodes[id];
    if (reportsOwnProgress(node.type)) continue;
    const p = below.get(id);
    if (p && p.m > 0) node.progress = format(p);
  }
  return true;
}

/**
 * Which nodes are children, and whether some node is a child twice over (a join), kept for the
 * node map from one call to the next: the operator's passes over a workflow hand in the same
 * map, in which nodes are only added and children only appended, so a call reads only the
 * children listed since the last (a wide fan-out's group has thousands). A list found shorter
 * than before starts the shape afresh; a join, once found, stays (then ChildSums is used, which
 * is right for any graph).
 */
interface Shape {
  isChild: Set<string>;
  /** Per node with children: how many of them have been read. */
  read: Map<string, number>;
  joined: boolean;
}

const shapes = new WeakMap<Record<string, NodeStatus>, Shape>();

function shapeOf(nodes: Record<string, NodeStatus>): Shape {
  let shape = shapes.get(nodes);
  if (!shape) {
    shape = { isChild: new Set(), read: new Map(), joined: false };
    shapes.set(nodes, shape);
  }
  if (shape.joined) return shape;
  for (const id in nodes) {
    const children = nodes[id].children;
    if (!children) continue;
    const from = shape.read.get(id) ?? 0;
    if (children.length === from) continue;
    if (children.length < from) {
      shapes.delete(nodes);
      return shapeOf(nodes);
    }
    for (let i = from; i < children.length; i++) {
      if (shape.isChild.has(children[i])) {
        shape.joined = true;
        return shape;
      }
      shape.isChild.add(children[i]);
    }
    shape.read.set(id, children.length);
  }
  return shape;
}

function addOwnTo(acc: Progress, child: NodeStatus): void {
  if (!reportsOwnProgress(child.type)) return;
  const own = parse(child.progress);
  if (!own) return;
  acc.n += own.n;
  acc.m += own.m;
}

/**
 * The progress of every node reachable below a node, each counted once. A node's sum is the walk
 * of everything below it; where what is below a child is a tree (every node in it has one parent),
 * the child's sum is kept and reused, so a chain of N step groups costs N, not N².
 */
class ChildSums {
  private readonly parents = new Map<string, number>();
  private readonly treeSums = new Map<string, Progress | null>();

  constructor(private readonly nodes: Record<string, NodeStatus>) {
    for (const node of Object.values(nodes))
      for (const id of node.children ?? []) this.parents.set(id, (this.parents.get(id) ?? 0) + 1);
  }

  below(node: NodeStatus): Progress {
    return this.walk(node, new Set());
  }

  /** Everything below `node` not yet in `visited`, as the walk upstream does. */
  private walk(node: NodeStatus, visited: Set<string>): Progress {
    let acc: Progress = { n: 0, m: 0 };
    for (const id of node.children ?? []) {
      if (visited.has(id)) continue;
      visited.add(id);
      const child = this.nodes[id];
      if (!child) continue;
      // Only this node reaches a single-parent child with a tree below it: nothing of it is visited.
      const kept = this.parents.get(id) === 1 ? this.treeSum(child) : null;
      const below = kept ?? this.walk(child, visited);
      acc = { n: acc.n + below.n, m: acc.m + below.m };
      acc = addOwn(acc, child);
    }
    return acc;
  }

  /** The sum below `node` when every node below it has one parent; null otherwise. */
  private treeSum(node: NodeStatus): Progress | null {
    // A leaf (most nodes: a fan-out's pods) is a tree with nothing below it; nothing to keep.
    if (!node.children || node.children.length === 0) return NOTHING;
    const known = this.treeSums.get(node.id);
    if (known !== undefined) return known;
    this.treeSums.set(node.id, null); // a node met again below itself is no tree
    let acc: Progress | null = { n: 0, m: 0 };
    for (const id of node.children ?? []) {
      const child = this.nodes[id];
      if (!child) continue;
      const below = this.parents.get(id) === 1 ? this.treeSum(child) : null;
      if (!below) {
        acc = null;
        break;
      }
      acc = addOwn({ n: acc.n + below.n, m: acc.m + below.m }, child);
    }
    this.treeSums.set(node.id, acc);
    return acc;
  }
}

const NOTHING: Readonly<Progress> = Object.freeze({ n: 0, m: 0 });

function addOwn(acc: Progress, child: NodeStatus): Progress {
  if (!reportsOwnProgress(child.type)) return acc;
  const own = parse(child.progress);
  return own ? { n: acc.n + own.n, m: acc.m + own.m } : acc;
}
