// The local backend: the ArgoClient served from the embedded store, with the embedded engine
// started on demand so submitted workflows run on this machine.
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { storeSecrets, WorkflowArtifactReader } from '../../artifacts/reader.js';
import type { KubeObject } from '../../model/meta.js';
import type { Pod } from '../../model/pod.js';
import type {
  ClusterWorkflowTemplate,
  CronWorkflow,
  NodeStatus,
  Workflow,
  WorkflowTemplate,
} from '../../model/workflow.js';
import { API_VERSION } from '../../model/workflow.js';
import { readPodLogs } from '../../executor/logs.js';
import { claimFolder } from '../../executor/host/volumes.js';
import type { ResourceKind, ResourceStore } from '../../store/types.js';
import { StoreError } from '../../store/types.js';
import { applySubmitOpts, workflowFromTemplate } from '../../workflow/submit-opts.js';
import { workflowFromCronNow } from '../../controller/cron/child-workflow.js';
import {
  formulateResubmitWorkflow,
  formulateRetryWorkflow,
  LifecycleError,
  resumeWorkflow,
  setWorkflow,
  stopWorkflow,
  suspendWorkflow,
  terminateWorkflow,
} from '../../workflow/lifecycle/index.js';
import { FieldSelectorError } from '../../workflow/node-field-selector.js';
import { nodeTemplateName, podNameOf } from '../../workflow/pod-name.js';
import type {
  ArgoClient,
  CreateOptions,
  ListOptions,
  ListResponse,
  LogEntry,
  LogOptions,
  ResubmitOpts,
  ResumeOpts,
  RetryOpts,
  SetOpts,
  StopOpts,
  SubmitFromKind,
  SubmitOpts,
  SyncLimit,
  SyncLimitRef,
  VersionInfo,
  WatchEvent,
} from '../types.js';
import { ArgoError } from '../types.js';
import { admit, type TemplateSnapshot } from '../validate.js';
import { versionInfo } from '../version.js';
import { controllerRunning, Engine, spawnDetachedController } from './engine.js';
import * as syncLimits from './sync-limits.js';
import { archiveNeedsServer } from './sync-limits.js';

export type EngineMode = 'in-process' | 'detached' | 'none';

export interface LocalClientOptions {
  store: ResourceStore;
  home: string;
  namespace: string;
  /** How to make sure submitted workflows run: in this process while it waits, or a detached controller. */
  engine: EngineMode;
  log?: (msg: string) => void;
}

function toArgoError(err: unknown): never {
  if (err instanceof StoreError) throw new ArgoError(err.message, err.code);
  throw err;
}

/** Runs a lifecycle formulation, reporting refusals as the Argo Server would. */
async function formulate<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof LifecycleError) throw new ArgoError(err.message, err.status);
    if (err instanceof FieldSelectorError) throw new ArgoError(err.message, 400);
    throw err;
  }
}

const isConflict = (err: unknown): boolean => err instanceof StoreError && err.code === 409;

/** The name `argo get @latest` and friends use for the namespace's most recently created workflow. */
export const LATEST_ALIAS = '@latest';

/** How often a read-modify-write is tried again when another writer got in between. */
const CONFLICT_ATTEMPTS = 10;

export class LocalClient implements ArgoClient {
  readonly backend = 'local' as const;
  readonly namespace: string;
  private readonly store: ResourceStore;
  private engine?: Engine;

  constructor(private readonly opts: LocalClientOptions) {
    this.store = opts.store;
    this.namespace = opts.namespace;
  }

  /** Makes sure some controller will run workflows in this store. */
  async ensureEngine(): Promise<void> {
    if (this.opts.engine === 'none' || this.engine) return;
    if (this.opts.engine === 'in-process') {
      this.engine = new Engine(this.store, this.opts.home, this.opts.log);
      // If another controller leads, ours waits in the wings and takes over only if that one dies.
      void this.engine.start();
      return;
    }
    if (!(await controllerRunning(this.store))) spawnDetachedController(this.opts.home);
  }

