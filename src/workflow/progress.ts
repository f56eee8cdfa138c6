// Workflow and node progress ("N/M") as Argo derives it from pod-like nodes.
import type { NodeStatus, NodeType, Workflow } from '../model/workflow.js';

interface Progress {
  n: number;
  m: number;
}

/** Node types whose progress is reported by themselves rather than summed from children. */
function reportsOwnProgress(type: NodeType): boolean {
  return type === 'Pod' || type === 'HTTP' || type === 'Plugin' || type === 'Container' || type === 'Suspend';
}

function parse(p: string | undefined): Progress | undefined {
  if (!p) return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(p);
  if (!m) return undefined;
  const n = Number(m[1]);
  const total = Number(m[2]);
  if (n > total || total === 0) return n <= total ? { n, m: total } : undefined;
  return { n, m: total };
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
      p = { n: p.m, m: p.m };
      node.progress = format(p);
    }
    total = { n: total.n + p.n, m: total.m + p.m };
  }
  status.progress = format(total);
  for (const node of Object.values(nodes)) {
    if (reportsOwnProgress(node.type)) continue;
    const p = sumChildren(nodes, node, new Set());
    if (p.m > 0) node.progress = format(p);
  }
}

function sumChildren(nodes: Record<string, NodeStatus>, node: NodeStatus, visited: Set<string>): Progress {
  let acc: Progress = { n: 0, m: 0 };
  for (const id of node.children ?? []) {
    if (visited.has(id)) continue;
    visited.add(id);
    const child = nodes[id];
    if (!child) continue;
    const below = sumChildren(nodes, child, visited);
    acc = { n: acc.n + below.n, m: acc.m + below.m };
    if (reportsOwnProgress(child.type)) {
      const own = parse(child.progress);
      if (own) acc = { n: acc.n + own.n, m: acc.m + own.m };
    }
  }
  return acc;
}
