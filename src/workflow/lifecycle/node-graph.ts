// The node tree of a workflow as parent/child links, the way Argo's retry walks it: each node has
// one parent (a node that is a child of several, like a DAG task depending on many, keeps the
// parent whose id sorts last), and only the root and exit-handler nodes may lack one.
import type { NodeStatus, Workflow } from '../../model/workflow.js';
import { LifecycleError } from './errors.js';

export interface GraphNode {
  node: NodeStatus;
  parent?: GraphNode;
  children: GraphNode[];
}

export function buildNodeGraph(wf: Workflow): Map<string, GraphNode> {
  const name = wf.metadata.name ?? '';
  const nodes = wf.status?.nodes ?? {};
  const graph = new Map<string, GraphNode>();
  const parentOf = new Map<string, string>();
  for (const key of Object.keys(nodes).sort()) {
    const node = nodes[key];
    graph.set(node.id, { node, children: [] });
    for (const child of node.children ?? []) parentOf.set(child, node.id);
  }
  for (const g of graph.values()) {
    const parentId = parentOf.get(g.node.id);
    if (parentId === undefined && g.node.name !== name && !g.node.name.startsWith(`${name}.onExit`)) {
      throw new LifecycleError(`couldn't find parent node for ${g.node.id}`);
    }
    g.parent = parentId === undefined ? undefined : graph.get(parentId);
    g.children = (g.node.children ?? []).map((id) => {
      const child = graph.get(id);
      if (!child) throw new LifecycleError(`coudln't obtain child ${id}`);
      return child;
    });
  }
  return graph;
}

/** Breadth-first from the root node (the one named like the workflow); exit handlers are not reached. */
export function breadthFirstFromRoot(graph: Map<string, GraphNode>, rootName: string): GraphNode[] {
  const root = [...graph.values()].find((g) => g.node.name === rootName);
  if (!root) throw new LifecycleError("couldn't find root node");
  const order: GraphNode[] = [];
  const seen = new Set([root.node.id]);
  const queue = [root];
  while (queue.length > 0) {
    const g = queue.shift()!;
    order.push(g);
    for (const c of g.children) {
      if (seen.has(c.node.id)) continue;
      seen.add(c.node.id);
      queue.push(c);
    }
  }
  return order;
}

/** Ids of every node below `g`. */
export function descendantIds(g: GraphNode): Set<string> {
  const ids = new Set<string>();
  const queue = [...g.children];
  while (queue.length > 0) {
    const c = queue.shift()!;
    if (ids.has(c.node.id)) continue;
    ids.add(c.node.id);
    queue.push(...c.children);
  }
  return ids;
}

/** The nodes from the root down to `id`, following parent links. */
export function pathFromRoot(nodes: GraphNode[], id: string): GraphNode[] {
  if (nodes.length === 0) throw new LifecycleError('expected at least 1 node');
  const leaf = nodes.find((g) => g.node.id === id);
  let root: GraphNode | undefined;
  for (const g of nodes) if (!g.parent) root = g;
  if (!root) throw new LifecycleError('was unable to find root');
  if (!leaf) throw new LifecycleError(`was unable to find ${id}`);
  const path: GraphNode[] = [];
  for (let g: GraphNode | undefined = leaf; ; g = g.parent) {
    if (!g) throw new LifecycleError('parent was nil but curr is not the root node');
    path.push(g);
    if (g.node.id === root.node.id) break;
  }
  return path.reverse();
}
