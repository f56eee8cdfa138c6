// Pod garbage collection (`spec.podGC`), as upstream's controller does it: after each write of a
// workflow, the pods of its finished nodes that the strategy lets go are queued for deletion, each
// after the delete delay (`podGC.deleteDelayDuration`, else the ConfigMap's
// `podGCDeleteDelayDuration`, else 5 s), and deleted by `--pod-cleanup-workers` workers with the
// ConfigMap's `podGCGracePeriodSeconds`.
//
// Differences from upstream, and why:
// - The delay counts from when the pod's node finished (the workflow's finishedAt for the
//   OnWorkflow* strategies), both recorded in the workflow, rather than from when the pod was
//   queued. A delay under way is then not lost when the controller stops: the next controller is
//   offered every finished workflow as its informer lists them, and deletes what is due at once
//   and the rest when it falls due. Upstream's queue is in memory only.
// - Labelling pods `workflows.argoproj.io/completed` is not done here: the controller labels every
//   pod it keeps once the workflow completes (upstream labels them sooner, to drop them from its
//   pod informer, whose selector leaves completed pods out; ours keeps them).
// - On the local backend a deleted pod's log files stay under $ARGO_HOME until the workflow is
//   deleted, so `argo logs` still shows them (on a cluster, as upstream, a collected pod's logs
//   are gone unless they were archived).
import { ANNOTATION_NODE_ID } from '../executor/pod-contract.js';
import type { ConfigMap, LabelSelector } from '../model/meta.js';
import type { Pod } from '../model/pod.js';
import type { PodGC, Workflow, WorkflowPhase } from '../model/workflow.js';
import { runWorkers, WorkQueue, type Timers } from '../store/informer/index.js';
import { labelRequirementsFrom, matchesLabels, type LabelRequirement } from '../store/selectors.js';
import { StoreError, type ResourceStore } from '../store/types.js';
import { parseArgoDuration, parseGoDuration } from '../workflow/duration.js';
import { goDurationStringOfMs } from '../workflow/humanize.js';
import { phaseFulfilled, workflowPhaseCompleted } from '../workflow/phase.js';
import { configField } from './controller-config.js';

/** Pods of Argo's own components (the agent): never collected, as upstream leaves them. */
const LABEL_COMPONENT = 'workflows.argoproj.io/component';

/** Put on each pod of a workflow with `podGC`, as upstream's pod builder does: `<strategy>/<delay>`. */
export const ANNOTATION_POD_GC_STRATEGY = 'workflows.argoproj.io/pod-gc-strategy';

/** The ConfigMap's default delay when it sets none (upstream's GetPodGCDeleteDelayDuration). */
export const DEFAULT_POD_GC_DELETE_DELAY_MS = 5000;

export type PodGCStrategy =
  'OnPodCompletion' | 'OnPodSuccess' | 'OnWorkflowCompletion' | 'OnWorkflowSuccess' | '';

/** The pod GC settings of the controller's configuration. */
export interface PodGCSettings {
  deleteDelayMs: number;
  /** Passed on pod deletion; undefined: the pod's own terminationGracePeriodSeconds. */
  gracePeriodSeconds?: number;
}

/** `podGCDeleteDelayDuration` and `podGCGracePeriodSeconds` of the controller ConfigMap. */
export function podGCSettings(cm: ConfigMap | undefined): PodGCSettings {
  const delay = configField(cm, 'podGCDeleteDelayDuration');
  const grace = configField(cm, 'podGCGracePeriodSeconds');
  return {
    deleteDelayMs:
      typeof delay === 'string' && delay !== ''
        ? Math.max(0, parseGoDuration(delay))
        : DEFAULT_POD_GC_DELETE_DELAY_MS,
    gracePeriodSeconds: typeof grace === 'number' && grace >= 0 ? Math.floor(grace) : undefined,
  };
}

