// Workflow garbage collection, as upstream's gccontroller does it: a finished workflow is deleted
// once its ttlStrategy runs out (counted from status.finishedAt), and, when the controller
// ConfigMap has a `retentionPolicy`, the oldest finished workflows of a phase go once there are
// more than it keeps. Deletions are done by `--workflow-ttl-workers` workers, through the same
// deletion `argo delete` does, so finalizers (artifact GC) and the workflow's pods follow it.
//
// A workflow counts as finished only while it is labelled completed, is not being deleted, and is
// not Pending archiving: it is never deleted before the archiver has it. Each workflow is queued
// for the moment it expires (no sweep over all workflows), and looked at again when it is due: a
// workflow retried meanwhile (no longer completed) or given a longer TTL is left alone.
//
// Differences from upstream, and why: the expiry is queued at the exact time rather than a second
// after it (upstream's second covers its informer lagging its own deletions; ours rechecks the
// cached workflow when due). The operator merges the ConfigMap's workflowDefaults into a workflow as
// it starts; their ttlStrategy is also read here when it finishes, for a workflow that started
// before the ConfigMap set them (upstream's would then keep it).
import type { ConfigMap } from '../model/meta.js';
import type { TTLStrategy, Workflow, WorkflowPhase } from '../model/workflow.js';
import { cacheKey, runWorkers, WorkQueue, type Timers } from '../store/informer/index.js';
import { StoreError } from '../store/types.js';
import { LABEL_ARCHIVING_STATUS } from '../workflow/archived-record.js';
import { workflowPhaseCompleted } from '../workflow/phase.js';
import { ARCHIVING_PENDING } from './archiver.js';
import { configField, workflowDefaultsOf } from './controller-config.js';
import { LABEL_COMPLETED, LABEL_PHASE } from './operator.js';

/** Upstream's `--workflow-ttl-workers` default. */
export const DEFAULT_WORKFLOW_TTL_WORKERS = 4;

/** How many finished workflows of each phase the controller keeps (the ConfigMap's `retentionPolicy`). */
export interface RetentionPolicy {
  completed: number;
  failed: number;
  errored: number;
}

/** What the controller ConfigMap says about workflow GC. */
export interface WorkflowGCSettings {
  /** `workflowDefaults.spec.ttlStrategy`: the TTL of workflows that set none of their own. */
  defaultTTL?: TTLStrategy;
  retention?: RetentionPolicy;
}

const RETAINED_PHASES = ['Succeeded', 'Failed', 'Error'] as const;
type RetainedPhase = (typeof RETAINED_PHASES)[number];

function count(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? Math.max(0, Math.floor(v)) : 0;
}

/** Settings by the ConfigMap version they were read from: each finished workflow's event reads them. */
const parsedSettings = new WeakMap<ConfigMap, WorkflowGCSettings>();

/** `workflowDefaults.spec.ttlStrategy` and `retentionPolicy` of the controller ConfigMap. */
export function workflowGCSettings(cm: ConfigMap | undefined): WorkflowGCSettings {
  if (!cm) return readSettings(undefined);
  let settings = parsedSettings.get(cm);
  if (!settings) parsedSettings.set(cm, (settings = readSettings(cm)));
  return settings;
}

function readSettings(cm: ConfigMap | undefined): WorkflowGCSettings {
  // One reader of workflowDefaults for the controller (a broken value is logged there, once).
  const defaults = workflowDefaultsOf(cm).defaults;
  const policy = configField(cm, 'retentionPolicy') as Record<string, unknown> | null | undefined;
  return {
    defaultTTL: defaults?.spec?.ttlStrategy ?? undefined,
    // A policy that leaves a phase out keeps none of it, as upstream's (its missing counts are 0).
    retention:
      policy && typeof policy === 'object'
        ? { completed: count(policy.completed), failed: count(policy.failed), errored: count(policy.errored) }
        : undefined,
  };
}

