// The cron controller: keeps caches of CronWorkflows and of the workflows they created, arms one
// timer per CronWorkflow for its next scheduled time, and runs a CronOperation when the timer
// fires, when the CronWorkflow changes (catching up a missed run) and when one of its workflows
// changes or the periodic sync comes round (history limits, active list, counts). Like the workflow
// controller, it knows only the store, through informers (which re-list after a watch expires and
// resync every CronWorkflow periodically), and works through the same rate-limited work queue: a
// CronWorkflow's key is never handed to two workers at once, and the jobs asked of it run in the
// order they were asked.
import { instanceIdSelector } from '../instance-id.js';
import type { CronWorkflow, Workflow } from '../../model/workflow.js';
import type { ResourceStore } from '../../store/types.js';
import { StoreError } from '../../store/types.js';
import {
  cacheKey as key,
  Informer,
  runWorkers,
  WorkQueue,
  type InformerCache,
} from '../../store/informer/index.js';
import { LABEL_CRON_COMPLETED, LABEL_CRON_WORKFLOW } from './child-workflow.js';
import { systemClock, type Clock } from './clock.js';
import { CronOperation, type CronEnvironment } from './operation.js';
import { parseSchedule, schedulesWithTimezone } from './schedule.js';

export interface CronControllerOptions {
  store: ResourceStore;
  /** Namespace to manage; '' or undefined manages all. */
  namespace?: string;
  clock?: Clock;
  /** Zone of schedules without a `timezone` (an IANA name); undefined: this process's zone. */
  timeZone?: string;
  log?: (msg: string) => void;
  /** How often every CronWorkflow is synced with its workflows; Argo's CRON_SYNC_PERIOD, 10s by default. */
  syncPeriodMs?: number;
  /**
   * How often every CronWorkflow is looked at again as if it had changed (Argo's informer resync,
   * 20 minutes): one whose spec could not be validated (a template it uses was missing) is retried.
   */
  resyncPeriodMs?: number;
  /** Removes a workflow the history limit drops; by default the workflow, its pods and task results. */
  deleteWorkflow?: (namespace: string, name: string) => Promise<void>;
  /** As the workflow controller's (ControllerOptions.instanceId): which CronWorkflows are ours. */
  instanceId?: string;
  /** CronWorkflows worked on at once (`--cron-workflow-workers`); default 8, as upstream. */
  workers?: number;
}

/** Upstream's default for `--cron-workflow-workers`. */
export const DEFAULT_CRON_WORKFLOW_WORKERS = 8;

/** CRON_SYNC_PERIOD as a Go duration (e.g. `10s`, `1m`), in milliseconds; undefined when unset or bad. */
export function cronSyncPeriodFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(env.CRON_SYNC_PERIOD ?? '');
  if (!m) return undefined;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
  return Number(m[1]) * unit;
}

export class CronController {
  private readonly cronInformer: Informer<CronWorkflow>;
  private readonly workflowInformer: Informer<Workflow>;
  private readonly crons: InformerCache<CronWorkflow>;
  private readonly workflows: InformerCache<Workflow>;
  private readonly timers = new Map<string, { at: Date; cancel: () => void }>();
  private readonly queue: WorkQueue;
  /** Per CronWorkflow, the jobs asked of it and not yet run, in the order asked. */
  private readonly jobs = new Map<string, (() => Promise<void>)[]>();
  private workers: Promise<void> | undefined;
  private readonly syncRequested = new Set<string>();
  /** The missed run last caught up per CronWorkflow, so each is tried once. */
  private readonly caughtUp = new Map<string, number>();
  private cancelSyncTimer?: () => void;
  private stopped = false;
  private readonly store: ResourceStore;
  private readonly clock: Clock;
  private readonly log: (msg: string) => void;
  private readonly env: CronEnvironment;