/**
 * Whether the strategy deletes a finished node's pod now (upstream's determinePodCleanupAction,
 * its delete cases): the workflow's phase and the pod's phase as they stand.
 */
export function podGCDeletes(
  strategy: string,
  selector: readonly LabelRequirement[],
  podLabels: Record<string, string> | undefined,
  workflowPhase: WorkflowPhase | undefined,
  podPhase: string | undefined,
): boolean {
  if (!matchesLabels(selector, podLabels)) return false;
  switch (strategy) {
    case 'OnWorkflowCompletion':
      return workflowPhaseCompleted(workflowPhase);
    case 'OnWorkflowSuccess':
      return workflowPhase === 'Succeeded';
    case 'OnPodCompletion':
      return true;
    case 'OnPodSuccess':
      return podPhase === 'Succeeded';
    default:
      return false;
  }
}

/** The workflow's pod GC (its stored template's when it runs one), or none. */
export function podGCOf(wf: Workflow): PodGC | undefined {
  return wf.spec.podGC ?? wf.status?.storedWorkflowTemplateSpec?.podGC;
}

/**
 * The ConfigMap's delay as the pod-gc-strategy annotation states it; upstream's default when the
 * ConfigMap's value cannot be read (the collector logs that where it reads the delay).
 */
export function configuredPodGCDelayMs(cm: ConfigMap | undefined): number {
  try {
    return podGCSettings(cm).deleteDelayMs;
  } catch {
    return DEFAULT_POD_GC_DELETE_DELAY_MS;
  }
}

/**
 * The pod-gc-strategy annotation's value for a workflow's `podGC`: its strategy ('' when it names
 * none) and the delay its pods are deleted after, the workflow's own `deleteDelayDuration` when
 * that reads as one, else `configuredDelayMs` (the ConfigMap's), written as Go writes a duration.
 */
export function podGCAnnotationValue(
  podGC: PodGC,
  configuredDelayMs = DEFAULT_POD_GC_DELETE_DELAY_MS,
): string {
  let delayMs = configuredDelayMs;
  if (podGC.deleteDelayDuration) {
    try {
      const own = parseArgoDuration(podGC.deleteDelayDuration);
      if (own >= 0) delayMs = own;
    } catch {
      // Upstream warns and keeps the configured delay; validation refuses these at submission.
    }
  }
  return `${podGC.strategy ?? ''}/${goDurationStringOfMs(delayMs)}`;
}

export interface PodCollectorOptions {
  store: ResourceStore;
  /** `--pod-cleanup-workers`; default 4, as upstream. */
  workers?: number;
  /** The current settings of the controller ConfigMap. */
  settings: () => PodGCSettings;
  now: () => Date;
  timers?: Timers;
  log: (msg: string) => void;
}

/** Queues and deletes the pods workflows' pod GC strategies let go. */
export class PodCollector {
  private readonly queue: WorkQueue;
  private readonly workers: Promise<void>;
  /** Pods queued, by `namespace/pod`, with the `namespace/workflow` they belong to. */
  private readonly pending = new Map<string, string>();
  /** How many of them each workflow has. */
  private readonly pendingByWorkflow = new Map<string, number>();

  constructor(private readonly opts: PodCollectorOptions) {
    this.queue = new WorkQueue({ backoff: { baseMs: 1000, maxMs: 60_000 }, timers: opts.timers });
    this.workers = runWorkers(
      this.queue,
      opts.workers ?? 4,
      (k) => this.collect(k),
      (err, k) => opts.log(`pod GC of ${k}: ${(err as Error).message}`),
    );
  }

