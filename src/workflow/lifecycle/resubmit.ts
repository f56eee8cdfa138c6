// `argo resubmit`: a new workflow from an old one's spec, labels and annotations. Memoized, it also
// carries over the old run's node tree with succeeded pods turned into Skipped nodes, so only what
// failed runs again.
import type { NodeStatus, Workflow } from '../../model/workflow.js';
import { nodeId } from '../node-id.js';
import { phaseFailedOrError, rfc3339 } from '../phase.js';
import {
  LABEL_CREATOR,
  LABEL_CREATOR_EMAIL,
  LABEL_CREATOR_PREFERRED_USERNAME,
  labelCreator,
  type Actor,
} from './actor.js';
import { badRequest } from './errors.js';
import { overrideParameters } from './parameters.js';
import { LABEL_ARCHIVING_STATUS, LABEL_RESUBMITTED_FROM, hasSucceededDescendant } from './retry.js';
import { LABEL_COMPLETED } from './suspend.js';

export const LABEL_PHASE = 'workflows.argoproj.io/phase';

// Labels describing the old run (or its creator), not the workflow itself.
const DROPPED_LABELS = new Set([
  LABEL_CREATOR,
  LABEL_CREATOR_EMAIL,
  LABEL_CREATOR_PREFERRED_USERNAME,
  LABEL_PHASE,
  LABEL_COMPLETED,
  LABEL_ARCHIVING_STATUS,
]);

export interface ResubmitOptions {
  /** Re-use the succeeded steps of the old run; only for Failed/Error workflows. */
  memoized?: boolean;
  /** NAME=VALUE overrides of the workflow's arguments. */
  parameters?: string[];
  actor?: Actor;
}

const SUFFIX_LETTERS = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** Five random letters/digits, as Argo appends to resubmitted names it must choose itself. */
export function randomSuffix(random: () => number = Math.random): string {
  let s = '';
  for (let i = 0; i < 5; i++) s += SUFFIX_LETTERS[Math.floor(random() * SUFFIX_LETTERS.length)];
  return s;
}

export function formulateResubmitWorkflow(
  wf: Workflow,
  opts: ResubmitOptions = {},
  now: Date = new Date(),
  random: () => number = Math.random,
): Workflow {
  const oldName = wf.metadata.name ?? '';
  const generateName = wf.metadata.generateName || `${oldName}-`;
  const next: Workflow = { metadata: { generateName }, spec: structuredClone(wf.spec) };
  if (wf.apiVersion) next.apiVersion = wf.apiVersion;
  if (wf.kind) next.kind = wf.kind;
  // Memoized nodes are keyed by the new name, so it is chosen here rather than by the store.
  if (opts.memoized) {
    const phase = wf.status?.phase;
    if (phase !== 'Failed' && phase !== 'Error') {
      throw badRequest('workflow must be Failed/Error to resubmit in memoized mode');
    }
    next.metadata.name = generateName + randomSuffix(random);
  }
  if (next.spec.activeDeadlineSeconds === 0) delete next.spec.activeDeadlineSeconds;
  delete next.spec.shutdown;

  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(wf.metadata.labels ?? {})) if (!DROPPED_LABELS.has(k)) labels[k] = v;
  next.metadata.labels = labels;
  labelCreator(next, opts.actor);
  (next.metadata.labels ??= {})[LABEL_RESUBMITTED_FROM] = oldName;
  next.metadata.annotations = { ...(wf.metadata.annotations ?? {}) };
  if (wf.metadata.ownerReferences?.length)
    next.metadata.ownerReferences = structuredClone(wf.metadata.ownerReferences);

  overrideParameters(next, opts.parameters);
  if (!opts.memoized) return next;

  next.status = {
    nodes: memoizedNodes(wf, next.metadata.name!, now),
    storedTemplates: structuredClone(wf.status?.storedTemplates ?? {}),
    conditions: [{ type: 'Completed', status: 'False' }],
  };
  return next;
}

/** The old run's nodes renamed into the new workflow: succeeded pods become Skipped, the rest Pending. */
function memoizedNodes(wf: Workflow, newName: string, now: Date): Record<string, NodeStatus> {
  const oldName = wf.metadata.name ?? '';
  const old = wf.status?.nodes ?? {};
  const rename = (name: string): string =>
    name.startsWith(oldName) ? newName + name.slice(oldName.length) : name;
  const newId = (id: string): string => nodeId(newName, rename(old[id]?.name ?? ''));
  const nodes: Record<string, NodeStatus> = {};
  for (const node of Object.values(old)) {
    if (node.name.startsWith(`${oldName}.onExit`)) continue;
    const n = structuredClone(node);
    n.name = rename(node.name);
    n.id = nodeId(newName, n.name);
    if (node.boundaryID) n.boundaryID = newId(node.boundaryID);
    const failedPod = phaseFailedOrError(n.phase) && n.type === 'Pod';
    if (failedPod) {
      delete n.startedAt;
      delete n.finishedAt;
    } else {
      n.startedAt = rfc3339(now);
      n.finishedAt = n.startedAt;
    }
    if (node.children?.length) n.children = node.children.map(newId);
    else delete n.children;
    if (node.outboundNodes?.length) n.outboundNodes = node.outboundNodes.map(newId);
    else delete n.outboundNodes;
    if (!phaseFailedOrError(n.phase) && n.type === 'Pod') {
      n.phase = 'Skipped';
      n.type = 'Skipped';
      n.message = `original pod: ${node.id}`;
    } else if (n.type === 'Skipped' && !hasSucceededDescendant(old, node, new Set())) {
      delete nodes[n.id];
      continue;
    } else {
      n.phase = 'Pending';
      delete n.message;
    }
    nodes[n.id] = n;
  }
  return nodes;
}