  // ---- workflows ----------------------------------------------------------------------------

  async createWorkflow(namespace: string, wf: Workflow, opts: CreateOptions = {}): Promise<Workflow> {
    const obj = structuredClone(wf);
    obj.apiVersion ??= API_VERSION;
    obj.kind ??= 'Workflow';
    obj.metadata.namespace = namespace || obj.metadata.namespace || this.namespace;
    admit('Workflow', obj, await this.templates(obj.metadata.namespace ?? ''), { submit: true });
    if (opts.dryRun || opts.serverDryRun) return obj;
    const created = await this.store.create<Workflow>('Workflow', obj).catch(toArgoError);
    await this.ensureEngine();
    return created;
  }

  async submitFrom(
    namespace: string,
    kind: SubmitFromKind,
    name: string,
    opts: SubmitOpts,
  ): Promise<Workflow> {
    const ns = namespace || this.namespace;
    let wf: Workflow;
    switch (kind) {
      case 'workflowtemplate':
        await this.getWorkflowTemplate(ns, name);
        wf = workflowFromTemplate(name, false, ns);
        break;
      case 'clusterworkflowtemplate':
        await this.getClusterWorkflowTemplate(name);
        wf = workflowFromTemplate(name, true, ns);
        break;
      case 'cronwf':
      case 'cronworkflow': {
        const cron = await this.store.get<CronWorkflow>('CronWorkflow', ns, name);
        if (!cron) throw new ArgoError(`cronworkflows.argoproj.io "${name}" not found`, 404);
        // As Argo's server makes it: owned by the cron workflow, scheduled now.
        wf = workflowFromCronNow(cron, new Date());
        break;
      }
      default:
        throw new ArgoError(`Resource kind '${String(kind)}' is not supported for submitting`, 400);
    }
    try {
      applySubmitOpts(wf, opts);
    } catch (err) {
      throw new ArgoError((err as Error).message, 400);
    }
    return this.createWorkflow(ns, wf, { dryRun: opts.dryRun, serverDryRun: opts.serverDryRun });
  }

  async getWorkflow(namespace: string, name: string): Promise<Workflow> {
    const ns = namespace || this.namespace;
    if (name === LATEST_ALIAS) return this.latestWorkflow(ns);
    const wf = await this.store.get<Workflow>('Workflow', ns, name);
    if (!wf) throw new ArgoError(`workflows.argoproj.io "${name}" not found`, 404);
    return wf;
  }

  /** The most recently created workflow of the namespace; on a tie, the first listed, as Argo picks. */
  private async latestWorkflow(namespace: string): Promise<Workflow> {
    const { items } = await this.store.list<Workflow>('Workflow', { namespace }).catch(toArgoError);
    if (items.length === 0) throw new ArgoError('no workflows found', 404);
    let latest = items[0];
    for (const wf of items) {
      if (
        Date.parse(wf.metadata.creationTimestamp ?? '') > Date.parse(latest.metadata.creationTimestamp ?? '')
      )
        latest = wf;
    }
    return latest;
  }

  /** The real name behind `name`, resolving `@latest`. */
  private async resolveName(namespace: string, name: string): Promise<string> {
    if (name !== LATEST_ALIAS) return name;
    return (await this.latestWorkflow(namespace || this.namespace)).metadata.name ?? '';
  }

  async listWorkflows(namespace: string, opts: ListOptions = {}): Promise<ListResponse<Workflow>> {
    return this.listKind<Workflow>('Workflow', namespace, opts);
  }

  private async listKind<T extends KubeObject>(
    kind: ResourceKind,
    namespace: string,
    opts: ListOptions,
  ): Promise<ListResponse<T>> {
    const res = await this.store
      .list<T>(kind, {
        namespace: namespace || undefined,
        labelSelector: opts.labelSelector,
        fieldSelector: opts.fieldSelector,
        limit: opts.limit,
        continue: opts.continue,
      })
      .catch(toArgoError);
    return { metadata: { resourceVersion: res.resourceVersion, continue: res.continue }, items: res.items };
  }

