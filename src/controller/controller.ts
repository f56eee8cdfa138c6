// The workflow controller: keeps informer-like caches of the resources it reads, queues workflows
// whenever something about them changes, and runs one WorkflowOperation per queued workflow,
// persisting the result. It knows only the ResourceStore, never which store it has.
import type { ConfigMap, KubeObject } from '../model/meta.js';
import type { Pod } from '../model/pod.js';
import type {
  ClusterWorkflowTemplate,
  Workflow,
  WorkflowTaskResult,
  WorkflowTemplate,
} from '../model/workflow.js';
import type { ResourceKind, ResourceStore, Watch, WatchEvent, WatchEventType } from '../store/types.js';
import { StoreError } from '../store/types.js';
import { workflowPhaseCompleted } from '../workflow/phase.js';
import { CONTROLLER_CONFIGMAP, controllerArtifactRepository } from '../artifacts/index.js';
import { HttpAgent } from './http-agent.js';
import { collectArtifacts, FINALIZER_ARTIFACT_GC } from './artifact-gc.js';
import { MemoCache } from './memo/index.js';
import { LABEL_COMPLETED, LABEL_WORKFLOW, WorkflowOperation } from './operator.js';
import type { PodLayout } from './pod-builder.js';
import { SyncManager } from './sync/index.js';
import { Archiver, markPendingArchive, type ArchiveWriter } from './archiver.js';

export interface ControllerOptions {
  store: ResourceStore;
  /** Namespace to manage; '' or undefined manages all. */
  namespace?: string;
  now?: () => Date;
  log?: (msg: string) => void;
  /**
   * The namespace the controller runs in, where its configuration ConfigMap
   * (workflow-controller-configmap) lives. Default: $ARGO_NAMESPACE, else argo.
   */
  controllerNamespace?: string;
  /** The argo home whose embedded artifact repository artifact GC deletes from. */
  home?: string;
  /**
   * How pods are laid out: 'host' (default) for the host runtime, which plays argoexec itself;
   * 'argoexec' for upstream's legacy layout, whose init and wait containers run argoexec.
   */
  podLayout?: PodLayout;
  /** The image of argoexec in the argoexec layout; default quay.io/argoproj/argoexec:latest. */
  executorImage?: string;
  /** Where completed workflows are archived; none: they are not. */
  archive?: ArchiveWriter;
}

type Cache<T> = Map<string, T>;

const key = (ns: string | undefined, name: string | undefined): string => `${ns ?? ''}/${name ?? ''}`;

/** How long queued events wait to be processed together. */
const COALESCE_MS = 5;

export class WorkflowController {
  private readonly workflows: Cache<Workflow> = new Map();
  private readonly pods: Cache<Pod> = new Map();
  private readonly taskResults: Cache<WorkflowTaskResult> = new Map();
  private readonly templates: Cache<WorkflowTemplate> = new Map();
  private readonly clusterTemplates: Cache<ClusterWorkflowTemplate> = new Map();
  private readonly configMaps: Cache<ConfigMap> = new Map();
  private readonly watches: Watch[] = [];
  private readonly queue = new Set<string>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private draining = false;
  private stopped = false;
  private idleWaiters: (() => void)[] = [];
  private readonly now: () => Date;
  private readonly store: ResourceStore;
  private readonly log: (msg: string) => void;
  private syncManager?: SyncManager;
  private memoCache?: MemoCache;
  private httpAgent?: HttpAgent;
  private archiver?: Archiver;
  /** Cache ConfigMap writes the memoization cache queued during an operation, by `<ns>/<name>`. */
  private readonly configMapWrites = new Map<string, ConfigMap>();

  constructor(private readonly opts: ControllerOptions) {
    this.store = opts.store;
    this.now = opts.now ?? (() => new Date());
    this.log = opts.log ?? (() => undefined);
  }

