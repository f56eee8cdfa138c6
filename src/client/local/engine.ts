// The embedded engine on this machine: the workflow controller and the host runtime over the
// local store. One engine runs at a time per ARGO_HOME, arbitrated by a Lease in the store: the CLI
// runs it in-process while it waits on a workflow, otherwise a detached `argo workflow-controller`
// does, and exits once nothing is left to run. Only commands that run workflows load this module:
// it brings in the controller and the host runtime, which a read has no use for.
import { WorkflowController } from '../../controller/controller.js';
import { CronController, deleteWorkflowAndPods } from '../../controller/cron/index.js';
import type { Workflow } from '../../model/workflow.js';
import { HostRuntime } from '../../executor/host/runtime.js';
import { LeaderElector } from '../../store/lease.js';
import { StoreError, type ResourceStore } from '../../store/types.js';
import { LocalResourceApi } from './resource-api.js';
import { removeWorkflowLeftovers } from './workflow-leftovers.js';
import { CONTROLLER_LEASE, localHolderIdentity } from './controller-lease.js';
import type { WorkflowHydrator } from '../../persist/hydrator.js';
import {
  openControllerArchive,
  openConfiguredSyncDatabase,
  type ControllerArchive,
  type OpenedSyncDatabase,
} from '../../persist/configured.js';

export { CONTROLLER_LEASE };
const LEASE_SECONDS = 6;

/** Runs the controller and the host runtime for as long as this process holds the lease. */
export class Engine {
  private controller?: WorkflowController;
  private cron?: CronController;
  private runtime?: HostRuntime;
  private archive?: ControllerArchive;
  private syncDatabase?: OpenedSyncDatabase;
  private resourceApi?: LocalResourceApi;
  private readonly elector: LeaderElector;
  private leading?: Promise<void>;
  private resolveLeading?: () => void;
  /**
   * Starting and stopping the pieces, one after the other: the elector's callbacks return at once,
   * so without this a stop could run while a start is half done and return before it (the caller
   * then closes the store, and the start's remaining steps run on a closed store).
   */
  private transitions: Promise<void> = Promise.resolve();
  private stopping = false;
  /** True while onStartedLeading runs: a stop then waits for it (and says so). */
  private starting = false;

  private readonly log: (msg: string) => void;

  constructor(
    private readonly store: ResourceStore,
    private readonly home: string,
    /** The engine's log (the detached controller's); without one (the CLI's engine) it says nothing but the below. */
    log?: (msg: string) => void,
    /**
     * On stop, leave running containers to the next engine (which adopts them) instead of killing
     * them: for an engine that hands its work over (the CLI's, the detached controller). Off, a
     * stop leaves nothing running (the server, tests).
     */
    private readonly handsOver = false,
    /** Workflows the controller operates on at once (`--workflow-workers`); the controller's default when unset. */
    private readonly workflowWorkers?: number,
    /** Pods pod GC deletes at once (`--pod-cleanup-workers`); the controller's default when unset. */
    private readonly podCleanupWorkers?: number,
    /** CronWorkflows worked on at once (`--cron-workflow-workers`); the cron controller's default when unset. */
    private readonly cronWorkflowWorkers?: number,
    /** Workflows deleted at once by TTL and retention (`--workflow-ttl-workers`); the controller's default when unset. */
    private readonly workflowTTLWorkers?: number,
  ) {
    this.log = log ?? (() => undefined);
    this.elector = new LeaderElector(store, {
      name: CONTROLLER_LEASE,
      holder: localHolderIdentity(),
      durationSeconds: LEASE_SECONDS,
      onError: (err) => {
        if (log) log(`lease: ${err.message}`);
        // The store refusing the lease (a full disk: the engine lets its work go until it can
        // write again) is told on stderr without a log, in one line, as the host runtime's errors
        // are; a busy store (503) is contention, which the next renew outlasts.
        else if (err instanceof StoreError && err.code === 500)
          console.error(`controller lease: ${err.message}`);
      },
    });
  }

  get isLeader(): boolean {
    return this.elector.isLeader;
  }

  /** Contends for the lease; the returned promise resolves once this engine leads. */
  start(): Promise<void> {
    if (this.leading) return this.leading;
    this.leading = new Promise((resolve) => (this.resolveLeading = resolve));
    this.elector.start(
      () => void this.queue(() => this.lead()),
      () => void this.queue(() => this.onStoppedLeading()),
    );
    return this.leading;
  }

