// The workflow controller: keeps an informer per kind it reads, queues workflows on a rate-limited
// work queue whenever something about them changes, and its workers run one WorkflowOperation per
// queued workflow, persisting the result. It knows only the ResourceStore, never which store it has.
import type { ConfigMap, KubeObject } from '../model/meta.js';
import type { Pod } from '../model/pod.js';
import type {
  ClusterWorkflowTemplate,
  Workflow,
  WorkflowTaskResult,
  WorkflowTemplate,
} from '../model/workflow.js';
import type { LabelRequirement } from '../store/selectors.js';
import type { ResourceKind, ResourceStore } from '../store/types.js';
import { StoreError } from '../store/types.js';
import {
  byLabel,
  cacheKey as key,
  Informer,
  runWorkers,
  systemTimers,
  WorkQueue,
  type IndexFunc,
  type Timers,
} from '../store/informer/index.js';
import { workflowPhaseCompleted } from '../workflow/phase.js';
import {
  CONTROLLER_CONFIGMAP,
  controllerArtifactRepository,
  type ArtifactRepositoryConfig,
} from '../artifacts/index.js';
import { instanceIdSelector } from './instance-id.js';
import { HttpAgent } from './http-agent.js';
import { ResourceAgent, type ResourceApi } from './resource-agent.js';
import { collectArtifacts, FINALIZER_ARTIFACT_GC } from './artifact-gc.js';
import { MemoCache } from './memo/index.js';
import { LABEL_COMPLETED, LABEL_WORKFLOW, WorkflowOperation, type ClaimToCreate } from './operator.js';
import type { PodLayout } from './pod-builder.js';
import { SyncManager } from './sync/index.js';
import { DatabaseLocks } from './sync/database-locks.js';
import type { SyncDatabase } from '../persist/sync-database.js';
import { Archiver, type ArchiveWriter } from './archiver.js';
import { traceStep } from '../step-trace.js';
import { WorkflowHydrator, withNodes } from '../persist/hydrator.js';
import { OffloadCollector } from './offload-gc.js';
import { OwnWrites } from './own-writes.js';
import { PassPacing } from './pass-pacing.js';
import { configuredPodGCDelayMs, PodCollector, podGCOf, podGCSettings } from './pod-gc.js';
import type { NodeOffloadStore } from '../persist/node-offload.js';
import { DatabaseUnreachableError } from '../persist/database-reachability.js';
import { ContainerTerminator, type PodExec } from './container-signals.js';
import { podFinished, reportTimeout } from './task-result-timeout.js';
import { deleteWorkflowAndPods } from './cron/controller.js';
import { WorkflowCollector, workflowGCSettings } from './workflow-gc.js';
import { workflowDefaultsOf } from './controller-config.js';
import type { WorkflowDefaults } from '../workflow/merge.js';

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
  /** The name of that ConfigMap (`--configmap`); default workflow-controller-configmap. */
  configMapName?: string;
  /** The argo home whose embedded artifact repository artifact GC deletes from. */
  home?: string;
  /**
   * How pods are laid out: 'host' (default) for the host runtime, which plays argoexec itself;
   * 'argoexec' for upstream's legacy layout, whose init and wait containers run argoexec.
   */
  podLayout?: PodLayout;
  /** The image of argoexec in the argoexec layout; default quay.io/argoproj/argoexec:latest. */
  executorImage?: string;
  /** Workflows operated on at once (`--workflow-workers`); default 32, as upstream. */
  workflowWorkers?: number;
  /** Pods deleted at once by pod GC (`--pod-cleanup-workers`); default 4, as upstream. */
  podCleanupWorkers?: number;
  /** Workflows deleted at once by their ttlStrategy or the retentionPolicy (`--workflow-ttl-workers`); default 4, as upstream. */
  workflowTTLWorkers?: number;
  /**
   * How a workflow whose time is up is deleted, as `argo delete` deletes it; default: the workflow,
   * then its pods and task results.
   */
  deleteWorkflow?: (namespace: string, name: string) => Promise<void>;
  /** How often every workflow is queued again (the informer resync); default 20 minutes, as upstream. */
  workflowResyncPeriodMs?: number;
  /** Time for the informers' backoff and resync and the queue's delays; default the wall clock. */
  timers?: Timers;
  /** Where completed workflows are archived; none: they are not. */
  archive?: ArchiveWriter;
  /** `archiveLabelSelector` and `archiveTTL` of the persistence configuration. */
  archivePolicy?: { selector?: readonly LabelRequirement[]; ttlSeconds?: number; gcPeriodMs?: number };
  /**
   * Where workflows' nodes are kept (`persistence.nodeStatusOffLoad`): read back before each pass
   * and moved out on each write as it decides. None: nodes stay inline, and a workflow whose
   * nodes were offloaded is not operated on (its error is logged and it is tried again).
   */
  hydrator?: WorkflowHydrator;
  /** The offload table whose superseded versions are deleted every `periodMs` (upstream's WORKFLOW_GC_PERIOD). */
  offloadGC?: { offload: NodeOffloadStore; periodMs: number };
  /** The synchronization database `database:` locks live in; none: such locks fail the workflow. */
  syncDatabase?: { db: SyncDatabase; pollSeconds?: number; heartbeatSeconds?: number };
  /**
   * The configuration's instanceID: only workflows labelled with it are this controller's; '' means
   * only workflows without the label (upstream's instance ID requirement). Undefined (the embedded
   * engine): every workflow.
   */
  instanceId?: string;
  /**
   * The Kubernetes API resource templates act on, done by the controller itself (the local engine,
   * whose pods are not argoexec's); none: resource nodes fail, saying there is no API to act on.
   */
  resourceApi?: ResourceApi;
  /**
   * Runs a command in a pod's container (the pods/exec subresource): with it, the containers a pod
   * keeps running once its main containers are done are signalled to end (container-signals.ts).
   * None (the local engine, whose runtime ends them itself): they are left to the runtime.
   */
  podExec?: PodExec;
}

