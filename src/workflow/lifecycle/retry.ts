// `argo retry`: the same workflow object runs again from where it failed. Failed pods (and, with
// --restart-successful, the nodes a selector names) are removed from the status along with
// everything below them, the nodes above them are reset to Running, and the controller then
// re-creates what is missing. Argo's algorithm, including its quirks, so retries behave the same.
import { nodeTypeFacts } from '../../model/node-types.js';
import type { NodeStatus, Workflow } from '../../model/workflow.js';
import { nodeMatchesSelector, parseFieldSelector } from '../node-field-selector.js';
import { phaseFailedOrError, rfc3339 } from '../phase.js';
import { podNameOf } from '../pod-name.js';
import { labelActor, type Actor } from './actor.js';
import { badRequest, LifecycleError } from './errors.js';
import {
  breadthFirstFromRoot,
  buildNodeGraph,
  descendantIds,
  pathFromRoot,
  type GraphNode,
} from './node-graph.js';
import { overrideParameters } from './parameters.js';
import { LABEL_COMPLETED } from './suspend.js';
import { LABEL_ARCHIVING_STATUS } from '../archived-record.js';

export { LABEL_ARCHIVING_STATUS };
export const LABEL_RESUBMITTED_FROM = 'workflows.argoproj.io/resubmitted-from-workflow';

export interface RetryOptions {
  /** Also re-run succeeded nodes matching nodeFieldSelector. */
  restartSuccessful?: boolean;
  nodeFieldSelector?: string;
  /** NAME=VALUE overrides of the workflow's arguments. */
  parameters?: string[];
  actor?: Actor;
}

export interface RetryFormulation {
  workflow: Workflow;
  /** Pods to delete before the retried workflow is saved (deleting a missing one is not an error). */
  podsToDelete: string[];
}

/** Whether some node below `node` (not itself being reset) succeeded. */
export function hasSucceededDescendant(
  nodes: Record<string, NodeStatus>,
  node: NodeStatus,
  resetting: ReadonlySet<string>,
): boolean {
  for (const id of node.children ?? []) {
    const child = nodes[id];
    if (!child) continue;
    if (
      (!resetting.has(id) && child.phase === 'Succeeded') ||
      hasSucceededDescendant(nodes, child, resetting)
    )
      return true;
  }
  return false;
}

/** A node as it looks when run again: Running (Skipped stays Skipped), supplied outputs unset. */
export function resetNode(node: NodeStatus, now: Date): NodeStatus {
  const n = structuredClone(node);
  if (n.type === 'Suspend' && n.outputs?.parameters) {
    n.outputs.parameters = n.outputs.parameters.map((p) => ({ name: p.name, valueFrom: { supplied: {} } }));
  }
  if (n.phase !== 'Skipped') n.phase = 'Running';
  delete n.message;
  n.startedAt = rfc3339(now);
  delete n.finishedAt;
  return n;
}

/** The workflow-level part of a retry: it is no longer complete and starts over with no nodes. */
function retriedWorkflowShell(wf: Workflow, parameters: string[] | undefined, now: Date): Workflow {
  const next = structuredClone(wf);
  if (next.metadata.labels) {
    delete next.metadata.labels[LABEL_COMPLETED];
    delete next.metadata.labels[LABEL_ARCHIVING_STATUS];
  }
  const status = (next.status ??= {});
  const conditions = (status.conditions ??= []);
  const completed = conditions.find((c) => c.type === 'Completed');
  if (completed) {
    completed.status = 'False';
    delete completed.message;
  } else conditions.push({ type: 'Completed', status: 'False' });
  delete status.phase;
  status.nodes = {};
  delete status.message;
  status.startedAt = rfc3339(now);
  delete status.finishedAt;
  if (status.storedWorkflowTemplateSpec) delete status.storedWorkflowTemplateSpec.shutdown;
  delete next.spec.shutdown;
  delete status.persistentVolumeClaims;
  // A terminated workflow had its deadline set to zero; retrying it must not end it at once.
  if (next.spec.activeDeadlineSeconds === 0) delete next.spec.activeDeadlineSeconds;
  overrideParameters(next, parameters);
  return next;
}

/** Nodes above `start` to reset, and `start` with everything below it to delete. */
function resetPath(nodes: GraphNode[], startId: string): { reset: Set<string>; remove: Set<string> } {
  const path = pathFromRoot(nodes, startId);
  const start = path[path.length - 1];
  const remove = descendantIds(start);
  remove.add(start.node.id);
  const reset = new Set<string>();
  if (path.length <= 1) return { reset, remove };

  // Walks up from `from` (itself included) to the first node `match` accepts, resetting it.
  const resetUntil = (from: GraphNode, match: (g: GraphNode) => boolean): GraphNode => {
    for (let g: GraphNode | undefined = from; g; g = g.parent) {
      if (match(g)) {
        reset.add(g.node.id);
        return g;
      }
    }
    throw new LifecycleError('was seeking node but ran out of nodes to explore');
  };
  // Resets the groups and boundaries enclosing `from`, returning where the walk continues.
  const resetBoundaries = (from: GraphNode): GraphNode | undefined => {
    let g: GraphNode | undefined = from;
    while (g) {
      if (g.parent?.node.type === 'Retry') {
        reset.add(g.parent.node.id);
        g = g.parent;
      }
      if (g.parent?.node.type === 'StepGroup') reset.add(g.parent.node.id);
      if (g.parent?.node.type === 'TaskGroup') reset.add(g.parent.node.id);
      const boundary = g.node.boundaryID;
      if (!boundary) return g.parent;
      g = resetUntil(g, (x) => x.node.id === boundary);
    }
    return undefined;
  };
  // A container's pod runs again as a whole: delete the pod node and everything in it.
  const resetPod = (from: GraphNode): GraphNode => {
    const pod = resetUntil(from, (x) => x.node.type === 'Pod');
    remove.add(pod.node.id);
    for (const id of descendantIds(pod)) remove.add(id);
    return pod;
  };

  let g: GraphNode | undefined = start;
  while (g) {
    if (nodeTypeFacts(g.node.type).group) {
      reset.add(g.node.id);
      g = resetBoundaries(g);
      continue;
    }
    if (g.node.type === 'Retry' && phaseFailedOrError(g.node.phase)) reset.add(g.node.id);
    else if (g.node.type === 'Container') {
      g = resetPod(g);
      continue;
    }
    g = g.parent;
  }
  return { reset, remove };
}

