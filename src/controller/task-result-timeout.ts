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
import type { Pod } from '../model/pod.js';
import { goDurationFromEnv } from '../workflow/duration.js';

export const TASK_RESULT_TIMEOUT_ENV = 'TASK_RESULT_TIMEOUT_DURATION';
const DEFAULT_TIMEOUT_MS = 10 * 60_000;

/** TASK_RESULT_TIMEOUT_DURATION (a Go duration), else upstream's 10 minutes. */
export function taskResultTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  return goDurationFromEnv(env, TASK_RESULT_TIMEOUT_ENV, DEFAULT_TIMEOUT_MS);
}

/**
 * How much longer the node of `pod` waits for its report: 0 once it is overdue, undefined while
 * the pod has not finished (its wait container may still be writing).
 */
export function reportWaitLeftMs(pod: Pod, now: Date, timeoutMs: number): number | undefined {
  const phase = pod.status?.phase;
  if (phase !== 'Succeeded' && phase !== 'Failed') return undefined;
  let finished = 0;
  for (const c of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
    const t = Date.parse(c.state?.terminated?.finishedAt ?? '');
    if (!Number.isNaN(t) && t > finished) finished = t;
  }
  // A finished pod without container times (a kubelet that wrote none): from its start.
  if (finished === 0) finished = Date.parse(pod.status?.startTime ?? '') || now.getTime();
  return Math.max(0, finished + timeoutMs - now.getTime());
}