/** Pods and task results are filed by `namespace/workflow`, the workflow's own cache key. */
const BY_WORKFLOW = 'workflow';
const byWorkflow = { [BY_WORKFLOW]: byLabel(LABEL_WORKFLOW) };

/** Retries of a workflow whose operation failed: 1 s doubling to a minute. */
const RETRY_BACKOFF = { baseMs: 1000, maxMs: 60_000 };

/**
 * Events that come within this long of the last hand-over to the queue wait out the rest of it,
 * so the events of pods finishing together fold into one reconciliation; the first event after a
 * quiet spell is handed over at once (on the next turn of the event loop, after the other
 * changes of the write that caused it), so a lone change costs no timer.
 */
const COALESCE_MS = 5;

/** A workflow's passes cheaper than this hold back nothing; none is held back longer than a second. */
const PASS_PACING = { freeMs: 10, maxHoldMs: 1000 };

export class WorkflowController {
  private readonly informers: Informer<KubeObject>[] = [];
  private readonly workflows: Informer<Workflow>;
  private readonly pods: Informer<Pod>;
  private readonly taskResults: Informer<WorkflowTaskResult>;
  private readonly templates: Informer<WorkflowTemplate>;
  private readonly clusterTemplates: Informer<ClusterWorkflowTemplate>;
  private readonly configMaps: Informer<ConfigMap>;
  private readonly queue: WorkQueue;
  /** Keys waiting out the coalescing pause before they go on the queue. */
  private readonly pending = new Set<string>();
  /** Cancels the hand-over of pending keys that is due; set while one is. */
  private cancelFlush: (() => void) | undefined;
  /** When pending keys were last handed to the queue (performance.now()). */
  private lastFlushMs = -Infinity;
  /** When the hand-over that is due runs (performance.now()); Infinity while none is. */
  private flushAtMs = Infinity;
  /** Holds a costly workflow's next pass back (see pass-pacing.ts): pending keys wait for it. */
  private readonly pacing = new PassPacing(PASS_PACING);
  private flushWaiters: (() => void)[] = [];
  private workers: Promise<void> | undefined;
  /**
   * What the store returned from this controller's last write of each workflow: a private object
   * (the watch delivers its own), which the next operation may change in place as long as the
   * cached workflow is still that version. Taken (deleted) by the operation that uses it.
   */
  private readonly lastWritten = new Map<string, Workflow>();
  /** Each unfinished workflow's node ids by node name, kept between its passes (OperatorDeps.nodeIds). */
  private readonly nodeIds = new Map<string, Map<string, string>>();
  /** The last workflowDefaults error logged, so a broken ConfigMap is reported once, not per pass. */
  private reportedDefaultsError: string | undefined;
  /** The writes of passes, whose own watch events queue no pass. */
  private readonly ownWrites = new OwnWrites();
  private stopped = false;
  private readonly now: () => Date;
  private readonly store: ResourceStore;
  private readonly log: (msg: string) => void;
  private syncManager?: SyncManager;
  private databaseLocks?: DatabaseLocks;
  private memoCache?: MemoCache;
  private httpAgent?: HttpAgent;
  private resourceAgent?: ResourceAgent;
  private archiver?: Archiver;
  private offloadCollector?: OffloadCollector;
  private podCollector?: PodCollector;
  private terminator?: ContainerTerminator;
  /**
   * Pods deleted lately, as last seen, kept as long as a node may still wait for their report
   * (task-result-timeout.ts): a node whose finished pod was deleted goes on from its last state.
   */
  private readonly deletedPods = new Map<string, { pod: Pod; atMs: number }>();
  private workflowCollector?: WorkflowCollector;
  private readonly hydrator: WorkflowHydrator;
  /** Cache ConfigMap writes the memoization cache queued during an operation, by `<ns>/<name>`. */
  private readonly configMapWrites = new Map<string, ConfigMap>();