  async deleteWorkflow(namespace: string, name: string): Promise<void> {
    const ns = namespace || this.namespace;
    name = (await this.getWorkflow(ns, name)).metadata.name ?? name;
    await this.store.delete('Workflow', ns, name).catch(toArgoError);
    // Held by a finalizer (artifact GC): a controller must run to let it go.
    if ((await this.store.get('Workflow', ns, name)) && !(await controllerRunning(this.store)))
      spawnDetachedController(this.opts.home);
    // Kubernetes garbage-collects owned pods; the local store does it here, with their logs.
    const pods = await this.store.list<Pod>('Pod', {
      namespace: ns,
      labelSelector: `workflows.argoproj.io/workflow=${name}`,
    });
    for (const pod of pods.items) await this.deletePod(ns, pod.metadata.name ?? '');
    const results = await this.store.list('WorkflowTaskResult', {
      namespace: ns,
      labelSelector: `workflows.argoproj.io/workflow=${name}`,
    });
    for (const r of results.items)
      await this.store.delete('WorkflowTaskResult', ns, r.metadata.name ?? '').catch(() => undefined);
    // The claims it made for its volumeClaimTemplates are owned by it too, with their folders.
    const claims = await this.store.list('PersistentVolumeClaim', {
      namespace: ns,
      labelSelector: `workflows.argoproj.io/workflow=${name}`,
    });
    for (const c of claims.items) {
      const claim = c.metadata.name ?? '';
      await this.store.delete('PersistentVolumeClaim', ns, claim).catch(() => undefined);
      await rm(claimFolder(this.opts.home, ns, claim), { recursive: true, force: true });
    }
  }

  /** Deletes a pod with the log and working folders the host runtime kept for it. */
  private async deletePod(namespace: string, podName: string): Promise<void> {
    await this.store.delete('Pod', namespace, podName).catch(() => undefined);
    for (const folder of ['logs', 'pods'])
      await rm(path.join(this.opts.home, folder, namespace, podName), { recursive: true, force: true });
  }

  /** Read-modify-write of one workflow, tried again on the fresh copy when another writer got in between. */
  private async changeWorkflow(
    namespace: string,
    name: string,
    change: (wf: Workflow) => Workflow | Promise<Workflow>,
  ): Promise<Workflow> {
    const ns = namespace || this.namespace;
    let wf = await this.getWorkflow(ns, name);
    for (let attempt = 1; ; attempt++) {
      const next = await formulate(() => change(wf));
      if (next === wf) return wf;
      try {
        const saved = await this.store.update<Workflow>('Workflow', next);
        await this.ensureEngine();
        return saved;
      } catch (err) {
        if (!isConflict(err) || attempt >= CONFLICT_ATTEMPTS) toArgoError(err);
        wf = await this.getWorkflow(ns, wf.metadata.name ?? name);
      }
    }
  }

  suspendWorkflow(namespace: string, name: string): Promise<Workflow> {
    return this.changeWorkflow(namespace, name, (wf) => suspendWorkflow(wf));
  }

  resumeWorkflow(namespace: string, name: string, opts: ResumeOpts = {}): Promise<Workflow> {
    return this.changeWorkflow(namespace, name, (wf) =>
      resumeWorkflow(wf, { nodeFieldSelector: opts.nodeFieldSelector }, new Date()),
    );
  }

  stopWorkflow(namespace: string, name: string, opts: StopOpts = {}): Promise<Workflow> {
    return this.changeWorkflow(namespace, name, (wf) =>
      stopWorkflow(wf, { nodeFieldSelector: opts.nodeFieldSelector, message: opts.message }, new Date()),
    );
  }

  terminateWorkflow(namespace: string, name: string): Promise<Workflow> {
    return this.changeWorkflow(namespace, name, (wf) => terminateWorkflow(wf));
  }

  setWorkflow(namespace: string, name: string, opts: SetOpts): Promise<Workflow> {
    return this.changeWorkflow(namespace, name, (wf) => setWorkflow(wf, opts, new Date()));
  }