  constructor(private readonly opts: CronControllerOptions) {
    this.store = opts.store;
    this.clock = opts.clock ?? systemClock;
    this.log = opts.log ?? (() => undefined);
    this.env = {
      store: this.store,
      clock: this.clock,
      timeZone: opts.timeZone,
      log: this.log,
      deleteWorkflow: opts.deleteWorkflow ?? ((ns, name) => deleteWorkflowAndPods(this.store, ns, name)),
    };
    const namespace = opts.namespace || undefined;
    const instance = opts.instanceId === undefined ? undefined : instanceIdSelector(opts.instanceId);
    this.workflowInformer = new Informer<Workflow>({
      store: this.store,
      kind: 'Workflow',
      namespace,
      labelSelector: [LABEL_CRON_WORKFLOW, instance].filter(Boolean).join(','),
      timers: this.clock,
      log: this.log,
    });
    // The resync looks at every CronWorkflow again as if it had changed: one whose spec could
    // not be validated (a template it uses was missing) is retried.
    this.cronInformer = new Informer<CronWorkflow>({
      store: this.store,
      kind: 'CronWorkflow',
      namespace,
      labelSelector: instance,
      resyncPeriodMs: opts.resyncPeriodMs ?? 20 * 60_000,
      timers: this.clock,
      log: this.log,
    });
    this.workflows = this.workflowInformer.cache;
    this.crons = this.cronInformer.cache;
    this.queue = new WorkQueue({ timers: this.clock });
  }

  async start(): Promise<void> {
    const workflowChanged = (wf: Workflow): void => {
      const cron = wf.metadata.labels?.[LABEL_CRON_WORKFLOW];
      if (cron) this.requestSync(key(wf.metadata.namespace, cron));
    };
    this.workflowInformer.addHandler({
      onAdd: workflowChanged,
      onUpdate: (_old, wf) => workflowChanged(wf),
      onDelete: workflowChanged,
    });
    const cronChanged = (cron: CronWorkflow): void => {
      const k = key(cron.metadata.namespace, cron.metadata.name);
      this.enqueue(k, () => this.process(k));
    };
    this.cronInformer.addHandler({
      onAdd: cronChanged,
      onUpdate: (_old, cron) => cronChanged(cron),
      onDelete: (cron) => {
        const k = key(cron.metadata.namespace, cron.metadata.name);
        this.cancelTimer(k);
        this.caughtUp.delete(k);
      },
    });
    this.workers = runWorkers(
      this.queue,
      this.opts.workers ?? DEFAULT_CRON_WORKFLOW_WORKERS,
      (k) => this.runJobs(k),
      () => undefined,
    );
    await this.workflowInformer.start();
    await this.cronInformer.start();
    this.armSyncAll();
  }

  /** Asks for `fn` to run after everything already asked of the same CronWorkflow. */
  private enqueue(k: string, fn: () => Promise<void>): void {
    if (this.stopped) return;
    const pending = this.jobs.get(k);
    if (pending) pending.push(fn);
    else this.jobs.set(k, [fn]);
    this.queue.add(k);
  }

  /**
   * A worker's turn at a CronWorkflow: runs its jobs in order, those asked meanwhile included (the
   * queue hands the key to no one else until this returns). A failed job is logged, as a failed
   * sync is upstream, and the next still runs: each reads the CronWorkflow afresh.
   */
  private async runJobs(k: string): Promise<void> {
    for (let fn = this.nextJob(k); fn && !this.stopped; fn = this.nextJob(k)) {
      try {
        await fn();
      } catch (err) {
        this.log(`cron ${k}: ${(err as Error).stack ?? String(err)}`);
      }
    }
  }

  private nextJob(k: string): (() => Promise<void>) | undefined {
    const pending = this.jobs.get(k);
    const fn = pending?.shift();
    if (pending?.length === 0) this.jobs.delete(k);
    return fn;
  }

  private requestSync(k: string): void {
    if (this.syncRequested.has(k)) return;
    this.syncRequested.add(k);
    this.enqueue(k, async () => {
      this.syncRequested.delete(k);
      await this.syncOne(k);
    });
  }

  private armSyncAll(): void {
    const period = this.opts.syncPeriodMs ?? cronSyncPeriodFromEnv() ?? 10_000;
    const at = new Date(this.clock.now().getTime() + period);
    this.cancelSyncTimer = this.clock.setTimer(at, () => {
      if (this.stopped) return;
      for (const k of this.crons.keys()) this.requestSync(k);
      this.armSyncAll();
    });
  }

