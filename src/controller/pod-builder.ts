// The pod a Pod node runs as. Names, labels, annotations and ARGO_* variables follow Argo's pod
// contract. Two layouts: 'host' pods carry only the template's containers, with the ARGO_*
// variables on them, for the host runtime that plays argoexec itself; 'argoexec' pods are
// upstream's legacy layout (init, wait and emissary-wrapped containers, see argoexec-pod.ts), for
// Kubernetes and for any runtime that runs argoexec in the pod.
import type { Container, EnvVar } from '../model/meta.js';
import type { Pod } from '../model/pod.js';
import type { ArtifactLocation, Template } from '../model/template.js';
import { rfc3339 } from '../workflow/phase.js';
import { buildArgoexecPod } from './argoexec-pod.js';
import { applySchedulingFields, podObjectMeta, podVolumes, type PodShellInput } from './pod-shell.js';

export { claimNameFor } from './pod-shell.js';

export type PodLayout = 'host' | 'argoexec';

export const SCRIPT_SOURCE_PATH = '/argo/staging/script';

export interface BuildPodInput extends PodShellInput {
  tmpl: Template;
  includeScriptOutput: boolean;
  deadline?: Date;
  /** Where the executor saves outputs (and finds key-only inputs); set on the template it gets. */
  archiveLocation?: ArtifactLocation;
  /** Default 'host'. */
  layout?: PodLayout;
  /** The image of the init and wait containers in the argoexec layout (upstream's --executor-image). */
  executorImage?: string;
}

/** What runs a data template's work upstream: argoexec as the main container. */
export const EXECUTOR_IMAGE = 'quay.io/argoproj/argoexec:latest';

/**
 * The pod for a node. In the argoexec layout this throws when a container's command cannot be
 * known (see argoexec-pod.ts); the node then fails with that error, as upstream's does.
 */
export function buildPod(input: BuildPodInput): Pod {
  const { wf, node, podName } = input;
  const tmpl = input.archiveLocation ? { ...input.tmpl, archiveLocation: input.archiveLocation } : input.tmpl;
  if (input.layout === 'argoexec')
    return buildArgoexecPod(input, tmpl, input.executorImage ?? EXECUTOR_IMAGE);
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

  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: podObjectMeta(input, tmpl),
    spec: {
      containers,
      restartPolicy: 'Never',
      volumes: podVolumes(wf, input.execSpec, tmpl),
    },
  };
  if (tmpl.initContainers?.length) pod.spec.initContainers = structuredClone(tmpl.initContainers);
  applySchedulingFields(pod, input, tmpl);
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
