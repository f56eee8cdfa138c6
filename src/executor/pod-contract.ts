// The names and shapes of Argo's pod contract that the executor reads and writes: labels,
// annotations and ARGO_* variables (workflow/common/common.go upstream), and how a pod's template
// says which containers are "main" and which are sidecars.
import type { Container } from '../model/meta.js';
import type { Pod } from '../model/pod.js';
import type { Template } from '../model/template.js';

export const LABEL_WORKFLOW = 'workflows.argoproj.io/workflow';
export const LABEL_REPORT_OUTPUTS_COMPLETED = 'workflows.argoproj.io/report-outputs-completed';
export const ANNOTATION_NODE_ID = 'workflows.argoproj.io/node-id';
/** The command (a JSON array; `%d` stands for the signal) that signals a container, for injected sidecars. */
export const killCommandAnnotation = (container: string): string =>
  `workflows.argoproj.io/kill-cmd-${container}`;

export const ENV_TEMPLATE = 'ARGO_TEMPLATE';
export const ENV_CONTAINER_NAME = 'ARGO_CONTAINER_NAME';
export const ENV_POD_NAME = 'ARGO_POD_NAME';
export const ENV_NODE_ID = 'ARGO_NODE_ID';
export const ENV_WORKFLOW_NAME = 'ARGO_WORKFLOW_NAME';
export const ENV_WORKFLOW_UID = 'ARGO_WORKFLOW_UID';
export const ENV_INCLUDE_SCRIPT_OUTPUT = 'ARGO_INCLUDE_SCRIPT_OUTPUT';
export const ENV_DEADLINE = 'ARGO_DEADLINE';
export const ENV_TERMINATION_GRACE_PERIOD_SECONDS = 'ARGO_TERMINATION_GRACE_PERIOD_SECONDS';

export const MAIN_CONTAINER_NAME = 'main';
/** Upstream's auxiliary container; the host runtime reports output collection under this name. */
export const WAIT_CONTAINER_NAME = 'wait';
/** Upstream's init container, which stages inputs; the host runtime logs that under this name. */
export const INIT_CONTAINER_NAME = 'init';
/** Where upstream's controller tells a script template's command to find its source. */
export const SCRIPT_SOURCE_PATH = '/argo/staging/script';

/** The value of a container's env var given as a literal `value`. */
export function literalEnv(container: Container, name: string): string | undefined {
  return container.env?.find((e) => e.name === name)?.value;
}

/**
 * The fully substituted template the controller put in ARGO_TEMPLATE, if any container carries
 * one: a main container of a host pod, the init container of a pod in argoexec's layout.
 */
export function podTemplate(pod: Pod): Template | undefined {
  for (const c of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) {
    const text = literalEnv(c, ENV_TEMPLATE);
    if (!text) continue;
    try {
      return JSON.parse(text) as Template;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** The containers whose exit decides the pod (GetMainContainerNames upstream); the rest are sidecars. */
export function mainContainerNames(pod: Pod, tmpl: Template | undefined): Set<string> {
  if (tmpl?.containerSet) return new Set(tmpl.containerSet.containers.map((c) => c.name));
  const sidecars = new Set((tmpl?.sidecars ?? []).map((s) => s.name));
  const names = pod.spec.containers.map((c) => c.name ?? '').filter((n) => !sidecars.has(n));
  return new Set(names.includes(MAIN_CONTAINER_NAME) ? [MAIN_CONTAINER_NAME] : names);
}

/** A containerSet container's dependencies: they must all exit 0 before it starts. */
export function containerDependencies(tmpl: Template | undefined, name: string): string[] {
  return tmpl?.containerSet?.containers.find((c) => c.name === name)?.dependencies ?? [];
}