  retryWorkflow(namespace: string, name: string, opts: RetryOpts = {}): Promise<Workflow> {
    const ns = namespace || this.namespace;
    return this.changeWorkflow(ns, name, async (wf) => {
      const { workflow, podsToDelete } = formulateRetryWorkflow(
        wf,
        {
          restartSuccessful: opts.restartSuccessful,
          nodeFieldSelector: opts.nodeFieldSelector,
          parameters: opts.parameters,
        },
        new Date(),
      );
      for (const pod of podsToDelete) await this.deletePod(ns, pod);
      // Outputs reported by the deleted pods must not be read for the pods that replace them.
      const kept = workflow.status?.nodes ?? {};
      for (const node of Object.values(wf.status?.nodes ?? {})) {
        if (node.type === 'Pod' && !kept[node.id])
          await this.store.delete('WorkflowTaskResult', ns, node.id).catch(() => undefined);
      }
      return workflow;
    });
  }

  async resubmitWorkflow(namespace: string, name: string, opts: ResubmitOpts = {}): Promise<Workflow> {
    const ns = namespace || this.namespace;
    const wf = await this.getWorkflow(ns, name);
    const next = await formulate(() =>
      formulateResubmitWorkflow(wf, { memoized: opts.memoized, parameters: opts.parameters }, new Date()),
    );
    return this.createWorkflow(ns, next);
  }

  async lintWorkflow(namespace: string, wf: Workflow): Promise<Workflow> {
    const obj = structuredClone(wf);
    obj.metadata.namespace = namespace || obj.metadata.namespace || this.namespace;
    admit('Workflow', obj, await this.templates(obj.metadata.namespace ?? ''), { lint: true });
    return obj;
  }

  async *watchWorkflows(
    namespace: string,
    opts: ListOptions & { resourceVersion?: string },
    signal?: AbortSignal,
  ): AsyncIterable<WatchEvent<Workflow>> {
    await this.ensureEngine();
    if (opts.fieldSelector?.split(',').some((t) => t.trim() === `metadata.name=${LATEST_ALIAS}`)) {
      // As the Argo Server does, a watch of `@latest` becomes a watch of the workflow it names.
      const latest = await this.latestWorkflow(namespace || this.namespace);
      opts = { ...opts, fieldSelector: `metadata.name=${latest.metadata.name ?? ''}` };
    }
    yield* watchToIterable<Workflow>(this.store, 'Workflow', namespace, opts, signal);
  }

  async *workflowLogs(
    namespace: string,
    name: string,
    opts: LogOptions,
    signal?: AbortSignal,
  ): AsyncIterable<LogEntry> {
    const ns = namespace || this.namespace;
    name = await this.resolveName(ns, name);
    if (opts.follow) await this.ensureEngine();
    const container = opts.container ?? 'main';
    const home = this.opts.home;
    const store = this.store;
    const streamed = new Set<string>();
    const merged = new MergedStreams<TimedEntry>();
    const startPod = (podName: string): void => {
      if (streamed.has(podName)) return;
      streamed.add(podName);
      merged.add(
        (async function* (): AsyncGenerator<TimedEntry> {
          for await (const line of readPodLogs(home, ns, podName, container, {
            follow: opts.follow,
            sinceTime: opts.sinceTime,
            sinceSeconds: opts.sinceSeconds,
            tailLines: opts.tailLines,
            timestamps: opts.timestamps,
            grep: opts.grep,
            signal,
          })) {
            yield { podName, content: line.content, time: line.time };
          }
        })(),
      );
    };
    const podsOf = (wf: Workflow): string[] =>
      Object.values(wf.status?.nodes ?? {})
        .filter((n: NodeStatus) => n.type === 'Pod')
        .sort((a, b) => Date.parse(a.startedAt ?? '') - Date.parse(b.startedAt ?? ''))
        .filter((n) => !opts.podName || podNameOf(wf, n) === opts.podName || n.id === opts.podName)
        .map((n) => podNameOf(wf, n));
    const wf = await this.getWorkflow(ns, name);
    if (opts.podName && podsOf(wf).length === 0) startPod(opts.podName);
    for (const p of podsOf(wf)) startPod(p);
    if (opts.follow && !isDone(wf)) {
      // New pods appear as the workflow runs; follow them until it is done.
      merged.addTask(
        (async () => {
          for await (const ev of watchToIterable<Workflow>(
            store,
            'Workflow',
            ns,
            { fieldSelector: `metadata.name=${name}` },
            signal,
          )) {
            for (const p of podsOf(ev.object)) startPod(p);
            if (isDone(ev.object) || ev.type === 'DELETED') break;
          }
        })(),
      );
    }
    // Lines from different pods are ordered by their timestamps, as the Argo Server orders them;
    // while following they are passed on as they are written.
    yield* sortedBatches(merged, opts.follow ? 0 : Infinity);
  }

