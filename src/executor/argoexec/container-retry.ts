// A containerSet's retryStrategy re-runs a failed command inside the same container (a template's
// own retryStrategy makes a new pod instead). Upstream feeds it to a Kubernetes backoff whose
// Steps is `retries`: the command runs at most `retries` times in all, `duration` apart.
import type { IntOrString } from '../../model/meta.js';
import type { Template } from '../../model/template.js';
import { parseGoDuration } from '../../workflow/duration.js';

export interface RetryPlan {
  attempts: number;
  delayMs: number;
}

export class RetryPlanError extends Error {}

/** intstr.IntValue: a number as it is, a string read as a decimal integer or else 0. */
function intValue(v: IntOrString): number {
  if (typeof v === 'number') return Math.trunc(v);
  return /^[+-]?\d+$/.test(v) ? Number(v) : 0;
}

export function retryPlan(tmpl: Template): RetryPlan {
  const strategy = tmpl.containerSet?.retryStrategy;
  if (strategy?.retries === undefined || strategy.retries === null) return { attempts: 1, delayMs: 0 };
  // Upstream's backoff with no steps never runs the command yet reports success; running it once
  // is the only reading of "retries: 0" that keeps the exit code honest.
  const attempts = Math.max(1, intValue(strategy.retries));
  if (!strategy.duration) return { attempts, delayMs: 0 };
  let delayMs: number;
  try {
    delayMs = parseGoDuration(strategy.duration);
  } catch (err) {
    throw new RetryPlanError((err as Error).message);
  }
  if (delayMs < 0)
    throw new RetryPlanError(`duration has to be positive, current duration: ${strategy.duration} `);
  return { attempts, delayMs };
}