  constructor(private readonly opts: ControllerOptions) {
    this.store = opts.store;
    this.now = opts.now ?? (() => new Date());
    this.log = opts.log ?? (() => undefined);
    this.hydrator = opts.hydrator ?? new WorkflowHydrator(undefined, false);
    const ns = opts.namespace || undefined;
    const informer = <T extends KubeObject>(
      kind: ResourceKind,
      namespace: string | undefined,
      indexers?: Record<string, IndexFunc<T>>,
      resyncPeriodMs?: number,
      labelSelector?: string,
      readOnly?: boolean,
    ): Informer<T> => {
      const inf = new Informer<T>({
        store: this.store,
        kind,
        namespace,
        labelSelector,
        indexers,
        readOnly,
        resyncPeriodMs,
        timers: opts.timers,
        log: this.log,
      });
      this.informers.push(inf as unknown as Informer<KubeObject>);
      return inf;
    };
    this.templates = informer<WorkflowTemplate>('WorkflowTemplate', ns);
    this.clusterTemplates = informer<ClusterWorkflowTemplate>('ClusterWorkflowTemplate', undefined);
    // The controller's own configuration lives in its namespace, which may not be the managed one:
    // then all namespaces. A namespaced install (one namespace for both) may read no others.
    this.configMaps = informer<ConfigMap>(
      'ConfigMap',
      ns !== undefined && ns === this.controllerNamespace() ? ns : undefined,
    );
    this.taskResults = informer<WorkflowTaskResult>('WorkflowTaskResult', ns, byWorkflow);
    this.pods = informer<Pod>('Pod', ns, byWorkflow);
    this.workflows = informer<Workflow>(
      'Workflow',
      ns,
      undefined,
      opts.workflowResyncPeriodMs ?? 20 * 60_000,
      opts.instanceId === undefined ? undefined : instanceIdSelector(opts.instanceId),
      // Passes copy a cached workflow before changing it (or change only their own, lastWritten).
      true,
    );
    this.queue = new WorkQueue({ backoff: RETRY_BACKOFF, timers: opts.timers });
  }