/**
 * The workflow's TTL strategy, field by field: the workflow's own over its WorkflowTemplate's
 * (status.storedWorkflowTemplateSpec) over the controller's workflowDefaults.
 */
export function ttlStrategyOf(wf: Workflow, defaults?: TTLStrategy): TTLStrategy | undefined {
  const layers = [defaults, wf.status?.storedWorkflowTemplateSpec?.ttlStrategy, wf.spec.ttlStrategy];
  let merged: TTLStrategy | undefined;
  for (const layer of layers) {
    if (!layer) continue;
    merged = { ...merged };
    for (const [field, v] of Object.entries(layer) as [keyof TTLStrategy, number | undefined][])
      if (v !== undefined && v !== null) merged[field] = v;
  }
  return merged;
}

/**
 * Seconds the finished workflow lives, as upstream decides: secondsAfterFailure for Failed only
 * (an Error workflow falls to secondsAfterCompletion), secondsAfterSuccess for Succeeded, else
 * secondsAfterCompletion; undefined when none applies.
 */
export function ttlSeconds(
  phase: WorkflowPhase | undefined,
  ttl: TTLStrategy | undefined,
): number | undefined {
  if (!ttl) return undefined;
  if (phase === 'Failed' && ttl.secondsAfterFailure !== undefined) return ttl.secondsAfterFailure;
  if (phase === 'Succeeded' && ttl.secondsAfterSuccess !== undefined) return ttl.secondsAfterSuccess;
  if (workflowPhaseCompleted(phase) && ttl.secondsAfterCompletion !== undefined)
    return ttl.secondsAfterCompletion;
  return undefined;
}

/** When the workflow is to be deleted (epoch ms), or undefined when its TTL never deletes it. */
export function expiresAtMs(wf: Workflow, defaults?: TTLStrategy): number | undefined {
  const seconds = ttlSeconds(wf.status?.phase, ttlStrategyOf(wf, defaults));
  const finished = wf.status?.finishedAt ? Date.parse(wf.status.finishedAt) : NaN;
  if (seconds === undefined || Number.isNaN(finished)) return undefined;
  return finished + seconds * 1000;
}

/** Finished and collectable: completed, not being deleted, and not waiting to be archived. */
export function gcEligible(wf: Workflow): boolean {
  const labels = wf.metadata.labels ?? {};
  return (
    !wf.metadata.deletionTimestamp &&
    labels[LABEL_COMPLETED] === 'true' &&
    labels[LABEL_ARCHIVING_STATUS] !== ARCHIVING_PENDING
  );
}

export interface WorkflowCollectorOptions {
  /** Deletes a workflow as `argo delete` does; a 404 means it is gone already. */
  deleteWorkflow: (namespace: string, name: string) => Promise<void>;
  /** The controller's cached copy of a workflow, looked at again when its deletion is due. */
  latest: (namespace: string, name: string) => Workflow | undefined;
  settings: () => WorkflowGCSettings;
  workers?: number;
  timers?: Timers;
  log: (msg: string) => void;
}

/**
 * The longest wait queued at once: Node fires a longer timer at once, so a TTL of weeks is waited
 * out in steps of this (each rechecks the workflow when it ends).
 */
export const MAX_WAIT_MS = 2 ** 31 - 1;

const nameOf = (wf: Workflow): [string, string] => [wf.metadata.namespace ?? '', wf.metadata.name ?? ''];

export class WorkflowCollector {
  private readonly queue: WorkQueue;
  private readonly workers: Promise<void>;
  /** Finished workflows the retention policy counts, by phase: key -> creation time (ms). */
  private readonly retained = new Map<RetainedPhase, Map<string, number>>(
    RETAINED_PHASES.map((p) => [p, new Map<string, number>()]),
  );
  /** Keys the retention policy let go: deleted when due whatever their TTL says. */
  private readonly evicted = new Set<string>();

