// Waiting for a resource's success or failure condition: the object is read at once and then every
// RESOURCE_STATE_CHECK_INTERVAL (5s unless set) until a condition decides. Transient API errors are
// waited out; the object disappearing is not, since it can then never succeed.
import type { KubeObject } from '../../../model/meta.js';
import type { DynamicClient } from '../../../store/kube/dynamic.js';
import { parseGoDuration } from '../../../workflow/duration.js';
import type { ExecutorLog } from '../log.js';
import type { Target } from './actions.js';
import { formatRequirement, judge, type Conditions } from './conditions.js';
import { isTransientStoreError } from '../../transient-retry.js';

const DEFAULT_INTERVAL_MS = 5000;

export class ConditionFailed extends Error {}

export function stateCheckInterval(env: NodeJS.ProcessEnv): number {
  const text = env.RESOURCE_STATE_CHECK_INTERVAL;
  if (!text) return DEFAULT_INTERVAL_MS;
  try {
    return parseGoDuration(text);
  } catch {
    // Upstream refuses to start on a malformed value rather than polling at some other rate.
    throw new Error(`RESOURCE_STATE_CHECK_INTERVAL "${text}" is not a duration (e.g. 5s, 500ms)`);
  }
}

/** Sleeps, waking early when the signal fires. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

export async function waitForConditions(
  client: DynamicClient,
  t: Target,
  conditions: Conditions,
  intervalMs: number,
  log: ExecutorLog,
  signal?: AbortSignal,
): Promise<void> {
  if (conditions.success.length)
    log.info('Waiting for conditions', { conditions: conditions.success.map(formatRequirement).join(',') });
  if (conditions.failure.length)
    log.info('Failing for conditions', { conditions: conditions.failure.map(formatRequirement).join(',') });
  const where = { name: t.name, namespace: t.namespace };
  for (;;) {
    if (signal?.aborted)
      throw new Error(
        `stopped waiting for the conditions of ${t.resource.kind} "${t.name}": the executor was told to stop`,
      );
    let obj: KubeObject | undefined;
    let retry = false;
    try {
      obj = await client.get(t.resource, t.namespace, t.name);
    } catch (err) {
      if (!isTransientStoreError(err)) throw err;
      log.info('Waiting for resource resulted in retryable error', {
        ...where,
        error: (err as Error).message,
      });
      retry = true;
    }
    if (!obj && !retry) {
      const what = t.resource.group ? `${t.resource.plural}.${t.resource.group}` : t.resource.plural;
      throw new Error(
        `The resource has been deleted while its status was still being checked. Will not be retried: ${what} "${t.name}" not found`,
      );
    }
    if (obj) {
      const verdict = judge(obj, conditions);
      if (verdict.state === 'failed') throw new ConditionFailed(verdict.message);
      if (verdict.state === 'succeeded') {
        log.info('Returning from successful wait for resource', where);
        return;
      }
      log.info('Neither success condition nor the failure condition has been matched. Retrying...', where);
    }
    await pause(intervalMs, signal);
  }
}
