// The local backend's side of the store client: on this machine the CLI itself starts the
// embedded engine, removes what a deleted workflow owned (there is no garbage collector), and reads
// logs and artifacts from the folders the host runtime and the embedded repository keep.
// Each of those pieces is imported by the method that uses it: `argo list` and `argo get` come
// through here too, and must not pay for loading the controller and the host runtime.
import path from 'node:path';
import type { ArtifactReadRequest } from '../../artifacts/reader.js';
import type { Pod } from '../../model/pod.js';
import type { CronWorkflow, Workflow } from '../../model/workflow.js';
import type { ResourceStore } from '../../store/types.js';
import type { ClientHost, LogLine, PodLogReadOptions } from '../store/host.js';
import { controllerRunning, spawnDetachedController } from './controller-process.js';
import type { Engine } from './engine.js';
import type { ConfiguredArchive } from '../../persist/configured.js';
import type { WorkflowHydrator } from '../../persist/hydrator.js';
import type { WorkflowArchive } from '../../persist/archive-api.js';
import type { SyncDatabase } from '../../persist/sync-database.js';

export type EngineMode = 'in-process' | 'detached' | 'none';

export interface LocalHostOptions {
  store: ResourceStore;
  home: string;
  /** How to make sure submitted workflows run: in this process while it waits, or a detached controller. */
  engine: EngineMode;
  log?: (msg: string) => void;
  /**
   * The archive and offload table to read, opened by the caller (`argo server`, whose archive
   * connects again when its database was down); unset, they are opened here on first use.
   */
  persistence?: { archive: WorkflowArchive; hydrator: WorkflowHydrator };
}

export class LocalHost implements ClientHost {
  readonly backend = 'local' as const;
  private readonly store: ResourceStore;
  private readonly home: string;
  private engine?: Engine;
  private openedArchive?: Promise<ConfiguredArchive>;
  private openedSync?: Promise<SyncDatabase>;
  /** Set by close: the store closes next, so an engine start still loading its module must not begin. */
  private closed = false;

  constructor(private readonly opts: LocalHostOptions) {
    this.store = opts.store;
    this.home = opts.home;
  }

  async ensureController(): Promise<void> {
    if (this.opts.engine === 'none' || this.engine) return;
    if (this.opts.engine === 'in-process') {
      const { Engine } = await import('./engine.js');
      // Another call started it while this one loaded the module, or the client closed meanwhile
      // (a signal): an engine started now would run on the closed store.
      if (this.engine || this.closed) return;
      // Closed while work runs, it hands the running containers to the detached controller.
      this.engine = new Engine(this.store, this.home, this.opts.log, true);
      // If another controller leads, ours waits in the wings and takes over only if that one dies.
      void this.engine.start();
      return;
    }
    if (!(await controllerRunning(this.store))) spawnDetachedController(this.home);
  }

  async collectWorkflow(deleted: Workflow): Promise<void> {
    const ns = deleted.metadata.namespace ?? '';
    const name = deleted.metadata.name ?? '';
    // Held by a finalizer (artifact GC): a controller must run to let it go.
    if ((await this.store.get('Workflow', ns, name)) && !(await controllerRunning(this.store)))
      spawnDetachedController(this.home);
    const owned = { namespace: ns, labelSelector: `workflows.argoproj.io/workflow=${name}` };
    const pods = await this.store.list<Pod>('Pod', owned);
    for (const pod of pods.items) await this.deletePod(ns, pod.metadata.name ?? '');
    const results = await this.store.list('WorkflowTaskResult', owned);
    for (const r of results.items)
      await this.store.delete('WorkflowTaskResult', ns, r.metadata.name ?? '').catch(() => undefined);
    // The claims it made for its volumeClaimTemplates are owned by it too, with their folders.
    const claims = await this.store.list('PersistentVolumeClaim', owned);
    const { claimFolder } = await import('../../executor/host/volumes.js');
    // Loaded here, as deletes need it: reads do not, and fs/promises brings readline with it.
    const { rm } = await import('node:fs/promises');
    for (const c of claims.items) {
      const claim = c.metadata.name ?? '';
      await this.store.delete('PersistentVolumeClaim', ns, claim).catch(() => undefined);
      await rm(claimFolder(this.home, ns, claim), { recursive: true, force: true });
    }
    // What its resource steps made it the owner of, as Kubernetes' garbage collector would delete.
    const { deleteOwnedObjects } = await import('./owned-objects.js');
    await deleteOwnedObjects(this.store, deleted, (child) => this.collectWorkflow(child));
    // Loaded here: it reads the artifact GC strategy from the controller's code, which reads skip.
    const { removeWorkflowLeftovers } = await import('./workflow-leftovers.js');
    const { isHydrated } = await import('../../persist/hydrator.js');
    // Its pods are named in its nodes: offloaded ones are read back first (a failure leaves what is there).
    const whole = isHydrated(deleted)
      ? deleted
      : await this.hydrator()
          .then((h) => h.hydrate(deleted))
          .catch(() => deleted);
    await removeWorkflowLeftovers(this.home, whole);
  }

