// argoexec's side of the WorkflowTaskResult: created (not complete) as the wait container starts,
// so the controller knows outputs are coming; patched with the outputs; then labelled complete,
// which is what lets the controller finish the node. Transient API failures are retried with
// back-off, since giving up would lose the step's outputs.
import type { Outputs } from '../../model/template.js';
import type { ResourceStore } from '../../store/types.js';
import { parseGoDuration } from '../../workflow/duration.js';
import { retryTransient, type Backoff } from '../transient-retry.js';
import { newTaskResult, taskResultLabels, type TaskResultOwner } from '../host/task-result.js';
import type { PodSettings } from './context.js';
import type { ExecutorRun } from './init.js';
import type { ExecutorLog } from './log.js';

/** Upstream's executor back-off and the variables that tune it (EXECUTOR_RETRY_BACKOFF_*). */
export function retryPolicyFromEnv(env: NodeJS.ProcessEnv = process.env): Backoff {
  const num = (name: string, dflt: number) => {
    const v = Number(env[name]);
    return env[name] && Number.isFinite(v) && v > 0 ? v : dflt;
  };
  let firstDelayMs = 1000;
  const duration = env.EXECUTOR_RETRY_BACKOFF_DURATION;
  if (duration) {
    try {
      firstDelayMs = parseGoDuration(duration);
    } catch {
      // A malformed value falls back to the default, as upstream's env lookup does.
    }
  }
  return {
    attempts: Math.floor(num('EXECUTOR_RETRY_BACKOFF_STEPS', 5)),
    firstDelayMs,
    factor: num('EXECUTOR_RETRY_BACKOFF_FACTOR', 1.6),
    maxDelayMs: 30_000,
    jitter: 0,
    deadlineMs: Infinity,
  };
}

export class TaskResultReporter {
  constructor(
    private readonly store: ResourceStore,
    private readonly owner: TaskResultOwner,
    private readonly log: ExecutorLog,
    private readonly retry: Backoff = retryPolicyFromEnv(),
  ) {}

  /** Creates the result, not yet complete; one left by an earlier run of the pod is kept. */
  initialize(): Promise<void> {
    return this.withRetry('create task result', async () => {
      await this.createOr409(undefined);
    });
  }

  report(outputs: Outputs): Promise<void> {
    return this.withRetry('report outputs', async () => {
      try {
        await this.store.patch('WorkflowTaskResult', this.owner.namespace, this.owner.nodeId, { outputs });
      } catch (err) {
        if ((err as { code?: number }).code !== 404) throw err;
        await this.createOr409(outputs);
      }
    });
  }

  finalize(): Promise<void> {
    return this.withRetry('mark outputs reported', async () => {
      await this.store.patch('WorkflowTaskResult', this.owner.namespace, this.owner.nodeId, {
        metadata: { labels: taskResultLabels(this.owner, true) },
      });
    });
  }

  private async createOr409(outputs: Outputs | undefined): Promise<void> {
    try {
      await this.store.create('WorkflowTaskResult', newTaskResult(this.owner, outputs, false));
    } catch (err) {
      if ((err as { code?: number }).code !== 409) throw err;
      if (outputs)
        await this.store.patch('WorkflowTaskResult', this.owner.namespace, this.owner.nodeId, { outputs });
    }
  }

  private async withRetry(what: string, op: () => Promise<void>): Promise<void> {
    try {
      await retryTransient(op, this.retry, {
        onRetry: (err, attempt) =>
          this.log.warn(`failed to ${what}, retrying`, { attempt, error: (err as Error).message }),
      });
    } catch (err) {
      throw new Error(`failed to ${what} of node ${this.owner.nodeId}: ${(err as Error).message}`);
    }
  }
}

/** The reporter for the node a pod runs, in the namespace the executor's API access is for. */
export async function reporterFor(settings: PodSettings, run: ExecutorRun): Promise<TaskResultReporter> {
  const { store, namespace } = await run.api();
  const owner = {
    namespace,
    nodeId: settings.nodeId,
    workflow: settings.workflowName,
    workflowUid: settings.workflowUid,
    instanceId: settings.instanceId,
  };
  return new TaskResultReporter(store, owner, run.log, retryPolicyFromEnv(run.env));
}
