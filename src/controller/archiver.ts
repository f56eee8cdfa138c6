// Archiving completed workflows, as Argo's controller does: a workflow that completes is labelled
// workflow-archiving-status=Pending in the same update that completes it; the archiver then
// writes it to the archive and relabels it Archived. A failed write is logged in one line and
// tried again later, so a database that is down (or lost mid-run) holds up nothing else and
// loses nothing: the Pending label is the to-do list, and survives a restart.
// `persistence.archiveLabelSelector` limits which workflows are archived (the others are never
// marked), and `persistence.archiveTTL` has archived records older than it deleted periodically.
import { DatabaseUnreachableError } from '../persist/database-reachability.js';
import type { Workflow } from '../model/workflow.js';
import type { ResourceStore } from '../store/types.js';
import { matchesLabels, type LabelRequirement } from '../store/selectors.js';
import { StoreError } from '../store/types.js';
import { LABEL_ARCHIVING_STATUS } from '../workflow/lifecycle/retry.js';
import { LABEL_COMPLETED } from './operator.js';

export const ARCHIVING_PENDING = 'Pending';
export const ARCHIVING_DONE = 'Archived';

/** Where completed workflows go: the archive's write side. */
export interface ArchiveWriter {
  archiveWorkflow(wf: Workflow): Promise<void>;
  /** Deletes records that finished more than `ttlSeconds` ago; returns how many. */
  deleteExpired?(ttlSeconds: number): Promise<number>;
}

/** How often expired records are deleted: upstream's ARCHIVED_WORKFLOW_GC_PERIOD, a day by default. */
export const DEFAULT_ARCHIVE_GC_PERIOD_MS = 24 * 3600_000;

const key = (wf: Workflow): string => `${wf.metadata.namespace ?? ''}/${wf.metadata.name ?? ''}`;

/** Labels a just-completed workflow Pending archiving (once; an archived one stays Archived). */
export function markPendingArchive(wf: Workflow): void {
  const labels = (wf.metadata.labels ??= {});
  if (labels[LABEL_COMPLETED] === 'true' && !labels[LABEL_ARCHIVING_STATUS])
    labels[LABEL_ARCHIVING_STATUS] = ARCHIVING_PENDING;
}

function pending(wf: Workflow): boolean {
  const labels = wf.metadata.labels ?? {};
  return labels[LABEL_COMPLETED] === 'true' && labels[LABEL_ARCHIVING_STATUS] === ARCHIVING_PENDING;
}

export interface ArchiverOptions {
  store: ResourceStore;
  archive: ArchiveWriter;
  log: (msg: string) => void;
  /** Milliseconds before the first retry of a failed write; doubles up to a minute. */
  retryMs?: number;
  /** The controller's current copy of a workflow, so a retry archives what is there now. */
  latest?: (namespace: string, name: string) => Workflow | undefined;
  /** Puts back nodes stored elsewhere (node-status offload), so the archive keeps the whole workflow. */
  hydrate?: (wf: Workflow) => Promise<Workflow>;
  /** Only workflows these labels select are archived (`archiveLabelSelector`); all when absent. */
  selector?: readonly LabelRequirement[];
  /** Records are deleted this long after they finished (`archiveTTL`); never when absent or 0. */
  ttlSeconds?: number;
  /** How often expired records are looked for. */
  gcPeriodMs?: number;
}

export class Archiver {
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** The last retry delay of a workflow whose writes keep failing. */
  private readonly delays = new Map<string, number>();
  private stopped = false;

  private gcTimer?: NodeJS.Timeout;
  private gcRun?: Promise<void>;

  constructor(private readonly opts: ArchiverOptions) {
    const ttl = opts.ttlSeconds ?? 0;
    if (ttl > 0 && opts.archive.deleteExpired) {
      const collect = (): void => {
        this.gcRun ??= this.collectExpired(ttl).finally(() => (this.gcRun = undefined));
      };
      collect();
      this.gcTimer = setInterval(collect, opts.gcPeriodMs ?? DEFAULT_ARCHIVE_GC_PERIOD_MS);
      this.gcTimer.unref();
    }
  }

  /** Labels a just-completed workflow Pending archiving when the selector (if any) selects it. */
  markPending(wf: Workflow): void {
    if (this.opts.selector && !matchesLabels(this.opts.selector, wf.metadata.labels)) return;
    markPendingArchive(wf);
  }

  private async collectExpired(ttlSeconds: number): Promise<void> {
    try {
      const n = await this.opts.archive.deleteExpired!(ttlSeconds);
      if (n > 0)
        this.opts.log(`deleted ${n} archived workflow(s) older than the archive TTL (${ttlSeconds}s)`);
    } catch (err) {
      if (err instanceof DatabaseUnreachableError) return;
      this.opts.log(
        `deleting expired archived workflows failed, trying again later: ${(err as Error).message}`,
      );
    }
  }

  /** Archives the workflow if it is completed and Pending; anything else is ignored. */
  offer(wf: Workflow): void {
    const k = key(wf);
    if (this.stopped || !pending(wf) || this.inFlight.has(k) || this.timers.has(k)) return;
    const write = this.archive(wf).finally(() => this.inFlight.delete(k));
    this.inFlight.set(k, write);
  }

  /** Whether the workflow still has to be archived (or is being archived now). */
  static isPending(wf: Workflow): boolean {
    return pending(wf);
  }

  private async archive(wf: Workflow): Promise<void> {
    const k = key(wf);
    try {
      await this.opts.archive.archiveWorkflow(this.opts.hydrate ? await this.opts.hydrate(wf) : wf);
      await this.opts.store
        .patch('Workflow', wf.metadata.namespace ?? '', wf.metadata.name ?? '', {
          metadata: { labels: { [LABEL_ARCHIVING_STATUS]: ARCHIVING_DONE } },
        })
        .catch((err: unknown) => {
          // Archived, then deleted meanwhile: nothing left to relabel.
          if (!(err instanceof StoreError && err.code === 404)) throw err;
        });
      this.delays.delete(k);
    } catch (err) {
      const delay = Math.min((this.delays.get(k) ?? 0) * 2 || (this.opts.retryMs ?? 1000), 60_000);
      this.delays.set(k, delay);
      // A database that cannot be reached is logged once by the writer, not per workflow per retry.
      if (!(err instanceof DatabaseUnreachableError))
        this.opts.log(
          `archiving workflow ${k} failed, retrying in ${delay / 1000}s: ${(err as Error).message}`,
        );
      if (this.stopped) return;
      const timer = setTimeout(() => {
        this.timers.delete(k);
        this.offer(this.opts.latest?.(wf.metadata.namespace ?? '', wf.metadata.name ?? '') ?? wf);
      }, delay);
      timer.unref();
      this.timers.set(k, timer);
    }
  }

  /** Stops retrying; resolves once the writes under way have ended, so none is cut off halfway. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.gcTimer) clearInterval(this.gcTimer);
    await this.gcRun;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    await Promise.all(this.inFlight.values());
  }
}