  // ---- workflow templates -------------------------------------------------------------------

  async createWorkflowTemplate(namespace: string, t: WorkflowTemplate): Promise<WorkflowTemplate> {
    const obj = structuredClone(t);
    obj.apiVersion ??= API_VERSION;
    obj.kind ??= 'WorkflowTemplate';
    obj.metadata.namespace = namespace || obj.metadata.namespace || this.namespace;
    await this.lintWorkflowTemplate(obj.metadata.namespace, obj);
    return this.store.create<WorkflowTemplate>('WorkflowTemplate', obj).catch(toArgoError);
  }

  async getWorkflowTemplate(namespace: string, name: string): Promise<WorkflowTemplate> {
    const t = await this.store.get<WorkflowTemplate>('WorkflowTemplate', namespace || this.namespace, name);
    if (!t) throw new ArgoError(`workflowtemplates.argoproj.io "${name}" not found`, 404);
    return t;
  }

  listWorkflowTemplates(namespace: string, opts: ListOptions = {}): Promise<ListResponse<WorkflowTemplate>> {
    return this.listKind<WorkflowTemplate>('WorkflowTemplate', namespace, opts);
  }

  async updateWorkflowTemplate(namespace: string, t: WorkflowTemplate): Promise<WorkflowTemplate> {
    const ns = namespace || t.metadata.namespace || this.namespace;
    const existing = await this.getWorkflowTemplate(ns, t.metadata.name ?? '');
    const obj = structuredClone(t);
    obj.metadata.namespace = ns;
    obj.metadata.resourceVersion = existing.metadata.resourceVersion;
    await this.lintWorkflowTemplate(ns, obj);
    return this.store.update<WorkflowTemplate>('WorkflowTemplate', obj).catch(toArgoError);
  }

  async deleteWorkflowTemplate(namespace: string, name: string): Promise<void> {
    await this.getWorkflowTemplate(namespace, name);
    await this.store.delete('WorkflowTemplate', namespace || this.namespace, name).catch(toArgoError);
  }

  async lintWorkflowTemplate(namespace: string, t: WorkflowTemplate): Promise<WorkflowTemplate> {
    const obj = structuredClone(t);
    obj.metadata.namespace = namespace || obj.metadata.namespace || this.namespace;
    admit('WorkflowTemplate', obj, await this.templates(obj.metadata.namespace ?? ''), { lint: true });
    return obj;
  }

  // ---- cluster workflow templates -----------------------------------------------------------

  async createClusterWorkflowTemplate(t: ClusterWorkflowTemplate): Promise<ClusterWorkflowTemplate> {
    const obj = structuredClone(t);
    obj.apiVersion ??= API_VERSION;
    obj.kind ??= 'ClusterWorkflowTemplate';
    delete obj.metadata.namespace;
    await this.lintClusterWorkflowTemplate(obj);
    return this.store.create<ClusterWorkflowTemplate>('ClusterWorkflowTemplate', obj).catch(toArgoError);
  }

  async getClusterWorkflowTemplate(name: string): Promise<ClusterWorkflowTemplate> {
    const t = await this.store.get<ClusterWorkflowTemplate>('ClusterWorkflowTemplate', '', name);
    if (!t) throw new ArgoError(`clusterworkflowtemplates.argoproj.io "${name}" not found`, 404);
    return t;
  }

