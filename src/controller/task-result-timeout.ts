// How long a finished pod's node waits for its executor's report (the WorkflowTaskResult that
// argoexec's wait container creates labelled report-outputs-completed=false and relabels true once
// every output is in it). A wait container that never reports (killed before its last write, an
// API it could not reach) would otherwise hold the node, and the workflow, forever. Upstream gives
// up TASK_RESULT_TIMEOUT_DURATION (default 10m) after the node finished and takes the result as
// complete; so do we, counting from when the pod's last container finished.
//
// One difference, and why: upstream's node already carries the pod's phase while it waits, so a
// result that never came leaves a Succeeded node without its outputs, and the workflow fails later
// where something reads them ("unable to resolve"). Ours holds the node at its phase until the
// report is in; given up on, a node whose template declares outputs that never arrived is an Error
// saying so, on the node that lost them. A node that expected nothing (or got its outputs) takes
// its pod's phase.
//
// A pod deleted after it finished (pod GC, a user) while its report is still awaited: the report may
// yet come (wait's last write can reach the API after the pod is gone from the controller's view),
// so the node goes on from the pod's last state. Upstream waits then while the node finished less
// than RECENTLY_DELETED_POD_DURATION (default 2m) ago, or TASK_RESULT_TIMEOUT_DURATION ago: for a
// deleted pod the wait is the longer of the two.
import type { Pod } from '../model/pod.js';
import { goDurationFromEnv } from '../workflow/duration.js';

export const TASK_RESULT_TIMEOUT_ENV = 'TASK_RESULT_TIMEOUT_DURATION';
const DEFAULT_TIMEOUT_MS = 10 * 60_000;
export const RECENTLY_DELETED_ENV = 'RECENTLY_DELETED_POD_DURATION';
const DEFAULT_RECENTLY_DELETED_MS = 2 * 60_000;

/** TASK_RESULT_TIMEOUT_DURATION (a Go duration), else upstream's 10 minutes. */
export function taskResultTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  return goDurationFromEnv(env, TASK_RESULT_TIMEOUT_ENV, DEFAULT_TIMEOUT_MS);
}

/** RECENTLY_DELETED_POD_DURATION (a Go duration), else upstream's 2 minutes. */
export function recentlyDeletedMs(env: NodeJS.ProcessEnv = process.env): number {
  return goDurationFromEnv(env, RECENTLY_DELETED_ENV, DEFAULT_RECENTLY_DELETED_MS);
}

/** How long after its pod finished a node waits for its report, and the setting that says so. */
export interface ReportTimeout {
  timeoutMs: number;
  setting: string;
}

/** The report's timeout: TASK_RESULT_TIMEOUT_DURATION, or a longer RECENTLY_DELETED_POD_DURATION for a deleted pod. */
export function reportTimeout(podDeleted: boolean, env: NodeJS.ProcessEnv = process.env): ReportTimeout {
  const timeoutMs = taskResultTimeoutMs(env);
  const deletedMs = podDeleted ? recentlyDeletedMs(env) : 0;
  return deletedMs > timeoutMs
    ? { timeoutMs: deletedMs, setting: RECENTLY_DELETED_ENV }
    : { timeoutMs, setting: TASK_RESULT_TIMEOUT_ENV };
}

/** Whether a pod has finished (its last state, when it was deleted, is worth going on from). */
export function podFinished(pod: Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

/**
 * How much longer the node of `pod` waits for its report: 0 once it is overdue, undefined while
 * the pod has not finished (its wait container may still be writing).
 */
export function reportWaitLeftMs(pod: Pod, now: Date, timeoutMs: number): number | undefined {
  if (!podFinished(pod)) return undefined;
  let finished = 0;
  for (const c of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
    const t = Date.parse(c.state?.terminated?.finishedAt ?? '');
    if (!Number.isNaN(t) && t > finished) finished = t;
  }
  // A finished pod without container times (a kubelet that wrote none): from its start.
  if (finished === 0) finished = Date.parse(pod.status?.startTime ?? '') || now.getTime();
  return Math.max(0, finished + timeoutMs - now.getTime());
}
