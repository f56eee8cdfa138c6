// A running node whose pod is not in the controller's view. Right after a pod starts, the view
// (an informer's cache on a cluster) can lag behind the API server, so a pod that is merely not
// seen yet must not be taken for one that was deleted. As upstream's podReconciliation does, a
// node started less than RECENTLY_STARTED_POD_DURATION (a Go duration, default 10 s) ago is
// looked at again later instead of being errored "pod deleted"; after that the pod counts as gone.
import type { NodeStatus } from '../model/workflow.js';
import { goDurationFromEnv } from '../workflow/duration.js';

export const RECENTLY_STARTED_ENV = 'RECENTLY_STARTED_POD_DURATION';
const DEFAULT_RECENTLY_STARTED_MS = 10_000;

/** RECENTLY_STARTED_POD_DURATION, else upstream's 10 seconds (also for a value that is no duration). */
export function recentlyStartedMs(env: NodeJS.ProcessEnv = process.env): number {
  return goDurationFromEnv(env, RECENTLY_STARTED_ENV, DEFAULT_RECENTLY_STARTED_MS);
}

/**
 * How much longer a node whose pod is missing is given before it is errored "pod deleted": the
 * rest of its recently-started window, 0 once that has passed (or when it never started).
 */
export function missingPodGraceLeftMs(node: NodeStatus, now: Date, windowMs = recentlyStartedMs()): number {
  const started = Date.parse(node.startedAt ?? '');
  if (Number.isNaN(started)) return 0;
  // Upstream's window is inclusive (time.Since(startedAt) <= duration): the grace ends just after it.
  const left = started + windowMs - now.getTime();
  return left >= 0 ? left + 1 : 0;
}
