// retryStrategy: a Retry node whose children are the attempts; what the last attempt did decides
// whether another one starts (policy, limit, expression, backoff, max duration).
import type { RetryStrategy } from '../model/template.js';
import type { NodeStatus } from '../model/workflow.js';
import { evaluateBool } from '../workflow/expr/index.js';
import { parseArgoDuration } from '../workflow/duration.js';
import { isDaemoned, nodeFulfilled, phaseFailedOrError } from '../workflow/phase.js';
import { expressionEnv } from '../workflow/template-string.js';
import { humanizeDuration } from '../workflow/humanize.js';
import type { ExecuteOpts, WorkflowOperation } from './operator.js';

export interface RetryOutcome {
  node: NodeStatus;
  /** False while waiting out a backoff. */
  continueExecution: boolean;
  /** backoff.maxDuration: attempts must finish by then. */
  executionDeadline?: Date;
}

/** The attempts of a Retry node (children flagged retried) and the last of them. */
export function retriedChildren(
  op: WorkflowOperation,
  node: NodeStatus,
): { ids: string[]; last?: NodeStatus } {
  const ids = (node.children ?? []).filter((id) => op.nodes[id]?.nodeFlag?.retried === true);
  return { ids, last: ids.length ? op.nodes[ids[ids.length - 1]] : undefined };
}

export function nodeDurationSeconds(node: NodeStatus, now: Date): number {
  const start = Date.parse(node.startedAt ?? '');
  const end = node.finishedAt ? Date.parse(node.finishedAt) : now.getTime();
  if (Number.isNaN(start)) return 0;
  return (end - start) / 1000;
}

export function retryPolicyOf(s: RetryStrategy): string {
  if (s.retryPolicy) return s.retryPolicy;
  return s.expression ? 'Always' : 'OnFailure';
}

function intOrString(v: number | string | undefined, field: string): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = typeof v === 'number' ? v : Number(String(v).trim());
  if (!Number.isInteger(n)) throw new Error(`invalid retryStrategy.${field} "${String(v)}": not an integer`);
  return n;
}

/** Messages of errors Kubernetes would retry (resource pressure, timeouts, connection resets). */
const TRANSIENT =
  /exceeded quota|connection reset|connection refused|i\/o timeout|timed out|too many requests|etcdserver|try again|EOF/i;

export function processNodeRetries(
  op: WorkflowOperation,
  node: NodeStatus,
  strategy: RetryStrategy,
  _opts: ExecuteOpts,
): RetryOutcome {
  if (nodeFulfilled(node)) return { node, continueExecution: true };
  const { ids, last } = retriedChildren(op, node);
  if (ids.length === 0 || !last) return { node, continueExecution: true };
  if (isDaemoned(last)) node.daemoned = true;
  if (!nodeFulfilled(last)) {
    if (!isDaemoned(last)) return { node, continueExecution: true };
    const n = op.markNodePhase(node.name, last.phase ?? 'Running');
    n.daemoned = true;
    return { node: n, continueExecution: true };
  }
  if (!phaseFailedOrError(last.phase)) {
    node.outputs = structuredClone(last.outputs);
    if (!node.outputs) delete node.outputs;
    return { node: op.markNodePhase(node.name, 'Succeeded'), continueExecution: true };
  }
  const deadline = op.workflowDeadline();
  if (op.execSpec.shutdown || (deadline && op.now() > deadline)) {
    const message = op.execSpec.shutdown
      ? `Stopped with strategy '${op.execSpec.shutdown}'`
      : `retry exceeded workflow deadline ${deadline!.toISOString()}`;
    return { node: op.markNodePhase(node.name, last.phase!, message), continueExecution: true };
  }

  const limit = intOrString(strategy.limit, 'limit');
  let executionDeadline: Date | undefined;
  const backoff = strategy.backoff;
  if (backoff) {
    let maxDeadline: number | undefined;
    if (backoff.maxDuration) {
      const first = op.nodes[ids[0]];
      maxDeadline = Date.parse(first.startedAt ?? '') + parseArgoDuration(backoff.maxDuration);
      if (op.now().getTime() > maxDeadline) {
        return {
          node: op.markNodePhase(node.name, last.phase!, 'Max duration limit exceeded'),
          continueExecution: true,
        };
      }
    }
    if (!backoff.duration) throw new Error('no base duration specified for retryStrategy');
    const base = parseArgoDuration(backoff.duration);
    let wait = base;
    const factor = intOrString(backoff.factor, 'backoff.factor');
    if (factor !== undefined && factor > 0) wait = base * Math.trunc(factor ** (ids.length - 1));
    if (backoff.cap) wait = Math.min(wait, parseArgoDuration(backoff.cap));
    const waitUntil = Date.parse(last.finishedAt ?? '') + wait;
    if (maxDeadline !== undefined && waitUntil > maxDeadline) {
      return {
        node: op.markNodePhase(node.name, last.phase!, 'Backoff would exceed max duration limit'),
        continueExecution: true,
      };
    }
    if (op.now().getTime() < waitUntil && limit !== undefined && ids.length <= limit) {
      op.requeueAfter(waitUntil - op.now().getTime());
      return {
        node: op.markNodePhase(node.name, node.phase ?? 'Running', `Backoff for ${humanizeDuration(wait)}`),
        continueExecution: false,
      };
    }
    if (maxDeadline !== undefined) executionDeadline = new Date(maxDeadline);
    node = op.markNodePhase(node.name, node.phase ?? 'Running', '');
  }

  const policy = retryPolicyOf(strategy);
  let onFailed: boolean;
  let onError: boolean;
  switch (policy) {
    case 'Always':
      onFailed = true;
      onError = true;
      break;
    case 'OnError':
      onFailed = false;
      onError = true;
      break;
    case 'OnTransientError': {
      const transient = TRANSIENT.test(last.message ?? '');
      onFailed = transient;
      onError = transient;
      break;
    }
    case 'OnFailure':
      onFailed = true;
      onError = false;
      break;
    default:
      throw new Error(`${policy} is not a valid RetryPolicy`);
  }
  if (
    ((last.phase === 'Failed' || (isDaemoned(last) && last.phase === 'Succeeded')) && !onFailed) ||
    (last.phase === 'Error' && !onError)
  ) {
    return { node: op.markNodePhase(node.name, last.phase!, last.message ?? ''), continueExecution: true };
  }
  if (limit !== undefined && ids.length > limit) {
    return {
      node: op.markNodePhase(node.name, last.phase!, 'No more retries left'),
      continueExecution: true,
    };
  }
  if (strategy.expression) {
    const scope: Record<string, string> = {
      retries: String(ids.length - 1),
      'lastRetry.exitCode': last.outputs?.exitCode ?? '-1',
      'lastRetry.status': last.phase ?? '',
      'lastRetry.duration': String(nodeDurationSeconds(last, op.now())),
      'lastRetry.message': last.message ?? '',
    };
    const proceed = evaluateBool(strategy.expression, expressionEnv(scope));
    if (!proceed) {
      return {
        node: op.markNodePhase(node.name, last.phase!, 'retryStrategy.expression evaluated to false'),
        continueExecution: true,
      };
    }
  }
  return { node, continueExecution: true, executionDeadline };
}