  listClusterWorkflowTemplates(opts: ListOptions = {}): Promise<ListResponse<ClusterWorkflowTemplate>> {
    return this.listKind<ClusterWorkflowTemplate>('ClusterWorkflowTemplate', '', opts);
  }

  async updateClusterWorkflowTemplate(t: ClusterWorkflowTemplate): Promise<ClusterWorkflowTemplate> {
    const existing = await this.getClusterWorkflowTemplate(t.metadata.name ?? '');
    const obj = structuredClone(t);
    obj.metadata.resourceVersion = existing.metadata.resourceVersion;
    await this.lintClusterWorkflowTemplate(obj);
    return this.store.update<ClusterWorkflowTemplate>('ClusterWorkflowTemplate', obj).catch(toArgoError);
  }

  async deleteClusterWorkflowTemplate(name: string): Promise<void> {
    await this.getClusterWorkflowTemplate(name);
    await this.store.delete('ClusterWorkflowTemplate', '', name).catch(toArgoError);
  }

  async lintClusterWorkflowTemplate(t: ClusterWorkflowTemplate): Promise<ClusterWorkflowTemplate> {
    admit('ClusterWorkflowTemplate', t, await this.templates(''), { lint: true });
    return t;
  }

  // ---- cron workflows -----------------------------------------------------------------------

  async createCronWorkflow(namespace: string, cron: CronWorkflow): Promise<CronWorkflow> {
    const obj = await this.lintCronWorkflow(namespace, cron);
    obj.apiVersion ??= API_VERSION;
    obj.kind ??= 'CronWorkflow';
    const created = await this.store.create<CronWorkflow>('CronWorkflow', obj).catch(toArgoError);
    if (!created.spec.suspend) await this.ensureEngine();
    return created;
  }

  async getCronWorkflow(namespace: string, name: string): Promise<CronWorkflow> {
    const cron = await this.store.get<CronWorkflow>('CronWorkflow', namespace || this.namespace, name);
    if (!cron) throw new ArgoError(`cronworkflows.argoproj.io "${name}" not found`, 404);
    return cron;
  }

  listCronWorkflows(namespace: string, opts: ListOptions = {}): Promise<ListResponse<CronWorkflow>> {
    return this.listKind<CronWorkflow>('CronWorkflow', namespace, opts);
  }

  async updateCronWorkflow(namespace: string, cron: CronWorkflow): Promise<CronWorkflow> {
    const ns = namespace || cron.metadata.namespace || this.namespace;
    const existing = await this.getCronWorkflow(ns, cron.metadata.name ?? '');
    const obj = await this.lintCronWorkflow(ns, cron);
    obj.apiVersion ??= API_VERSION;
    obj.kind ??= 'CronWorkflow';
    obj.metadata.resourceVersion ||= existing.metadata.resourceVersion;
    const saved = await this.store.update<CronWorkflow>('CronWorkflow', obj).catch(toArgoError);
    if (!saved.spec.suspend) await this.ensureEngine();
    return saved;
  }

  async deleteCronWorkflow(namespace: string, name: string): Promise<void> {
    const ns = namespace || this.namespace;
    const cron = await this.getCronWorkflow(ns, name);
    await this.store.delete('CronWorkflow', ns, name).catch(toArgoError);
    // Kubernetes garbage-collects the workflows a cron workflow owns; the local store does it here.
    const { items } = await this.store.list<Workflow>('Workflow', {
      namespace: ns,
      labelSelector: `workflows.argoproj.io/cron-workflow=${name}`,
    });
    for (const wf of items) {
      const owned = wf.metadata.ownerReferences?.some(
        (o) => o.kind === 'CronWorkflow' && o.uid === cron.metadata.uid,
      );
      if (owned) await this.deleteWorkflow(ns, wf.metadata.name ?? '').catch(() => undefined);
    }
  }

