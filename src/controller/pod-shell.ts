// What a node's pod is apart from its containers, the same in every pod layout: its name, labels
// and annotations, owner, the workflow's and template's volumes, and the scheduling fields.
import type { ObjectMeta, Volume } from '../model/meta.js';
import type { Pod } from '../model/pod.js';
import type { Template } from '../model/template.js';
import type { NodeStatus, Workflow, WorkflowSpec } from '../model/workflow.js';
import { API_VERSION } from '../model/workflow.js';
import { ANNOTATION_POD_GC_STRATEGY, podGCAnnotationValue } from './pod-gc.js';

export interface PodShellInput {
  wf: Workflow;
  execSpec: WorkflowSpec;
  node: NodeStatus;
  podName: string;
  onExitPod: boolean;
  /** From the template's timeout; wins over the template's own activeDeadlineSeconds when sooner. */
  activeDeadlineSeconds?: number;
  /** The ConfigMap's podGCDeleteDelayDuration, for the pod-gc-strategy annotation; default 5 s. */
  podGCDeleteDelayMs?: number;
}

export function podObjectMeta(input: PodShellInput, tmpl: Template): ObjectMeta {
  const { wf, execSpec, node, podName } = input;
  const wfName = wf.metadata.name ?? '';
  const labels: Record<string, string> = {
    ...(tmpl.metadata?.labels ?? {}),
    ...(execSpec.podMetadata?.labels ?? {}),
    'workflows.argoproj.io/completed': 'false',
    'workflows.argoproj.io/workflow': wfName,
  };
  const annotations: Record<string, string> = {
    ...(tmpl.metadata?.annotations ?? {}),
    ...(execSpec.podMetadata?.annotations ?? {}),
    'workflows.argoproj.io/node-id': node.id,
    'workflows.argoproj.io/node-name': node.name,
  };
  if (input.onExitPod) labels['workflows.argoproj.io/on-exit'] = 'true';
  if (execSpec.podGC)
    annotations[ANNOTATION_POD_GC_STRATEGY] = podGCAnnotationValue(execSpec.podGC, input.podGCDeleteDelayMs);
  return {
    name: podName,
    namespace: wf.metadata.namespace,
    labels,
    annotations,
    ownerReferences: [
      {
        apiVersion: API_VERSION,
        kind: 'Workflow',
        name: wfName,
        uid: wf.metadata.uid ?? '',
        controller: true,
        blockOwnerDeletion: true,
      },
    ],
  };
}

/** activeDeadlineSeconds, service account, node selector and host aliases. */
export function applySchedulingFields(pod: Pod, input: PodShellInput, tmpl: Template): void {
  const { execSpec } = input;
  const ads = tmpl.activeDeadlineSeconds;
  if (ads !== undefined && ads !== '') pod.spec.activeDeadlineSeconds = Number(ads);
  if (input.activeDeadlineSeconds !== undefined) {
    const current = pod.spec.activeDeadlineSeconds;
    if (current === undefined || input.activeDeadlineSeconds < current)
      pod.spec.activeDeadlineSeconds = input.activeDeadlineSeconds;
  }
  const sa = tmpl.serviceAccountName ?? execSpec.serviceAccountName;
  if (sa) pod.spec.serviceAccountName = sa;
  const nodeSelector = { ...(execSpec.nodeSelector ?? {}), ...(tmpl.nodeSelector ?? {}) };
  if (Object.keys(nodeSelector).length) pod.spec.nodeSelector = nodeSelector;
  const hostAliases = [...(execSpec.hostAliases ?? []), ...(tmpl.hostAliases ?? [])];
  if (hostAliases.length) pod.spec.hostAliases = hostAliases;
}

/** The workflow's volumes and claims, with the template's volumes taking their names over. */
export function podVolumes(wf: Workflow, execSpec: WorkflowSpec, tmpl: Template): Volume[] {
  const byName = new Map<string, Volume>();
  for (const v of execSpec.volumes ?? []) byName.set(v.name, structuredClone(v));
  for (const v of tmpl.volumes ?? []) byName.set(v.name, structuredClone(v));
  // A volumeClaimTemplate is the claim the workflow made for it, named <workflow>-<template>.
  const claims = wf.status?.persistentVolumeClaims ?? [];
  for (const pvc of execSpec.volumeClaimTemplates ?? []) {
    const name = pvc.metadata.name ?? '';
    const claim = claims.find((c) => c.name === name) ?? {
      name,
      persistentVolumeClaim: { claimName: claimNameFor(wf, name) },
    };
    if (!byName.has(name)) byName.set(name, structuredClone(claim));
  }
  return [...byName.values()];
}

/** The claim a workflow makes for one of its volumeClaimTemplates, as upstream names it. */
export function claimNameFor(wf: Workflow, templateName: string): string {
  return `${wf.metadata.name ?? ''}-${templateName}`;
}
