// Pod names for pod nodes. Argo v4 defaults to the "v2" format, `<workflow>-<template>-<fnv32a(node name)>`;
// "v1" used the node id. A workflow records the format it was started with in an annotation.
import type { NodeStatus, Workflow } from '../model/workflow.js';
import { fnv32a } from './fnv.js';

export type PodNameVersion = 'v1' | 'v2';

export const POD_NAME_FORMAT_ANNOTATION = 'workflows.argoproj.io/pod-name-format';

// Kubernetes names are at most 253 characters; the hash suffix needs room for "-" and 10 digits.
const MAX_PREFIX_LENGTH = 253 - 10;

/** The pod name format chosen by the POD_NAMES environment variable (v2 unless it says v1). */
export function podNameVersionFromEnv(env: NodeJS.ProcessEnv = process.env): PodNameVersion {
  return env.POD_NAMES === 'v1' ? 'v1' : 'v2';
}

/** The pod name format of a workflow: its annotation, else the environment's choice. */
export function workflowPodNameVersion(wf: Workflow, env: NodeJS.ProcessEnv = process.env): PodNameVersion {
  const annotated = wf.metadata.annotations?.[POD_NAME_FORMAT_ANNOTATION];
  if (annotated === undefined) return podNameVersionFromEnv(env);
  return annotated === 'v1' ? 'v1' : 'v2';
}

export function podName(
  workflowName: string,
  nodeName: string,
  templateName: string,
  nodeId: string,
  version: PodNameVersion = 'v2',
): string {
  if (version === 'v1') return nodeId;
  if (workflowName === nodeName) return workflowName;
  let prefix = templateName ? `${workflowName}-${templateName}` : workflowName;
  if (prefix.length > MAX_PREFIX_LENGTH - 1) prefix = prefix.slice(0, MAX_PREFIX_LENGTH - 1);
  return `${prefix}-${fnv32a(nodeName)}`;
}

/** The template a node ran: the referenced template's name for templateRef nodes. */
export function nodeTemplateName(node: NodeStatus): string {
  return node.templateRef ? (node.templateRef.template ?? '') : (node.templateName ?? '');
}

/** The pod name of a pod node of `wf`, as the controller names it. */
export function podNameOf(wf: Workflow, node: NodeStatus, env: NodeJS.ProcessEnv = process.env): string {
  return podName(
    wf.metadata.name ?? '',
    node.name,
    nodeTemplateName(node),
    node.id,
    workflowPodNameVersion(wf, env),
  );
}