  async lintCronWorkflow(namespace: string, cron: CronWorkflow): Promise<CronWorkflow> {
    const obj = structuredClone(cron);
    obj.metadata.namespace = namespace || obj.metadata.namespace || this.namespace;
    // A v3.5 single `schedule` is taken as `schedules`, as `argo convert` migrates it.
    if (obj.spec?.schedule) {
      obj.spec.schedules = [obj.spec.schedule];
      delete obj.spec.schedule;
    }
    admit('CronWorkflow', obj, await this.templates(obj.metadata.namespace));
    return obj;
  }

  suspendCronWorkflow(namespace: string, name: string): Promise<CronWorkflow> {
    return this.setCronSuspend(namespace, name, true);
  }

  async resumeCronWorkflow(namespace: string, name: string): Promise<CronWorkflow> {
    const cron = await this.setCronSuspend(namespace, name, false);
    await this.ensureEngine();
    return cron;
  }

  private async setCronSuspend(namespace: string, name: string, suspend: boolean): Promise<CronWorkflow> {
    return this.store
      .patch<CronWorkflow>('CronWorkflow', namespace || this.namespace, name, { spec: { suspend } })
      .catch(toArgoError);
  }

  /** Every template references could resolve to, for admission checks. */
  private async templates(namespace: string): Promise<TemplateSnapshot> {
    const [wft, cwft] = await Promise.all([
      namespace
        ? this.store.list<WorkflowTemplate>('WorkflowTemplate', { namespace })
        : Promise.resolve({ items: [] }),
      this.store.list<ClusterWorkflowTemplate>('ClusterWorkflowTemplate'),
    ]);
    return { workflowTemplates: wft.items, clusterWorkflowTemplates: cwft.items };
  }

  // ---- archive: only an Argo Server with persistence keeps one --------------------------------

  listArchivedWorkflows(): Promise<ListResponse<Workflow>> {
    return Promise.reject(archiveNeedsServer());
  }

  getArchivedWorkflow(): Promise<Workflow> {
    return Promise.reject(archiveNeedsServer());
  }

  deleteArchivedWorkflow(): Promise<void> {
    return Promise.reject(archiveNeedsServer());
  }

  listArchivedWorkflowLabelKeys(): Promise<string[]> {
    return Promise.reject(archiveNeedsServer());
  }

  listArchivedWorkflowLabelValues(): Promise<string[]> {
    return Promise.reject(archiveNeedsServer());
  }

  resubmitArchivedWorkflow(): Promise<Workflow> {
    return Promise.reject(archiveNeedsServer());
  }

  retryArchivedWorkflow(): Promise<Workflow> {
    return Promise.reject(archiveNeedsServer());
  }

  // ---- sync limits: keys of ConfigMaps in the store ---------------------------------------------

  createSyncLimit(limit: SyncLimit): Promise<SyncLimit> {
    return syncLimits.createSyncLimit(this.store, { ...limit, namespace: limit.namespace || this.namespace });
  }

  getSyncLimit(ref: SyncLimitRef): Promise<SyncLimit> {
    return syncLimits.getSyncLimit(this.store, { ...ref, namespace: ref.namespace || this.namespace });
  }

  updateSyncLimit(limit: SyncLimit): Promise<SyncLimit> {
    return syncLimits.updateSyncLimit(this.store, { ...limit, namespace: limit.namespace || this.namespace });
  }

  deleteSyncLimit(ref: SyncLimitRef): Promise<void> {
    return syncLimits.deleteSyncLimit(this.store, { ...ref, namespace: ref.namespace || this.namespace });
  }

  async getArtifact(
    namespace: string,
    name: string,
    nodeId: string,
    artifactName: string,
    opts: { direction?: 'inputs' | 'outputs' } = {},
  ): Promise<Readable> {
    const workflow = await this.getWorkflow(namespace, name);
    const reader = new WorkflowArtifactReader({ home: this.opts.home, secret: storeSecrets(this.store) });
    const direction = opts.direction ?? 'outputs';
    const found = await reader.open({ workflow, nodeId, artifactName, direction });
    if (!found) throw new ArgoError(`artifact not found: ${artifactName}`, 404);
    return Buffer.isBuffer(found.body) ? Readable.from([found.body]) : found.body;
  }