  async start(): Promise<void> {
    const sdb = this.opts.syncDatabase;
    if (sdb) {
      this.databaseLocks = new DatabaseLocks(sdb.db, {
        wake: (keys) => {
          for (const k of keys) this.enqueue(k);
        },
        workflowExists: (k) => this.workflows.cache.get(k) !== undefined,
        log: this.log,
        pollSeconds: sdb.pollSeconds,
        heartbeatSeconds: sdb.heartbeatSeconds,
      });
      await this.databaseLocks.start();
    }
    const syncManager = new SyncManager({
      database: this.databaseLocks,
      getConfigMap: (n, name) => this.configMaps.cache.get(key(n, name)),
      onLockReleased: (keys) => {
        for (const k of keys) this.enqueue(k);
      },
      now: this.now,
      log: this.log,
    });
    this.syncManager = syncManager;
    this.memoCache = new MemoCache({
      getConfigMap: (n, name) => this.configMaps.cache.get(key(n, name)),
      writeConfigMap: (cm) => this.configMapWrites.set(key(cm.metadata.namespace, cm.metadata.name), cm),
      now: this.now,
    });
    this.httpAgent = new HttpAgent({ store: this.store, onDone: (k) => this.enqueue(k), log: this.log });
    if (this.opts.resourceApi)
      this.resourceAgent = new ResourceAgent({
        api: this.opts.resourceApi,
        store: this.store,
        onDone: (k) => this.enqueue(k),
        log: this.log,
      });
    if (this.opts.archive)
      this.archiver = new Archiver({
        store: this.store,
        archive: this.opts.archive,
        log: this.log,
        latest: (n, name) => this.workflows.cache.get(key(n, name)),
        // The archive keeps the whole workflow: its nodes, wherever they are, go in with it.
        hydrate: (wf) => this.hydrator.hydrate(wf),
        ...this.opts.archivePolicy,
      });
    if (this.opts.offloadGC)
      this.offloadCollector = new OffloadCollector({
        ...this.opts.offloadGC,
        namespace: this.opts.namespace ?? '',
        liveWorkflows: () => this.workflows.cache.values(),
        log: this.log,
      });
    this.podCollector = new PodCollector({
      store: this.store,
      workers: this.opts.podCleanupWorkers,
      settings: () => podGCSettings(this.controllerConfigMap()),
      now: this.now,
      timers: this.opts.timers,
      log: this.log,
    });
    if (this.opts.podExec)
      this.terminator = new ContainerTerminator({
        exec: this.opts.podExec,
        getPod: (ns, name) => this.pods.cache.get(key(ns, name)),
        timers: this.opts.timers ?? systemTimers,
        log: this.log,
      });
    this.workflowCollector = new WorkflowCollector({
      deleteWorkflow: this.opts.deleteWorkflow ?? ((n, name) => deleteWorkflowAndPods(this.store, n, name)),
      latest: (n, name) => this.workflows.cache.get(key(n, name)),
      settings: () => workflowGCSettings(this.controllerConfigMap()),
      workers: this.opts.workflowTTLWorkers,
      timers: this.opts.timers,
      log: this.log,
    });
    // A semaphore limit may have changed: waiters that now fit are woken.
    this.configMaps.addHandler(onAnyChange((cm) => syncManager.configMapChanged(cm)));
    const enqueueOwner = (obj: KubeObject): void => {
      traceStep(
        ['controller sees', obj.kind, (obj as Pod).status?.phase].filter(Boolean).join(' '),
        obj.metadata.name,
      );
      const wf = obj.metadata.labels?.[LABEL_WORKFLOW];
      if (wf) this.enqueue(key(obj.metadata.namespace, wf));
    };
    this.taskResults.addHandler(onAnyChange(enqueueOwner));
    this.pods.addHandler({
      // A pod a pass created is that pass's doing: its ADDED is no news to the workflow.
      onAdd: (pod) => {
        if (!this.ownWrites.hold('Pod', pod, () => enqueueOwner(pod))) enqueueOwner(pod);
      },
      onUpdate: (_old, pod) => enqueueOwner(pod),
      onDelete: (pod) => {
        this.rememberDeleted(pod);
        enqueueOwner(pod);
      },
    });
    const enqueueWorkflow = (wf: Workflow): void => {
      // Workflows left Pending archiving (before a restart too: the first list adds them) are archived.
      this.archiver?.offer(wf);
      // A finished workflow is queued for when its TTL runs out, and counted by the retention policy.
      this.workflowCollector?.offer(wf);
      // Pods a finished workflow's pod GC still has to delete (a restart's first list offers them all).
      if (wf.metadata.labels?.[LABEL_COMPLETED] === 'true') void this.offerPodsForGC(wf);
      if (
        wf.metadata.labels?.[LABEL_COMPLETED] !== 'true' ||
        wf.metadata.finalizers?.includes(FINALIZER_ARTIFACT_GC)
      )
        this.enqueue(key(wf.metadata.namespace, wf.metadata.name));
    };
    this.workflows.addHandler({
      onAdd: enqueueWorkflow,
      onUpdate: (_old, wf) => {
        // A completed workflow's own write still queues it: for its artifact collection.
        const completed = wf.metadata.labels?.[LABEL_COMPLETED] === 'true';
        if (completed || !this.ownWrites.hold('Workflow', wf, () => enqueueWorkflow(wf))) enqueueWorkflow(wf);
      },
      onDelete: (wf) => {
        this.lastWritten.delete(key(wf.metadata.namespace, wf.metadata.name));
        this.nodeIds.delete(key(wf.metadata.namespace, wf.metadata.name));
        this.pacing.forget(key(wf.metadata.namespace, wf.metadata.name));
        this.workflowCollector?.forget(wf);
        // A deleted workflow gives back its locks and leaves the lines it waited in.
        syncManager.releaseAll(structuredClone(wf));
      },
    });
    // The workflows last, so every workflow queued finds its pods, results and templates cached.
    for (const inf of this.informers) {
      try {
        await inf.start();
      } catch (err) {
        // As upstream's: a namespaced install is granted no cluster-scoped kinds, so it runs
        // without ClusterWorkflowTemplates (a workflow naming one fails as if it were missing).
        if (!((inf as unknown) === this.clusterTemplates && err instanceof StoreError && err.code === 403))
          throw err;
        inf.stop();
        this.log("Controller doesn't have RBAC access for ClusterWorkflowTemplates");
      }
    }
    // Locks held before a restart are taken again before any workflow is operated on.
    syncManager.restore(this.workflows.cache.list());
    this.workers = runWorkers(
      this.queue,
      this.opts.workflowWorkers ?? 32,
      (k) => this.work(k),
      (err, k) => this.log(`error processing ${k}: ${(err as Error).stack ?? String(err)}`),
    );
  }