  /** Runs `step` after the transitions before it; one that fails does not hold up those after it. */
  private queue(step: () => Promise<void>): Promise<void> {
    this.transitions = this.transitions.then(step).catch((err: Error) => {
      // While stopping it is logged: the engine is going away. Otherwise it surfaces as an
      // uncaught error, as a failed start always has: an engine that cannot start must not be quiet.
      if (this.stopping) this.log(err.message);
      else
        queueMicrotask(() => {
          throw err;
        });
    });
    return this.transitions;
  }

  /** False once the engine stops or the lease is lost: a start under way builds nothing more. */
  private get stillLeading(): boolean {
    return !this.stopping && this.elector.isLeader;
  }

  private async lead(): Promise<void> {
    this.starting = true;
    try {
      await this.onStartedLeading();
    } finally {
      this.starting = false;
    }
  }

  private async onStartedLeading(): Promise<void> {
    // Each piece is started before it is checked, so what was built is whole for the stop after.
    if (!this.stillLeading) return;
    this.runtime = new HostRuntime(this.store, { home: this.home, detachOnStop: this.handsOver });
    await this.runtime.start();
    if (!this.stillLeading) return;
    const config = { store: this.store, namespace: process.env.ARGO_NAMESPACE || 'argo', home: this.home };
    // Without its archive the engine still runs workflows; they stay Pending archiving until it opens.
    const archive = await openControllerArchive(config, this.log);
    this.archive = archive;
    // Without it, `database:` locks fail the workflows that ask for them, with this reason.
    this.syncDatabase = await openConfiguredSyncDatabase(config, { log: this.log }).catch((err: Error) => {
      this.log(err.message);
      return undefined;
    });
    if (!this.stillLeading) return;
    this.controller = new WorkflowController({
      store: this.store,
      log: this.log,
      home: this.home,
      workflowWorkers: this.workflowWorkers,
      podCleanupWorkers: this.podCleanupWorkers,
      workflowTTLWorkers: this.workflowTTLWorkers,
      deleteWorkflow: (ns, name) =>
        deleteLocalWorkflow(this.store, this.home, ns, name, archive?.opened?.hydrator),
      archive: archive?.writer,
      archivePolicy: archive?.policy,
      hydrator: archive?.hydrator,
      offloadGC: archive?.offloadGC,
      syncDatabase: this.syncDatabase,
      resourceApi: (this.resourceApi = new LocalResourceApi(this.store)).client,
    });
    await this.controller.start();
    if (!this.stillLeading) return;
    this.cron = new CronController({
      store: this.store,
      log: this.log,
      workers: this.cronWorkflowWorkers,
      deleteWorkflow: (ns, name) => deleteLocalWorkflow(this.store, this.home, ns, name, archive?.hydrator),
    });
    await this.cron.start();
    this.resolveLeading?.();
  }

  private async onStoppedLeading(): Promise<void> {
    await this.cron?.stop();
    this.cron = undefined;
    await this.controller?.stop();
    await this.runtime?.stop();
    await this.resourceApi?.close();
    this.resourceApi = undefined;
    this.controller = undefined;
    this.runtime = undefined;
    await this.archive?.close();
    this.archive = undefined;
    await this.syncDatabase?.db.close();
    this.syncDatabase = undefined;
  }

  /** Workflows not yet completed that this engine knows of. */
  activeWorkflowCount(): number {
    return this.controller?.activeWorkflowCount() ?? 0;
  }

  /** CronWorkflows that may still run (neither suspended nor stopped), which need this engine up. */
  scheduledCronCount(): number {
    return this.cron?.activeCronCount() ?? 0;
  }

  /** Stops contending and stops what runs; once it resolves, this engine touches the store no more. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.elector.stop();
    if (this.starting) this.log('stopping: waiting for the start under way to finish');
    // After a start under way: it sees `stopping` and builds no further, and this tears down what it built.
    await this.queue(() => this.onStoppedLeading());
  }
}

/** Removes a workflow the cron history limit or workflow GC drops, with its pods and what the local engine kept for it. */
async function deleteLocalWorkflow(
  store: ResourceStore,
  home: string,
  ns: string,
  name: string,
  hydrator?: WorkflowHydrator,
): Promise<void> {
  const stored = await store.get<Workflow>('Workflow', ns, name);
  // Its pods are named in its nodes: offloaded ones are read back first (a failure leaves what is there).
  const wf = stored && hydrator ? await hydrator.hydrate(stored).catch(() => stored) : stored;
  await deleteWorkflowAndPods(store, ns, name);
  if (wf) await removeWorkflowLeftovers(home, wf);
}