  /**
   * Queues the pods of `wf` (with its nodes) that its strategy lets go: those of fulfilled nodes,
   * each due its delay after its node (or, for the OnWorkflow* strategies, the workflow) finished.
   */
  offer(wf: Workflow, pods: Iterable<Pod>): void {
    const podGC = podGCOf(wf);
    const strategy = podGC?.strategy ?? '';
    if (!strategy) return;
    const phase = wf.status?.phase;
    const workflowStrategy = strategy === 'OnWorkflowCompletion' || strategy === 'OnWorkflowSuccess';
    if (workflowStrategy && !workflowPhaseCompleted(phase)) return;
    let selector: LabelRequirement[];
    let delayMs: number;
    try {
      selector = podGC?.labelSelector ? labelRequirementsFrom(podGC.labelSelector as LabelSelector) : [];
      delayMs = podGC?.deleteDelayDuration
        ? Math.max(0, parseArgoDuration(podGC.deleteDelayDuration))
        : this.opts.settings().deleteDelayMs;
    } catch (err) {
      // Validation refuses these at submission; one that got past is told, and nothing is deleted.
      this.opts.log(`pod GC of ${wf.metadata.namespace}/${wf.metadata.name}: ${(err as Error).message}`);
      return;
    }
    const wfKey = `${wf.metadata.namespace ?? ''}/${wf.metadata.name ?? ''}`;
    const nodes = wf.status?.nodes ?? {};
    const now = this.opts.now().getTime();
    for (const pod of pods) {
      const podKey = `${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}`;
      if (this.pending.has(podKey) || pod.metadata.deletionTimestamp) continue;
      if (pod.metadata.labels?.[LABEL_COMPONENT] !== undefined) continue;
      const node = nodes[pod.metadata.annotations?.[ANNOTATION_NODE_ID] ?? ''];
      // A node whose outputs are still being reported keeps its pod, as upstream's Fulfilled(synced).
      if (!node || !phaseFulfilled(node.phase) || node.taskResultSynced === false) continue;
      if (!podGCDeletes(strategy, selector, pod.metadata.labels, phase, pod.status?.phase)) continue;
      const from = Date.parse((workflowStrategy ? wf.status?.finishedAt : node.finishedAt) ?? '');
      const due = (Number.isNaN(from) ? now : from) + delayMs;
      this.pending.set(podKey, wfKey);
      this.pendingByWorkflow.set(wfKey, (this.pendingByWorkflow.get(wfKey) ?? 0) + 1);
      this.queue.addAfter(podKey, due - now);
    }
  }

  /** Whether pods of the workflow at `namespace/name` are waiting to be deleted. */
  hasPending(wfKey: string): boolean {
    return this.pendingByWorkflow.has(wfKey);
  }

  /** Stops deleting; deletions not yet due are left to the next controller. */
  async stop(): Promise<void> {
    await this.queue.shutDown();
    await this.workers;
    this.pending.clear();
    this.pendingByWorkflow.clear();
  }

  private async collect(podKey: string): Promise<void> {
    const slash = podKey.indexOf('/');
    const ns = podKey.slice(0, slash);
    const name = podKey.slice(slash + 1);
    let gracePeriodSeconds: number | undefined;
    try {
      gracePeriodSeconds = this.opts.settings().gracePeriodSeconds;
    } catch {
      // A ConfigMap that cannot be read (logged where the delay is read): the pod's own grace period.
    }
    try {
      await this.opts.store.delete('Pod', ns, name, { gracePeriodSeconds });
      this.opts.log(`pod GC deleted pod ${podKey}`);
    } catch (err) {
      if (!(err instanceof StoreError && err.code === 404)) {
        this.opts.log(`pod GC of ${podKey} failed, trying again: ${(err as Error).message}`);
        this.queue.addRateLimited(podKey);
        return;
      }
    }
    this.queue.forget(podKey);
    const wfKey = this.pending.get(podKey);
    this.pending.delete(podKey);
    if (wfKey === undefined) return;
    const left = (this.pendingByWorkflow.get(wfKey) ?? 1) - 1;
    if (left > 0) this.pendingByWorkflow.set(wfKey, left);
    else this.pendingByWorkflow.delete(wfKey);
  }
}