  async start(): Promise<void> {
    const ns = this.opts.namespace || undefined;
    const syncManager = new SyncManager({
      getConfigMap: (n, name) => this.configMaps.get(key(n, name)),
      onLockReleased: (keys) => {
        for (const k of keys) this.enqueue(k);
      },
      now: this.now,
      log: this.log,
    });
    this.syncManager = syncManager;
    this.memoCache = new MemoCache({
      getConfigMap: (n, name) => this.configMaps.get(key(n, name)),
      writeConfigMap: (cm) => this.configMapWrites.set(key(cm.metadata.namespace, cm.metadata.name), cm),
      now: this.now,
    });
    this.httpAgent = new HttpAgent({ store: this.store, onDone: (k) => this.enqueue(k), log: this.log });
    if (this.opts.archive)
      this.archiver = new Archiver({
        store: this.store,
        archive: this.opts.archive,
        log: this.log,
        latest: (n, name) => this.workflows.get(key(n, name)),
      });
    await this.sync<WorkflowTemplate>('WorkflowTemplate', this.templates, ns);
    await this.sync<ClusterWorkflowTemplate>('ClusterWorkflowTemplate', this.clusterTemplates, undefined);
    // A semaphore limit may have changed: waiters that now fit are woken.
    // All namespaces: the controller's own configuration lives in its namespace, which may not be the managed one.
    await this.sync<ConfigMap>('ConfigMap', this.configMaps, undefined, (cm) =>
      syncManager.configMapChanged(cm),
    );
    await this.sync<WorkflowTaskResult>('WorkflowTaskResult', this.taskResults, ns, (r) =>
      this.enqueue(key(r.metadata.namespace, r.metadata.labels?.[LABEL_WORKFLOW])),
    );
    await this.sync<Pod>('Pod', this.pods, ns, (p) => {
      const wf = p.metadata.labels?.[LABEL_WORKFLOW];
      if (wf) this.enqueue(key(p.metadata.namespace, wf));
    });
    await this.sync<Workflow>(
      'Workflow',
      this.workflows,
      ns,
      (wf, type) => {
        if (type === 'DELETED') {
          // A deleted workflow gives back its locks and leaves the lines it waited in.
          syncManager.releaseAll(structuredClone(wf));
          return;
        }
        this.archiver?.offer(wf);
        if (
          wf.metadata.labels?.[LABEL_COMPLETED] !== 'true' ||
          wf.metadata.finalizers?.includes(FINALIZER_ARTIFACT_GC)
        )
          this.enqueue(key(wf.metadata.namespace, wf.metadata.name));
      },
      // Locks held before a restart are taken again before any workflow is operated on; workflows
      // left Pending archiving are archived now.
      (items) => {
        syncManager.restore(items);
        for (const wf of items) this.archiver?.offer(wf);
      },
    );
  }

  /** Lists a kind into its cache, then keeps the cache current from a watch. */
  private async sync<T extends KubeObject>(
    kind: ResourceKind,
    cache: Cache<T>,
    namespace: string | undefined,
    onChange?: (obj: T, type: WatchEventType) => void,
    onListed?: (items: T[]) => void,
  ): Promise<void> {
    const list = await this.store.list<T>(kind, { namespace });
    for (const obj of list.items) cache.set(key(obj.metadata.namespace, obj.metadata.name), obj);
    onListed?.(list.items);
    const w = this.store.watch<T>(
      kind,
      { namespace, resourceVersion: list.resourceVersion },
      (ev: WatchEvent<T>) => {
        const k = key(ev.object.metadata.namespace, ev.object.metadata.name);
        if (ev.type === 'DELETED') cache.delete(k);
        else cache.set(k, ev.object);
        onChange?.(ev.object, ev.type);
      },
      (err) => this.log(`watch ${kind} failed: ${err.message}`),
    );
    this.watches.push(w);
    for (const obj of list.items) onChange?.(obj, 'ADDED');
  }

  enqueue(k: string): void {
    if (this.stopped) return;
    this.queue.add(k);
    if (!this.draining) {
      this.draining = true;
      // A short pause lets the events of pods finishing together fold into one reconciliation.
      setTimeout(() => void this.drain(), COALESCE_MS);
    }
  }