  /** A CronWorkflow was added or changed: check it, catch up a missed run, and (re)arm its timer. */
  private async process(k: string): Promise<void> {
    const cron = this.crons.get(k);
    if (!cron || cron.metadata.labels?.[LABEL_CRON_COMPLETED] === 'true') {
      this.cancelTimer(k);
      return;
    }
    const op = new CronOperation(cron, this.env);
    // As Argo's does, a spec found valid here clears its SpecError with the next run, not now: the
    // condition may come from the stop expression, which only a run evaluates.
    if (!(await op.validate())) {
      await op.save();
      this.cancelTimer(k);
      return;
    }
    let missed: Date | undefined;
    try {
      missed = op.missedRun();
    } catch (err) {
      this.log(`cron ${k}: could not run outstanding Workflow: ${(err as Error).message}`);
      return;
    }
    if (missed && this.caughtUp.get(k) !== missed.getTime()) {
      this.caughtUp.set(k, missed.getTime());
      await op.run(missed);
    }
    this.arm(k);
  }

  /** Arms the timer for the next time any schedule of the CronWorkflow fires. */
  private arm(k: string): void {
    // A timer that is due but has not fired yet keeps its time: re-arming from now would skip that run.
    const due = this.timers.get(k)?.at;
    const now = this.clock.now();
    const from = due && due <= now ? new Date(due.getTime() - 1000) : now;
    this.cancelTimer(k);
    const cron = this.crons.get(k);
    if (!cron || cron.spec.suspend || cron.metadata.labels?.[LABEL_CRON_COMPLETED] === 'true') return;
    let next: Date | undefined;
    for (const s of schedulesWithTimezone(cron.spec)) {
      let at: Date | undefined;
      try {
        at = parseSchedule(s, this.opts.timeZone).next(from);
      } catch (err) {
        this.log(`cron ${k}: could not schedule: ${(err as Error).message}`);
        return;
      }
      if (at && (!next || at < next)) next = at;
    }
    if (!next) return;
    const at = next;
    const cancel = this.clock.setTimer(at, () => {
      if (this.timers.get(k)?.at === at) this.timers.delete(k);
      this.enqueue(k, () => this.fire(k, at));
    });
    this.timers.set(k, { at, cancel });
  }

  private async fire(k: string, at: Date): Promise<void> {
    const cron = this.crons.get(k);
    if (!cron || cron.metadata.labels?.[LABEL_CRON_COMPLETED] === 'true') return;
    await new CronOperation(cron, this.env).run(at);
    this.arm(k);
  }

  private async syncOne(k: string): Promise<void> {
    const cron = this.crons.get(k);
    if (!cron) return;
    const owned = [...this.workflows.values()].filter((wf) =>
      wf.metadata.ownerReferences?.some(
        (o) => o.controller && o.kind === 'CronWorkflow' && o.uid === cron.metadata.uid,
      ),
    );
    await new CronOperation(cron, this.env).sync(owned);
  }

  private cancelTimer(k: string): void {
    this.timers.get(k)?.cancel();
    this.timers.delete(k);
  }

  /** CronWorkflows with a timer armed for their next run. */
  scheduledCount(): number {
    return this.timers.size;
  }

  /** CronWorkflows that may still run: neither suspended nor stopped (even if invalid for now). */
  activeCronCount(): number {
    let n = 0;
    for (const c of this.crons.values())
      if (!c.spec.suspend && c.metadata.labels?.[LABEL_CRON_COMPLETED] !== 'true') n++;
    return n;
  }

  /** The time the timer of a CronWorkflow is armed for, if any. */
  nextRunOf(namespace: string, name: string): Date | undefined {
    return this.timers.get(key(namespace, name))?.at;
  }

  /** Resolves once no work is queued for any CronWorkflow. */
  async idle(): Promise<void> {
    await this.queue.idle();
  }

  /** Stops watching and scheduling; the job being run finishes, those not started are dropped. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.workflowInformer.stop();
    this.cronInformer.stop();
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
    this.cancelSyncTimer?.();
    this.jobs.clear();
    await this.queue.shutDown();
    await this.workers;
  }
}

/** The default for removing a workflow: the workflow, then its pods and task results, as Kubernetes would collect them. */
export async function deleteWorkflowAndPods(
  store: ResourceStore,
  namespace: string,
  name: string,
): Promise<void> {
  await store.delete('Workflow', namespace, name);
  const selector = `workflows.argoproj.io/workflow=${name}`;
  for (const kind of ['Pod', 'WorkflowTaskResult'] as const) {
    const { items } = await store.list(kind, { namespace, labelSelector: selector });
    for (const obj of items) {
      await store.delete(kind, namespace, obj.metadata.name ?? '').catch((err: unknown) => {
        if (!(err instanceof StoreError && err.code === 404)) throw err;
      });
    }
  }
}