  async collectCronWorkflow(ns: string, cron: CronWorkflow): Promise<void> {
    const { items } = await this.store.list<Workflow>('Workflow', {
      namespace: ns,
      labelSelector: `workflows.argoproj.io/cron-workflow=${cron.metadata.name ?? ''}`,
    });
    for (const wf of items) {
      const owned = wf.metadata.ownerReferences?.some(
        (o) => o.kind === 'CronWorkflow' && o.uid === cron.metadata.uid,
      );
      if (!owned) continue;
      try {
        await this.store.delete('Workflow', ns, wf.metadata.name ?? '');
        await this.collectWorkflow(wf);
      } catch {
        // Gone already, or its leftovers go with the next delete: the cron workflow is deleted either way.
      }
    }
  }

  /** Deletes a pod with the log and working folders the host runtime kept for it. */
  async deletePod(ns: string, podName: string): Promise<void> {
    await this.store.delete('Pod', ns, podName).catch(() => undefined);
    const { rm } = await import('node:fs/promises');
    for (const folder of ['logs', 'pods'])
      await rm(path.join(this.home, folder, ns, podName), { recursive: true, force: true });
  }

  async *podLogs(
    ns: string,
    podName: string,
    container: string,
    opts: PodLogReadOptions,
  ): AsyncIterable<LogLine> {
    // A host process runs once: there is no previous run to read.
    const { previous: _previous, ...read } = opts;
    const { readPodLogs } = await import('../../executor/logs.js');
    yield* readPodLogs(this.home, ns, podName, container, read);
  }

  async openArtifact(req: ArtifactReadRequest) {
    const { storeSecrets, WorkflowArtifactReader } = await import('../../artifacts/reader.js');
    return new WorkflowArtifactReader({ home: this.home, secret: storeSecrets(this.store) }).open(req);
  }

  /** The archive the local engine writes completed workflows to (its configuration's, else $ARGO_HOME/archive.db). */
  archive(): Promise<WorkflowArchive> {
    const given = this.opts.persistence;
    return given ? Promise.resolve(given.archive) : this.persistence().then((p) => p.archive);
  }

  /** The archive, unless it is the home's archive.db and nothing was ever archived there (no file). */
  async archiveToList(): Promise<WorkflowArchive | undefined> {
    if (!this.openedArchive && !this.opts.persistence) {
      const { openConfiguredArchive } = await import('../../persist/configured.js');
      // Checked again: another call may have opened it while the module loaded.
      if (!this.openedArchive) {
        const opened = await openConfiguredArchive(this.configSource(), { existing: true });
        if (!opened) return undefined;
        if (this.openedArchive) await opened.archive.close();
        else this.openedArchive = Promise.resolve(opened);
      }
    }
    return this.archive();
  }

  /** Reads nodes offloaded to the archive's database (its `argo_workflows` table). */
  hydrator(): Promise<WorkflowHydrator> {
    const given = this.opts.persistence;
    return given ? Promise.resolve(given.hydrator) : this.persistence().then((p) => p.hydrator);
  }

  private persistence(): Promise<ConfiguredArchive> {
    // Loaded here: a read of live workflows has no use for the archive's modules.
    this.openedArchive ??= import('../../persist/configured.js')
      .then((m) => m.openConfiguredArchive(this.configSource()))
      .then((opened) => opened!);
    return this.openedArchive;
  }

  private configSource(): { store: ResourceStore; namespace: string; home: string } {
    return { store: this.store, namespace: process.env.ARGO_NAMESPACE || 'argo', home: this.home };
  }

  /** The synchronization database the local controller uses (its configuration's, else $ARGO_HOME/sync.db). */
  syncDatabase(): Promise<SyncDatabase> {
    this.openedSync ??= import('../../persist/configured.js')
      .then((m) => m.openConfiguredSyncDatabase(this.configSource()))
      .then((opened) => opened!.db);
    return this.openedSync;
  }

  async close(): Promise<void> {
    this.closed = true;
    const archive = this.openedArchive;
    this.openedArchive = undefined;
    await archive?.then((a) => a.archive.close()).catch(() => undefined);
    const sync = this.openedSync;
    this.openedSync = undefined;
    await sync?.then((s) => s.close()).catch(() => undefined);
    if (!this.engine) return;
    const wasLeader = this.engine.isLeader;
    const remaining = this.engine.activeWorkflowCount() + this.engine.scheduledCronCount();
    await this.engine.stop();
    this.engine = undefined;
    // Hand what is still running to a detached controller so it finishes without us.
    if (wasLeader && remaining > 0) spawnDetachedController(this.home);
  }
}