  enqueue(k: string): void {
    if (this.stopped) return;
    this.pending.add(k);
    const now = performance.now();
    this.flushBy(Math.max(this.lastFlushMs + COALESCE_MS, this.pacing.dueAt(k, now)), now);
  }

  /** Makes sure pending keys are handed over by `at` (performance.now() time). */
  private flushBy(at: number, now: number): void {
    if (this.cancelFlush && this.flushAtMs <= at) return;
    this.cancelFlush?.();
    this.flushAtMs = at;
    if (at > now) {
      const timer = setTimeout(() => this.flushPending(), at - now);
      this.cancelFlush = () => clearTimeout(timer);
    } else {
      const immediate = setImmediate(() => this.flushPending());
      this.cancelFlush = () => clearImmediate(immediate);
    }
  }

  /** Hands pending keys to the queue, but for those whose pass is held back (they wait on). */
  private flushPending(): void {
    this.cancelFlush = undefined;
    this.flushAtMs = Infinity;
    const now = performance.now();
    this.lastFlushMs = now;
    let next = Infinity;
    for (const k of this.pending) {
      const due = this.pacing.dueAt(k, now);
      // A timer may fire a little before its time as performance.now() reads it.
      if (due > now + 1) {
        next = Math.min(next, due);
        continue;
      }
      this.queue.add(k);
      this.pending.delete(k);
    }
    if (next !== Infinity && !this.stopped) this.flushBy(next, now);
    const waiters = this.flushWaiters;
    this.flushWaiters = [];
    for (const w of waiters) w();
  }

  private requeueAfter(k: string, ms: number): void {
    this.queue.addAfter(k, Math.max(ms, 10));
  }

  /** One queued workflow: operated on, retried with a growing backoff when that fails. */
  private async work(k: string): Promise<void> {
    try {
      await this.process(k);
      this.queue.forget(k);
    } catch (err) {
      // Unreachable: logged once by the database's user; the workflow waits for it, requeued.
      if (!(err instanceof DatabaseUnreachableError))
        this.log(`error processing ${k}: ${(err as Error).stack ?? String(err)}`);
      this.queue.addRateLimited(k);
    } finally {
      await this.persistConfigMapWrites();
    }
  }

  private async process(k: string): Promise<void> {
    const wf = this.workflows.cache.get(k);
    if (!wf) return;
    if (wf.metadata.labels?.[LABEL_COMPLETED] === 'true' || wf.metadata.deletionTimestamp) {
      await this.collectArtifacts(k, await this.hydrator.hydrate(wf, { keepVersion: true }));
      return;
    }
    const controllerNamespace = this.controllerNamespace();
    let defaultRepository;
    try {
      defaultRepository = controllerArtifactRepository(this.controllerConfigMap());
    } catch (err) {
      this.log((err as Error).message);
    }
    const own = this.lastWritten.get(k);
    this.lastWritten.delete(k);
    const owned = own !== undefined && own.metadata.resourceVersion === wf.metadata.resourceVersion;
    let shadow: Workflow | undefined;
    if (owned) {
      // What is read of the cached workflow while this pass runs is its metadata: that gets its
      // own copy; spec and status are shared with the operation until its write replaces them.
      shadow = { ...own, metadata: structuredClone(own.metadata) };
      this.workflows.setUnlessStale(shadow);
    }
    let changed = true;
    try {
      changed = await this.operateAndWrite(
        k,
        wf,
        owned ? own : undefined,
        controllerNamespace,
        defaultRepository,
      );
    } finally {
      if (shadow && !changed && this.workflows.cache.get(k) === shadow) {
        // A pass that changed nothing leaves the copy as stored: it stays this controller's for
        // the next pass, rather than that pass copying the whole workflow again.
        if (this.workflows.setUnlessStale(own!)) this.lastWritten.set(k, own!);
      } else if (shadow && this.workflows.cache.get(k) === shadow) {
        // Nothing was written, yet the operation may have changed the shared parts: the cache
        // goes back to what is stored.
        const stored = await this.store.get<Workflow>(
          'Workflow',
          wf.metadata.namespace ?? '',
          wf.metadata.name ?? '',
        );
        if (stored && this.workflows.cache.get(k) === shadow) this.workflows.setUnlessStale(stored);
      }
    }
  }