  async getVersion(): Promise<VersionInfo> {
    return versionInfo();
  }

  async close(): Promise<void> {
    if (this.engine) {
      const wasLeader = this.engine.isLeader;
      const remaining = this.engine.activeWorkflowCount() + this.engine.scheduledCronCount();
      await this.engine.stop();
      this.engine = undefined;
      // Hand what is still running to a detached controller so it finishes without us.
      if (wasLeader && remaining > 0) spawnDetachedController(this.opts.home);
    }
    await this.store.close();
  }
}

interface TimedEntry extends LogEntry {
  time: string;
}

async function* sortedBatches(
  source: AsyncIterable<TimedEntry>,
  intervalMs: number,
): AsyncGenerator<LogEntry> {
  let batch: TimedEntry[] = [];
  let last = Date.now();
  const flush = function* (): Generator<LogEntry> {
    batch.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
    for (const e of batch) yield { podName: e.podName, content: e.content };
    batch = [];
    last = Date.now();
  };
  for await (const e of source) {
    batch.push(e);
    if (Date.now() - last >= intervalMs) yield* flush();
  }
  yield* flush();
}

function isDone(wf: Workflow): boolean {
  return Boolean(wf.status?.finishedAt) || wf.metadata.labels?.['workflows.argoproj.io/completed'] === 'true';
}

/** A store watch as an async iterable; ends when `signal` aborts. */
export async function* watchToIterable<T extends KubeObject>(
  store: ResourceStore,
  kind: ResourceKind,
  namespace: string,
  opts: ListOptions & { resourceVersion?: string },
  signal?: AbortSignal,
): AsyncGenerator<WatchEvent<T>> {
  const queue: WatchEvent<T>[] = [];
  let wake: (() => void) | undefined;
  let failure: Error | undefined;
  const w = store.watch<T>(
    kind,
    {
      namespace: namespace || undefined,
      labelSelector: opts.labelSelector,
      fieldSelector: opts.fieldSelector,
      resourceVersion: opts.resourceVersion,
    },
    (ev) => {
      queue.push(ev);
      wake?.();
    },
    (err) => {
      failure = err;
      wake?.();
    },
  );
  const onAbort = (): void => wake?.();
  signal?.addEventListener('abort', onAbort);
  try {
    while (!signal?.aborted) {
      if (queue.length > 0) {
        yield queue.shift()!;
        continue;
      }
      if (failure) throw failure;
      // Store timers do not hold the process open; a caller waiting on events must.
      const keepAlive = setTimeout(() => undefined, 2 ** 31 - 1);
      await new Promise<void>((resolve) => (wake = resolve));
      clearTimeout(keepAlive);
      wake = undefined;
    }
  } finally {
    w.stop();
    signal?.removeEventListener('abort', onAbort);
  }
}

/** Interleaves several async iterables, yielding items as they arrive; more can be added while running. */
class MergedStreams<T> implements AsyncIterable<T> {
  private readonly pending = new Set<Promise<void>>();
  private readonly items: T[] = [];
  private wake?: () => void;
  private errors: Error[] = [];

  add(it: AsyncIterable<T>): void {
    this.addTask(
      (async () => {
        for await (const item of it) {
          this.items.push(item);
          this.wake?.();
        }
      })(),
    );
  }

  /** Keeps the merged stream open until `task` settles (it may add more streams meanwhile). */
  addTask(task: Promise<void>): void {
    const p = task
      .catch((err: unknown) => {
        this.errors.push(err as Error);
      })
      .finally(() => {
        this.pending.delete(p);
        this.wake?.();
      });
    this.pending.add(p);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    while (true) {
      while (this.items.length > 0) yield this.items.shift()!;
      if (this.errors.length > 0) throw this.errors[0];
      if (this.pending.size === 0) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
  }
}

export { nodeTemplateName };