  private requeueAfter(k: string, ms: number): void {
    const existing = this.timers.get(k);
    if (existing) clearTimeout(existing);
    const t = setTimeout(
      () => {
        this.timers.delete(k);
        this.enqueue(k);
      },
      Math.max(ms, 10),
    );
    this.timers.set(k, t);
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.size > 0 && !this.stopped) {
        const [k] = this.queue;
        this.queue.delete(k);
        try {
          await this.process(k);
        } catch (err) {
          this.log(`error processing ${k}: ${(err as Error).stack ?? String(err)}`);
          this.requeueAfter(k, 1000);
        } finally {
          await this.persistConfigMapWrites();
        }
      }
    } finally {
      this.draining = false;
      if (this.queue.size > 0 && !this.stopped) this.enqueue([...this.queue][0]);
      else this.notifyIdle();
    }
  }

  private async process(k: string): Promise<void> {
    const wf = this.workflows.get(k);
    if (!wf) return;
    if (wf.metadata.labels?.[LABEL_COMPLETED] === 'true' || wf.metadata.deletionTimestamp) {
      await this.collectArtifacts(k, wf);
      return;
    }
    const controllerNamespace = this.controllerNamespace();
    let defaultRepository;
    try {
      defaultRepository = controllerArtifactRepository(
        this.configMaps.get(key(controllerNamespace, CONTROLLER_CONFIGMAP)),
      );
    } catch (err) {
      this.log((err as Error).message);
    }
    const op = new WorkflowOperation(wf, {
      sync: this.syncManager,
      memo: this.memoCache,
      http: this.httpAgent,
      artifacts: { defaultRepository, controllerNamespace },
      now: this.now,
      getWorkflowTemplate: (ns, name) => this.templates.get(key(ns, name)),
      getClusterWorkflowTemplate: (name) =>
        this.clusterTemplates.get(key(undefined, name)) ?? this.clusterTemplates.get(key('', name)),
      getConfigMap: (ns, name) => this.configMaps.get(key(ns, name)),
      getPod: (ns, name) => this.pods.get(key(ns, name)),
      getTaskResult: (ns, name) => this.taskResults.get(key(ns, name)),
      pods: this.opts.podLayout
        ? { layout: this.opts.podLayout, executorImage: this.opts.executorImage }
        : undefined,
    });
    const result = op.operate();
    for (const claim of result.claimsToCreate) await this.createClaim(wf, claim);
    for (const pod of result.podsToCreate) {
      try {
        const created = await this.store.create<Pod>('Pod', pod);
        // The watch may already have delivered a newer version (the pod started while create
        // returned); a stale copy would hide that change until the pod changed again.
        const podKey = key(created.metadata.namespace, created.metadata.name);
        if (!this.pods.has(podKey)) this.pods.set(podKey, created);
      } catch (err) {
        if (!(err instanceof StoreError && err.code === 409)) throw err;
      }
    }
    for (const name of result.podsToDelete) {
      try {
        await this.store.delete('Pod', wf.metadata.namespace ?? '', name);
      } catch (err) {
        if (!(err instanceof StoreError && err.code === 404)) throw err;
      }
    }
    if (result.updated) {
      // A finished workflow is stored without locks, as Argo stores it; waiters are woken.
      if (workflowPhaseCompleted(result.workflow.status?.phase))
        this.syncManager?.releaseAll(result.workflow);
      // Completed in this update: Pending archiving in the same write, as Argo marks it.
      if (this.archiver) markPendingArchive(result.workflow);
      try {
        const saved = await this.store.update<Workflow>('Workflow', result.workflow);
        this.workflows.set(k, saved);
        // Archived from here rather than on the watch event, so a CLI that stops the engine as
        // soon as it sees the workflow complete does not stop it before the write has begun.
        this.archiver?.offer(saved);
      } catch (err) {
        if (err instanceof StoreError && (err.code === 409 || err.code === 404)) {
          // Someone else changed (or deleted) the workflow: operate again on the fresh copy.
          if (err.code === 409) {
            const fresh = await this.store.get<Workflow>(
              'Workflow',
              wf.metadata.namespace ?? '',
              wf.metadata.name ?? '',
            );
            if (fresh) this.workflows.set(k, fresh);
            this.enqueue(k);
          }
          return;
        }
        throw err;
      }
      if (result.workflow.metadata.labels?.[LABEL_COMPLETED] === 'true')
        await this.onCompleted(result.workflow);
    }
    if (result.requeueAfterMs !== undefined) this.requeueAfter(k, result.requeueAfterMs);
  }

  /** Artifact GC for a completed or deleted workflow; the store is updated with what was done. */
  private async collectArtifacts(k: string, wf: Workflow): Promise<void> {
    const updated = await collectArtifacts(wf, { store: this.store, home: this.opts.home, log: this.log });
    if (!updated) return;
    try {
      const saved = await this.store.update<Workflow>('Workflow', updated);
      this.workflows.set(k, saved);
    } catch (err) {
      if (err instanceof StoreError && err.code === 404) return;
      if (err instanceof StoreError && err.code === 409) {
        this.requeueAfter(k, 100);
        return;
      }
      throw err;
    }
    // Artifacts that would not delete are tried again later.
    if (updated.metadata.finalizers?.includes(FINALIZER_ARTIFACT_GC) && updated.metadata.deletionTimestamp)
      this.requeueAfter(k, 10_000);
  }

  private controllerNamespace(): string {
    return this.opts.controllerNamespace ?? (process.env.ARGO_NAMESPACE || 'argo');
  }

  /** A claim for a volumeClaimTemplate, owned by the workflow; one left from before is reused. */
  private async createClaim(wf: Workflow, claim: { name: string; templateName: string }): Promise<void> {
    const tmpl = (wf.status?.storedWorkflowTemplateSpec ?? wf.spec).volumeClaimTemplates?.find(
      (t) => t.metadata.name === claim.templateName,
    );
    const pvc = {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: {
        ...structuredClone(tmpl?.metadata ?? {}),
        name: claim.name,
        namespace: wf.metadata.namespace,
        labels: { ...(tmpl?.metadata.labels ?? {}), [LABEL_WORKFLOW]: wf.metadata.name ?? '' },
        ownerReferences: [
          {
            apiVersion: 'argoproj.io/v1alpha1',
            kind: 'Workflow',
            name: wf.metadata.name ?? '',
            uid: wf.metadata.uid ?? '',
            controller: true,
          },
        ],
      },
      spec: structuredClone((tmpl as { spec?: unknown } | undefined)?.spec ?? {}),
    };
    try {
      await this.store.create('PersistentVolumeClaim', pvc as unknown as KubeObject);
    } catch (err) {
      if (!(err instanceof StoreError && err.code === 409)) throw err;
    }
  }

  /** The workflow's claims go when it is done, as its volumeClaimGC says (default: when it succeeded). */
  private async collectClaims(wf: Workflow): Promise<void> {
    const claims = wf.status?.persistentVolumeClaims ?? [];
    if (claims.length === 0) return;
    const strategy =
      (wf.status?.storedWorkflowTemplateSpec ?? wf.spec).volumeClaimGC?.strategy || 'OnWorkflowSuccess';
    if (strategy === 'OnWorkflowSuccess' && wf.status?.phase !== 'Succeeded') return;
    for (const c of claims) {
      const name = c.persistentVolumeClaim?.claimName;
      if (!name) continue;
      await this.store
        .delete('PersistentVolumeClaim', wf.metadata.namespace ?? '', name)
        .catch(() => undefined);
    }
  }

  /** Stores the cache ConfigMaps the memoization cache changed, merging into newer versions on conflict. */
  private async persistConfigMapWrites(): Promise<void> {
    const writes = [...this.configMapWrites.values()];
    this.configMapWrites.clear();
    for (const cm of writes) {
      try {
        const saved = await this.writeConfigMap(cm);
        this.configMaps.set(key(saved.metadata.namespace, saved.metadata.name), saved);
      } catch (err) {
        this.log(
          `cannot save ConfigMap ${key(cm.metadata.namespace, cm.metadata.name)}: ${(err as Error).message}`,
        );
      }
    }
  }

  private async writeConfigMap(cm: ConfigMap): Promise<ConfigMap> {
    const ns = cm.metadata.namespace ?? '';
    const name = cm.metadata.name ?? '';
    for (let attempt = 1; ; attempt++) {
      try {
        if (cm.metadata.resourceVersion) return await this.store.update<ConfigMap>('ConfigMap', cm);
        return await this.store.create<ConfigMap>('ConfigMap', cm);
      } catch (err) {
        if (!(err instanceof StoreError) || (err.code !== 409 && err.code !== 404) || attempt >= 5) throw err;
        // Someone else wrote (or removed) it meanwhile: apply our entries to what is there now.
        const fresh = await this.store.get<ConfigMap>('ConfigMap', ns, name);
        cm = fresh
          ? {
              ...fresh,
              metadata: { ...fresh.metadata, labels: { ...fresh.metadata.labels, ...cm.metadata.labels } },
              data: { ...fresh.data, ...cm.data },
            }
          : { ...cm, metadata: { ...cm.metadata, resourceVersion: undefined } };
      }
    }
  }

  /** Once a workflow is done its task results are no longer needed and its pods are marked completed. */
  private async onCompleted(wf: Workflow): Promise<void> {
    const ns = wf.metadata.namespace ?? '';
    const name = wf.metadata.name ?? '';
    this.httpAgent?.forgetWorkflow(wf);
    await this.collectClaims(wf);
    for (const [k, r] of this.taskResults) {
      if (r.metadata.namespace === ns && r.metadata.labels?.[LABEL_WORKFLOW] === name) {
        this.taskResults.delete(k);
        await this.store.delete('WorkflowTaskResult', ns, r.metadata.name ?? '').catch(() => undefined);
      }
    }
    for (const p of this.pods.values()) {
      if (p.metadata.namespace !== ns || p.metadata.labels?.[LABEL_WORKFLOW] !== name) continue;
      if (p.metadata.labels?.[LABEL_COMPLETED] === 'true') continue;
      await this.store
        .patch('Pod', ns, p.metadata.name ?? '', { metadata: { labels: { [LABEL_COMPLETED]: 'true' } } })
        .catch(() => undefined);
    }
  }

  /** Resolves when the queue is empty and nothing is being processed. */
  idle(): Promise<void> {
    if (!this.draining && this.queue.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private notifyIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  /** Workflows this controller still has to finish. */
  activeWorkflowCount(): number {
    let n = 0;
    for (const wf of this.workflows.values()) {
      const collecting =
        wf.metadata.deletionTimestamp && wf.metadata.finalizers?.includes(FINALIZER_ARTIFACT_GC);
      // A workflow still to be archived keeps a controller around to archive it.
      const archiving = this.archiver && Archiver.isPending(wf);
      if (wf.metadata.labels?.[LABEL_COMPLETED] !== 'true' || collecting || archiving) n++;
    }
    return n;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const w of this.watches) w.stop();
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    await this.archiver?.stop();
    this.notifyIdle();
  }
}
