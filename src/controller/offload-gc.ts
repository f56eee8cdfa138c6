// Superseded node-status offload versions, deleted as upstream's periodic workflow GC deletes them:
// every period (WORKFLOW_GC_PERIOD, 5 minutes by default), versions older than the offload TTL
// that are not the one their live workflow points at go. The live versions are read from the
// controller's cache, whose copies keep the version they were stored with; a row written for a
// write still under way is younger than the TTL, so it is never taken for superseded.
import { DatabaseUnreachableError } from '../persist/database-reachability.js';
import type { Workflow } from '../model/workflow.js';
import type { NodeOffloadStore } from '../persist/node-offload.js';

export interface OffloadCollectorOptions {
  offload: NodeOffloadStore;
  periodMs: number;
  /** The managed namespace; '' means all. */
  namespace: string;
  liveWorkflows: () => Iterable<Workflow>;
  log: (msg: string) => void;
}

export class OffloadCollector {
  private readonly timer: NodeJS.Timeout;
  private run?: Promise<void>;

  constructor(private readonly opts: OffloadCollectorOptions) {
    this.timer = setInterval(() => {
      this.run ??= this.collect().finally(() => (this.run = undefined));
    }, opts.periodMs);
    this.timer.unref();
  }

  /** One collection; failures are logged and left for the next period. */
  async collect(): Promise<void> {
    const live = new Map<string, string>();
    for (const wf of this.opts.liveWorkflows()) {
      const version = wf.status?.offloadNodeStatusVersion;
      if (version && wf.metadata.uid) live.set(wf.metadata.uid, version);
    }
    try {
      const n = await this.opts.offload.collectGarbage((uid) => live.get(uid), this.opts.namespace);
      if (n > 0) this.opts.log(`deleted ${n} superseded offloaded node status version(s)`);
    } catch (err) {
      if (err instanceof DatabaseUnreachableError) return;
      this.opts.log(
        `deleting old offloaded node status failed, trying again later: ${(err as Error).message}`,
      );
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.run;
  }
}