function nodesToRestart(opts: RetryOptions, nodes: Record<string, NodeStatus>): Set<string> {
  const ids = new Set<string>();
  if (!opts.restartSuccessful || !opts.nodeFieldSelector) return ids;
  const terms = parseFieldSelector(opts.nodeFieldSelector);
  for (const node of Object.values(nodes)) if (nodeMatchesSelector(terms, node)) ids.add(node.id);
  return ids;
}

export function formulateRetryWorkflow(
  wf: Workflow,
  opts: RetryOptions = {},
  now: Date = new Date(),
): RetryFormulation {
  const phase = wf.status?.phase ?? '';
  if (phase === 'Succeeded') {
    if (!opts.restartSuccessful || !opts.nodeFieldSelector)
      throw badRequest(
        'To retry a succeeded workflow, set the options restartSuccessful and nodeFieldSelector',
      );
  } else if (phase !== 'Failed' && phase !== 'Error') {
    throw badRequest(`Cannot retry a workflow in phase ${phase}`);
  }
  const name = wf.metadata.name ?? '';
  const onExitName = `${name}.onExit`;
  const oldNodes = wf.status?.nodes ?? {};
  const next = retriedWorkflowShell(wf, opts.parameters, now);
  const newNodes = next.status!.nodes!;

  const starts = nodesToRestart(opts, oldNodes);
  const failed = new Set<string>();
  for (const [id, node] of Object.entries(oldNodes)) {
    if (!phaseFailedOrError(node.phase) || !nodeTypeFacts(node.type).execution) continue;
    // A failed attempt whose retry node later succeeded needs no rerun.
    const judged = node.nodeFlag?.retried
      ? (Object.values(oldNodes).find((n) => n.type === 'Retry' && n.children?.includes(id)) ?? node)
      : node;
    if (!hasSucceededDescendant(oldNodes, judged, starts)) failed.add(id);
  }
  for (const id of failed) starts.add(id);

  const graph = buildNodeGraph(wf);
  const ordered = breadthFirstFromRoot(graph, name);
  const toReset = new Set<string>();
  const toDelete = new Set<string>();
  // Top-down, so a node already deleted with an ancestor does not reset its own path again.
  for (const g of ordered) {
    if (!starts.has(g.node.id) || toDelete.has(g.node.id)) continue;
    const { reset, remove } = resetPath(ordered, g.node.id);
    for (const id of reset) toReset.add(id);
    for (const id of remove) toDelete.add(id);
  }

  // New parameter values may change what a step or task group expands to: let it expand again.
  if (opts.parameters && opts.parameters.length > 0) {
    for (const id of toReset) {
      if (toDelete.has(id)) continue;
      const type = oldNodes[id]?.type;
      if (type !== 'TaskGroup' && type !== 'StepGroup') continue;
      const g = graph.get(id);
      if (g) for (const d of descendantIds(g)) toDelete.add(d);
    }
  }

  for (const id of toReset) {
    if (!toDelete.has(id) && oldNodes[id]) newNodes[id] = resetNode(oldNodes[id], now);
  }

  const podsToDelete: string[] = [];
  const addPod = (node: NodeStatus): void => {
    const pod = podNameOf(wf, node);
    if (!podsToDelete.includes(pod)) podsToDelete.push(pod);
  };
  for (const id of toDelete) {
    const node = oldNodes[id];
    if (node?.type === 'Pod') addPod(node);
  }

  for (const [id, node] of Object.entries(oldNodes)) {
    const drop = toDelete.has(id) || node.name.startsWith(onExitName);
    if (!newNodes[id] && !drop) newNodes[id] = structuredClone(node);
    if (node.name === onExitName) {
      // The exit handler runs again from scratch; Argo names a pod for every node under it.
      const queue = [node];
      while (queue.length > 0) {
        const n = queue.shift()!;
        addPod(n);
        for (const c of n.children ?? []) {
          const child = oldNodes[c];
          if (!child) throw new LifecycleError(`key was not found for ${c}`);
          queue.push(child);
        }
      }
    }
  }

  for (const [id, old] of Object.entries(oldNodes)) {
    const node = newNodes[id];
    if (!node) continue;
    const children = (old.children ?? []).filter((c) => !toDelete.has(c));
    const outbound = (old.outboundNodes ?? []).filter((c) => !toDelete.has(c));
    if (children.length > 0) node.children = children;
    else delete node.children;
    if (outbound.length > 0) node.outboundNodes = outbound;
    else delete node.outboundNodes;
  }

  labelActor(next, 'Retry', opts.actor);
  return { workflow: next, podsToDelete };
}
