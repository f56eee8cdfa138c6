// A workflow's status as a graph to draw: every node of status.nodes, an edge from each node to its
// children (for steps that chains step groups through their pods; for a DAG, tasks to their
// dependants), laid out top to bottom by dagre.
import { Graph, layout } from '@dagrejs/dagre';
import type { NodeStatus, Workflow } from '../api/types';

export interface GraphNode {
  id: string;
  label: string;
  node: NodeStatus;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface GraphEdge {
  id: string;
  source: string;
  target: string;
}

/** Groups (step groups, task groups) draw as small dots; everything else as a labelled box. */
export function isGroup(node: NodeStatus): boolean {
  return node.type === 'StepGroup' || node.type === 'TaskGroup';
}

function sizeOf(node: NodeStatus): { width: number; height: number } {
  return isGroup(node) ? { width: 18, height: 18 } : { width: 190, height: 44 };
}

/** The node ids from the roots down, each node's children in their order, then any not reached. */
function topDown(statuses: Record<string, NodeStatus>): string[] {
  const hasParent = new Set(Object.values(statuses).flatMap((n) => n.children ?? []));
  const ids = Object.keys(statuses).sort();
  const queue = ids.filter((id) => !hasParent.has(id));
  const seen = new Set(queue);
  for (let i = 0; i < queue.length; i++) {
    for (const child of statuses[queue[i]].children ?? []) {
      if (!statuses[child] || seen.has(child)) continue;
      seen.add(child);
      queue.push(child);
    }
  }
  return [...queue, ...ids.filter((id) => !seen.has(id))];
}

export function workflowGraph(wf: Workflow): { nodes: GraphNode[]; edges: GraphEdge[] } {
  const statuses = wf.status?.nodes ?? {};
  const g = new Graph();
  g.setGraph({ rankdir: 'TB', nodesep: 24, ranksep: 40 });
  g.setDefaultEdgeLabel(() => ({}));
  const ids = topDown(statuses);
  for (const id of ids) g.setNode(id, { ...sizeOf(statuses[id]) });
  const edges: GraphEdge[] = [];
  for (const id of ids) {
    for (const child of statuses[id].children ?? []) {
      if (!statuses[child]) continue;
      edges.push({ id: `${id}->${child}`, source: id, target: child });
    }
  }
  // dagre's first ordering of a rank walks each node's edges last-added first; added in reverse, a
  // node's children (a Retry node's attempts, a group's steps) read left to right in the order they
  // ran, as in Argo's graph.
  for (const e of [...edges].reverse()) g.setEdge(e.source, e.target);
  layout(g);
  const nodes = ids.map((id) => {
    const placed = g.node(id);
    const node = statuses[id];
    return {
      id,
      node,
      label: node.displayName || node.name,
      width: placed.width,
      height: placed.height,
      // dagre places centres; xyflow wants top-left corners.
      x: placed.x - placed.width / 2,
      y: placed.y - placed.height / 2,
    };
  });
  return { nodes, edges };
}
