// The pod a Pod node runs as. Names, labels, annotations and ARGO_* variables follow Argo's pod
// contract so the same pod shape serves the host runtime and (later) Kubernetes.
import type { Container, EnvVar, Volume } from '../model/meta.js';
import type { Pod } from '../model/pod.js';
import type { ArtifactLocation, Template } from '../model/template.js';
import type { NodeStatus, Workflow, WorkflowSpec } from '../model/workflow.js';
import { API_VERSION } from '../model/workflow.js';
import { rfc3339 } from '../workflow/phase.js';

export const SCRIPT_SOURCE_PATH = '/argo/staging/script';

export interface BuildPodInput {
  wf: Workflow;
  execSpec: WorkflowSpec;
  node: NodeStatus;
  podName: string;
  tmpl: Template;
  includeScriptOutput: boolean;
  onExitPod: boolean;
  deadline?: Date;
  /** From the template's timeout; wins over the template's own activeDeadlineSeconds when sooner. */
  activeDeadlineSeconds?: number;
  /** Where the executor saves outputs (and finds key-only inputs); set on the template it gets. */
  archiveLocation?: ArtifactLocation;
}

/** What runs a data template's work upstream: argoexec as the main container. */
export const EXECUTOR_IMAGE = 'quay.io/argoproj/argoexec:latest';

export function buildPod(input: BuildPodInput): Pod {
  const { wf, execSpec, node, podName } = input;
  const tmpl = input.archiveLocation ? { ...input.tmpl, archiveLocation: input.archiveLocation } : input.tmpl;
  const wfName = wf.metadata.name ?? '';
  const mainContainers = mainContainersOf(tmpl);
  const argoEnv = (containerName: string): EnvVar[] => {
    const env: EnvVar[] = [
      { name: 'ARGO_POD_NAME', value: podName },
      { name: 'ARGO_POD_UID', value: '' },
      { name: 'ARGO_NODE_ID', value: node.id },
      { name: 'ARGO_WORKFLOW_NAME', value: wfName },
      { name: 'ARGO_WORKFLOW_UID', value: wf.metadata.uid ?? '' },
      { name: 'ARGO_CONTAINER_NAME', value: containerName },
      { name: 'ARGO_TEMPLATE', value: JSON.stringify(tmpl) },
      { name: 'ARGO_INCLUDE_SCRIPT_OUTPUT', value: String(input.includeScriptOutput) },
    ];
    if (input.deadline) env.push({ name: 'ARGO_DEADLINE', value: rfc3339(input.deadline) });
    return env;
  };
  const containers: Container[] = mainContainers.map((c) => ({
    ...c,
    env: [...(c.env ?? []), ...argoEnv(c.name ?? 'main')],
  }));
  for (const s of tmpl.sidecars ?? []) containers.push(structuredClone(s));

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

  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
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
    },
    spec: {
      containers,
      restartPolicy: 'Never',
      volumes: podVolumes(wf, execSpec, tmpl),
    },
  };
  if (tmpl.initContainers?.length) pod.spec.initContainers = structuredClone(tmpl.initContainers);
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
  if (!pod.spec.volumes?.length) delete pod.spec.volumes;
  return pod;
}

function mainContainersOf(tmpl: Template): Container[] {
  if (tmpl.container) return [{ ...structuredClone(tmpl.container), name: 'main' }];
  if (tmpl.script) {
    const { source: _source, ...rest } = structuredClone(tmpl.script);
    const c: Container = { ...rest, name: 'main' };
    if (tmpl.script.source) c.args = [...(c.args ?? []), SCRIPT_SOURCE_PATH];
    return [c];
  }
  if (tmpl.data) return [{ name: 'main', image: EXECUTOR_IMAGE, command: ['argoexec', 'data'] }];
  if (tmpl.containerSet) {
    const shared = tmpl.containerSet.volumeMounts ?? [];
    return tmpl.containerSet.containers.map((c) => {
      const { dependencies: _deps, ...rest } = structuredClone(c);
      return { ...rest, volumeMounts: [...shared, ...(rest.volumeMounts ?? [])] };
    });
  }
  return [];
}

function podVolumes(wf: Workflow, execSpec: WorkflowSpec, tmpl: Template): Volume[] {
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