  /**
   * Operates once on `wf` (or on `own`, this controller's private copy of it) and applies the
   * result; false when the operation changed nothing in the workflow.
   */
  private async operateAndWrite(
    k: string,
    wf: Workflow,
    own: Workflow | undefined,
    controllerNamespace: string,
    defaultRepository: ArtifactRepositoryConfig | undefined,
  ): Promise<boolean> {
    traceStep('pass starts', k);
    const op = new WorkflowOperation(
      own ?? (await this.hydrator.hydrate(wf, { keepVersion: true })),
      {
        sync: this.syncManager,
        memo: this.memoCache,
        http: this.httpAgent,
        resource: this.resourceAgent,
        artifacts: { defaultRepository, controllerNamespace },
        now: this.now,
        getWorkflowTemplate: (ns, name) => this.templates.cache.get(key(ns, name)),
        getClusterWorkflowTemplate: (name) =>
          this.clusterTemplates.cache.get(key(undefined, name)) ??
          this.clusterTemplates.cache.get(key('', name)),
        getConfigMap: (ns, name) => this.configMaps.cache.get(key(ns, name)),
        getPod: (ns, name) => this.pods.cache.get(key(ns, name)),
        getTaskResult: (ns, name) => this.taskResults.cache.get(key(ns, name)),
        getDeletedPod: (ns, name) => this.deletedPods.get(key(ns, name))?.pod,
        pods: this.opts.podLayout
          ? { layout: this.opts.podLayout, executorImage: this.opts.executorImage }
          : undefined,
        nodeIds: this.nodeIdsOf(k),
        podGCDeleteDelayMs: configuredPodGCDelayMs(this.controllerConfigMap()),
        workflowDefaults: this.workflowDefaults(),
      },
      { owned: own !== undefined },
    );
    // What the pass costs: the CPU time of the operation, which grows with the workflow (the
    // write grows alike). CPU rather than wall time, so a loaded machine does not stretch it.
    const cpuBefore = process.cpuUsage();
    const result = op.operate();
    const cpu = process.cpuUsage(cpuBefore);
    const costMs = (cpu.user + cpu.system) / 1000;
    for (const claim of result.claimsToCreate) await this.createClaim(wf, claim);
    for (const pod of result.podsToCreate) {
      try {
        const created = await this.ownWrites.write('Pod', pod, () => this.store.create<Pod>('Pod', pod));
        traceStep('pod created', created.metadata.name);
        // The watch may already have delivered a newer version (the pod started while create
        // returned), or its deletion; the created copy must not hide either.
        this.pods.setUnlessStale(created);
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
    for (const name of result.podsToTerminate) this.terminator?.terminate(wf.metadata.namespace ?? '', name);
    // The workflow's write (milliseconds for a large one, and synchronous on the local store) goes
    // after one turn of the event loop, so a runtime in this process (the local engine's) can take
    // the new pods on and start their containers first instead of waiting out the write. The pods
    // exist already: a crash before the write leaves them to be adopted, as before.
    if (result.updated && result.podsToCreate.length > 0) await new Promise((r) => setImmediate(r));
    if (result.updated) {
      // A finished workflow is stored without locks, as Argo stores it; waiters are woken.
      if (workflowPhaseCompleted(result.workflow.status?.phase))
        this.syncManager?.releaseAll(result.workflow);
      // Completed in this update: Pending archiving in the same write, as Argo marks it.
      this.archiver?.markPending(result.workflow);
      try {
        const saved = await this.writeWorkflow(result.workflow, { own: true });
        traceStep('workflow written', k);
        // Unless the watch brought a later version meanwhile (a deletion, say): the pass that
        // event queued must act on it, not on what this pass wrote.
        if (this.workflows.setUnlessStale(saved)) this.lastWritten.set(k, saved);
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
            if (fresh) this.workflows.setUnlessStale(fresh);
            this.enqueue(k);
          }
          return true;
        }
        throw err;
      }
      if (result.workflow.metadata.labels?.[LABEL_COMPLETED] === 'true')
        await this.onCompleted(result.workflow);
      // Only once the workflow that records the nodes as finished is written, as upstream.
      void this.offerPodsForGC(result.workflow);
    }
    this.pacing.passed(k, performance.now(), costMs);
    if (result.again) this.enqueue(k);
    if (result.requeueAfterMs !== undefined) this.requeueAfter(k, result.requeueAfterMs);
    return result.updated;
  }

