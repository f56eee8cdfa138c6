// What the controller tells argoexec through the pod's ARGO_* variables, read once and checked:
// a pod that lacks its name or node id was not made by a workflow controller.
import path from 'node:path';
import type { Template } from '../../model/template.js';
import {
  ENV_DEADLINE,
  ENV_INCLUDE_SCRIPT_OUTPUT,
  ENV_NODE_ID,
  ENV_POD_NAME,
  ENV_TERMINATION_GRACE_PERIOD_SECONDS,
  ENV_WORKFLOW_NAME,
  ENV_WORKFLOW_UID,
} from '../pod-contract.js';
import { contractPaths, type ContractPaths } from './pod-paths.js';
import { readPodTemplate } from './template.js';

export interface PodSettings {
  podName: string;
  nodeId: string;
  workflowName: string;
  workflowUid: string;
  template: Template;
  includeScriptOutput: boolean;
  /** When the step must be over; undefined for none (upstream sends the zero time then). */
  deadline?: Date;
  /** How long a container gets between SIGTERM and SIGKILL. */
  terminationGraceMs: number;
  instanceId?: string;
  paths: ContractPaths;
}

export class PodSettingsError extends Error {}

const DEFAULT_GRACE_MS = 30_000;

export function podSettings(env: NodeJS.ProcessEnv = process.env): PodSettings {
  const podName = env[ENV_POD_NAME];
  if (!podName)
    throw new PodSettingsError(`Unable to determine pod name from environment variable ${ENV_POD_NAME}`);
  return {
    podName,
    nodeId: env[ENV_NODE_ID] ?? '',
    workflowName: env[ENV_WORKFLOW_NAME] ?? '',
    workflowUid: env[ENV_WORKFLOW_UID] ?? '',
    template: readPodTemplate(env),
    includeScriptOutput: env[ENV_INCLUDE_SCRIPT_OUTPUT] === 'true',
    deadline: parseDeadline(env[ENV_DEADLINE]),
    terminationGraceMs: terminationGraceMs(env),
    instanceId: env.ARGO_INSTANCE_ID || undefined,
    paths: contractPaths(env),
  };
}

function parseDeadline(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  const t = Date.parse(value);
  if (Number.isNaN(t))
    throw new PodSettingsError(`cannot parse ${ENV_DEADLINE} "${value}" as an RFC 3339 time`);
  // Go's zero time (0001-01-01T00:00:00Z) is how the controller says "no deadline".
  return t <= 0 ? undefined : new Date(t);
}

/** ARGO_TERMINATION_GRACE_PERIOD_SECONDS (the pod's), 30 s when unset or not positive. */
export function terminationGraceMs(env: NodeJS.ProcessEnv): number {
  const text = (env[ENV_TERMINATION_GRACE_PERIOD_SECONDS] ?? '').trim();
  const seconds = /^[+-]?\d+$/.test(text) ? Number(text) : 0;
  return seconds > 0 ? seconds * 1000 : DEFAULT_GRACE_MS;
}

/** The containers whose end the wait container waits for: a containerSet's, else `main`. */
export function mainContainersOf(tmpl: Template): string[] {
  if (tmpl.containerSet) return tmpl.containerSet.containers.map((c) => c.name);
  return ['main'];
}

/** Where the template mounts volumes into its main container(s) (GetVolumeMounts upstream). */
export function templateMountPaths(tmpl: Template): string[] {
  const mounts =
    tmpl.container?.volumeMounts ?? tmpl.script?.volumeMounts ?? tmpl.containerSet?.volumeMounts ?? [];
  return mounts.map((m) => m.mountPath);
}

/** Whether a path is a volume mount or lies below one (FindOverlappingVolume upstream). */
export function onTemplateVolume(tmpl: Template, p: string): boolean {
  return templateMountPaths(tmpl).some((m) => {
    const rel = path.posix.relative(path.posix.normalize(m), path.posix.normalize(p));
    return rel === '' || (rel !== '..' && !rel.startsWith('../') && !path.posix.isAbsolute(rel));
  });
}