  constructor(private readonly opts: WorkflowCollectorOptions) {
    this.queue = new WorkQueue({ backoff: { baseMs: 1000, maxMs: 60_000 }, timers: opts.timers });
    this.workers = runWorkers(
      this.queue,
      opts.workers ?? DEFAULT_WORKFLOW_TTL_WORKERS,
      (k) => this.work(k),
      (err, k) => opts.log(`deleting garbage collected workflow ${k}: ${(err as Error).message}`),
    );
  }

  private now(): number {
    return (this.opts.timers?.now() ?? new Date()).getTime();
  }

  /** A workflow as the informer has it now (added or updated): queued for when it expires. */
  offer(wf: Workflow): void {
    const k = cacheKey(...nameOf(wf));
    const eligible = gcEligible(wf);
    for (const [phase, members] of this.retained)
      if (!eligible || wf.metadata.labels?.[LABEL_PHASE] !== phase) members.delete(k);
    if (!eligible) {
      // Retried (running again) after the retention policy let it go: it is counted afresh.
      this.evicted.delete(k);
      return;
    }
    const settings = this.opts.settings();
    const expires = expiresAtMs(wf, settings.defaultTTL);
    if (expires !== undefined) this.waitFor(k, expires);
    if (settings.retention) this.retain(wf, k, settings.retention);
  }

  private waitFor(k: string, expiresAtMs: number): void {
    this.queue.addAfter(k, Math.min(expiresAtMs - this.now(), MAX_WAIT_MS));
  }

  /** A deleted workflow leaves the retention count. */
  forget(wf: Workflow): void {
    const k = cacheKey(...nameOf(wf));
    for (const members of this.retained.values()) members.delete(k);
    this.evicted.delete(k);
  }

  private retain(wf: Workflow, k: string, policy: RetentionPolicy): void {
    const phase = wf.metadata.labels?.[LABEL_PHASE] as RetainedPhase | undefined;
    const members = phase && this.retained.get(phase);
    if (!members) return;
    members.set(k, Date.parse(wf.metadata.creationTimestamp ?? '') || 0);
    const keep =
      phase === 'Succeeded' ? policy.completed : phase === 'Failed' ? policy.failed : policy.errored;
    if (members.size <= keep) return;
    // The oldest created go first, as upstream's heap orders them.
    const oldest = [...members].sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]));
    for (const [victim] of oldest.slice(0, members.size - keep)) {
      members.delete(victim);
      this.evicted.add(victim);
      this.opts.log(`queueing workflow ${victim} for delete due to max retention (${phase}: ${keep})`);
      this.queue.add(victim);
    }
  }

  private async work(k: string): Promise<void> {
    const [ns, name] = splitKey(k);
    const wf = this.opts.latest(ns, name);
    const evicted = this.evicted.has(k);
    // Gone already, or retried (running again) or Pending archiving since it was queued: left alone.
    if (!wf || !gcEligible(wf)) return;
    if (!evicted) {
      const expires = expiresAtMs(wf, this.opts.settings().defaultTTL);
      if (expires === undefined) return;
      if (expires > this.now()) {
        this.waitFor(k, expires);
        return;
      }
    }
    this.opts.log(`deleting garbage collected workflow ${k}`);
    try {
      await this.opts.deleteWorkflow(ns, name);
    } catch (err) {
      if (!(err instanceof StoreError && err.code === 404)) {
        this.queue.addRateLimited(k);
        throw err;
      }
    }
    this.evicted.delete(k);
    this.queue.forget(k);
  }

  /** Whether a deletion is queued or under way (a workflow waiting out its TTL does not count). */
  get busy(): boolean {
    return !this.queue.isIdle;
  }

  async stop(): Promise<void> {
    await this.queue.shutDown();
    await this.workers;
  }
}

/** A cache key back into namespace and name (keys always hold the slash; names never do). */
function splitKey(k: string): [string, string] {
  const i = k.indexOf('/');
  return [k.slice(0, i), k.slice(i + 1)];
}