  /** Offers a workflow's pods to pod GC, with its nodes read back if they are kept elsewhere. */
  private async offerPodsForGC(wf: Workflow): Promise<void> {
    if (!this.podCollector || !podGCOf(wf)?.strategy) return;
    const k = key(wf.metadata.namespace, wf.metadata.name);
    const pods = this.pods.cache.byIndex(BY_WORKFLOW, k);
    if (pods.length === 0) return;
    try {
      this.podCollector.offer(wf.status?.nodes ? wf : await this.hydrator.hydrate(wf), pods);
    } catch (err) {
      this.log(`pod GC of ${k}: ${(err as Error).message}`);
    }
  }

  /** The ConfigMap's workflowDefaults; a broken value is reported once per version and not applied. */
  private workflowDefaults(): WorkflowDefaults | undefined {
    const { defaults, error } = workflowDefaultsOf(this.controllerConfigMap());
    if (error && error !== this.reportedDefaultsError) this.log(`workflowDefaults not applied: ${error}`);
    this.reportedDefaultsError = error;
    return defaults;
  }

  private controllerConfigMap(): ConfigMap | undefined {
    return this.configMaps.cache.get(
      key(this.controllerNamespace(), this.opts.configMapName ?? CONTROLLER_CONFIGMAP),
    );
  }

  /** The node ids kept for the workflow at `k` (ids follow from its name and the nodes' names). */
  private nodeIdsOf(k: string): Map<string, string> {
    let ids = this.nodeIds.get(k);
    if (!ids) {
      ids = new Map();
      this.nodeIds.set(k, ids);
    }
    return ids;
  }

