// The pod a node ran in, named as the controller names it, to ask for its logs: the "v2" format is
// `<workflow>-<template>-<fnv32a(node name)>`, "v1" was the node id (the workflow's annotation says).
import type { NodeStatus, Workflow } from '../api/types';

function fnv32a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

export function podNameOf(wf: Workflow, node: NodeStatus): string {
  if (wf.metadata.annotations?.['workflows.argoproj.io/pod-name-format'] === 'v1') return node.id;
  const workflowName = wf.metadata.name ?? '';
  if (workflowName === node.name) return workflowName;
  const template = node.templateRef ? (node.templateRef.template ?? '') : (node.templateName ?? '');
  const prefix = (template ? `${workflowName}-${template}` : workflowName).slice(0, 253 - 11);
  return `${prefix}-${fnv32a(node.name)}`;
}