  /** Artifact GC for a completed or deleted workflow; the store is updated with what was done. */
  private async collectArtifacts(k: string, wf: Workflow): Promise<void> {
    const updated = await collectArtifacts(wf, { store: this.store, home: this.opts.home, log: this.log });
    if (!updated) return;
    try {
      const saved = await this.writeWorkflow(updated);
      this.workflows.setUnlessStale(saved);
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

  /**
   * The one place a workflow is written: stored dehydrated (nodes compressed or offloaded when the
   * hydrator decides so), returned as this controller keeps it, with its nodes in hand.
   */
  /**
   * Writes a workflow, its nodes offloaded when persistence says so. `own`: the write of a pass,
   * whose workflow is this controller's alone, so the store hands it back as saved instead of
   * parsing a copy.
   */
  private async writeWorkflow(wf: Workflow, opts: { own?: boolean } = {}): Promise<Workflow> {
    const stored = await this.hydrator.dehydrate(wf);
    const write = (): Promise<Workflow> =>
      this.store.update<Workflow>('Workflow', stored, { handOver: opts.own });
    const saved = await (opts.own ? this.ownWrites.write('Workflow', stored, write) : write());
    return stored === wf ? saved : withNodes(saved, wf.status?.nodes);
  }

  private controllerNamespace(): string {
    return this.opts.controllerNamespace ?? (process.env.ARGO_NAMESPACE || 'argo');
  }

  /** A claim for a volumeClaimTemplate, owned by the workflow; one left from before is reused. */
  private async createClaim(wf: Workflow, claim: ClaimToCreate): Promise<void> {
    const tmpl = claim.template;
    const pvc = {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: {
        ...structuredClone(tmpl.metadata),
        name: claim.name,
        namespace: wf.metadata.namespace,
        labels: { ...(tmpl.metadata.labels ?? {}), [LABEL_WORKFLOW]: wf.metadata.name ?? '' },
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
      spec: structuredClone(tmpl.spec ?? {}),
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
        this.configMaps.setUnlessStale(saved);
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
    this.nodeIds.delete(key(ns, name));
    this.pacing.forget(key(ns, name));
    this.httpAgent?.forgetWorkflow(wf);
    this.resourceAgent?.forgetWorkflow(wf);
    await this.collectClaims(wf);
    for (const r of this.taskResults.cache.byIndex(BY_WORKFLOW, key(ns, name))) {
      this.taskResults.cache.delete(key(ns, r.metadata.name));
      await this.store.delete('WorkflowTaskResult', ns, r.metadata.name ?? '').catch(() => undefined);
    }
    for (const p of this.pods.cache.byIndex(BY_WORKFLOW, key(ns, name))) {
      if (p.metadata.labels?.[LABEL_COMPLETED] === 'true') continue;
      await this.store
        .patch('Pod', ns, p.metadata.name ?? '', { metadata: { labels: { [LABEL_COMPLETED]: 'true' } } })
        .catch(() => undefined);
    }
  }

  /** Resolves when the queue is empty and nothing is being processed (or the controller stopped). */
  async idle(): Promise<void> {
    while (!this.stopped) {
      if (this.pending.size > 0) await new Promise<void>((resolve) => this.flushWaiters.push(resolve));
      else if (!this.queue.isIdle) await this.queue.idle();
      else return;
    }
  }

  /** Workflows this controller still has to finish. */
  activeWorkflowCount(): number {
    let n = 0;
    for (const wf of this.workflows.cache.values()) {
      const collecting =
        wf.metadata.deletionTimestamp && wf.metadata.finalizers?.includes(FINALIZER_ARTIFACT_GC);
      // A workflow still to be archived keeps a controller around to archive it.
      const archiving = this.archiver && Archiver.isPending(wf);
      // Pods waiting out their pod GC delay keep a controller around to delete them.
      const podGC = this.podCollector?.hasPending(key(wf.metadata.namespace, wf.metadata.name));
      if (wf.metadata.labels?.[LABEL_COMPLETED] !== 'true' || collecting || archiving || podGC) n++;
    }
    // A deletion that is due (its TTL ran out, or the retention policy let it go) keeps one around
    // too; one whose TTL is still to run is left to whichever controller runs when it does.
    return n + (this.workflowCollector?.busy ? 1 : 0);
  }

  /** What the metrics endpoint reports: cached workflows and pods by phase, and the queue's depth. */
  stats(): { workflows: Record<string, number>; pods: Record<string, number>; queueDepth: number } {
    const count = (objs: Iterable<{ status?: { phase?: string } }>): Record<string, number> => {
      const by: Record<string, number> = {};
      for (const o of objs) {
        const phase = o.status?.phase || 'Pending';
        by[phase] = (by[phase] ?? 0) + 1;
      }
      return by;
    };
    return {
      workflows: count(this.workflows.cache.values()),
      pods: count(this.pods.cache.values()),
      queueDepth: this.queue.length,
    };
  }

  private rememberDeleted(pod: Pod): void {
    const nowMs = this.now().getTime();
    const keepMs = reportTimeout(true).timeoutMs;
    for (const [k, gone] of this.deletedPods) if (nowMs - gone.atMs > keepMs) this.deletedPods.delete(k);
    // Only a running workflow's node can still be waiting (pod GC deletes the rest, in numbers).
    const wf = this.workflows.cache.get(key(pod.metadata.namespace, pod.metadata.labels?.[LABEL_WORKFLOW]));
    if (!podFinished(pod) || !wf || wf.metadata.labels?.[LABEL_COMPLETED] === 'true') return;
    this.deletedPods.set(key(pod.metadata.namespace, pod.metadata.name), { pod, atMs: nowMs });
  }

  /** Stops watching and taking work; resolves once the operations under way have finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.resourceAgent?.stopAll();
    this.terminator?.stop();
    for (const inf of this.informers) inf.stop();
    this.cancelFlush?.();
    this.pending.clear();
    this.flushPending();
    await this.queue.shutDown();
    await this.workers;
    await this.archiver?.stop();
    await this.offloadCollector?.stop();
    await this.podCollector?.stop();
    await this.workflowCollector?.stop();
    await this.databaseLocks?.stop();
  }
}

/** Handlers that react the same way to every change of an object, deletes included. */
function onAnyChange<T>(fn: (obj: T) => void): {
  onAdd(o: T): void;
  onUpdate(old: T, o: T): void;
  onDelete(o: T): void;
} {
  return { onAdd: fn, onUpdate: (_old, obj) => fn(obj), onDelete: fn };
}
