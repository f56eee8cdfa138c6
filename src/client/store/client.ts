// The ArgoClient over a ResourceStore: every command as the Argo Server would serve it, written
// once for any store. Where the store lives (this machine, a cluster) is the host's business: who
// runs the workflows, who removes what deleted objects owned, where logs and artifacts are read.
// What only writes use (admission checks, the lifecycle formulations, cron's child workflows) is
// imported by the methods that use it, so `argo list` and `argo get` load none of it.
import type { Readable } from 'node:stream';
import { setImmediate } from 'node:timers/promises';
import type { KubeObject } from '../../model/meta.js';
import type {
  ClusterWorkflowTemplate,
  CronWorkflow,
  Workflow,
  WorkflowTemplate,
} from '../../model/workflow.js';
import { API_VERSION } from '../../model/workflow.js';
import { isWorkflowCompleted } from '../../workflow/lifecycle/suspend.js';
import type { ResourceKind, ResourceStore } from '../../store/types.js';
import { StoreError } from '../../store/types.js';
import { dryRunCreate } from '../../store/semantics.js';
import { applySubmitOpts, workflowFromTemplate } from '../../workflow/submit-opts.js';
import { labelCreator } from '../../workflow/lifecycle/actor.js';
import type {
  ActingOpts,
  Actor,
  ArchiveListOptions,
  ArchiveRef,
  ArchiveResubmitOpts,
  ArchiveRetryOpts,
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
import type { AdmitKind, TemplateSnapshot, Validatable } from '../validate.js';
import { versionInfo } from '../version.js';
import { isHydrated, WorkflowHydrator } from '../../persist/hydrator.js';
import { DatabaseUnreachableError } from '../../persist/database-reachability.js';
import { archiveOf, findArchived, labelKeyOf, listArchive } from './archive.js';
import type { ClientHost } from './host.js';
import { watchToIterable } from './streams.js';
import * as syncLimits from './sync-limits.js';
import { workflowLogsOf } from './workflow-logs.js';

export interface StoreClientOptions {
  store: ResourceStore;
  /** The namespace commands use when none is given. */
  namespace: string;
  host: ClientHost;
}

function toArgoError(err: unknown): never {
  if (err instanceof StoreError) throw new ArgoError(err.message, err.code);
  throw err;
}

type Lifecycle = typeof import('../../workflow/lifecycle/index.js');

/** Runs a lifecycle formulation, reporting refusals as the Argo Server would. */
async function formulate<T>(fn: (lifecycle: Lifecycle) => T | Promise<T>): Promise<T> {
  const [lifecycle, { FieldSelectorError }] = await Promise.all([
    import('../../workflow/lifecycle/index.js'),
    import('../../workflow/node-field-selector.js'),
  ]);
  try {
    return await fn(lifecycle);
  } catch (err) {
    if (err instanceof lifecycle.LifecycleError) throw new ArgoError(err.message, err.status);
    if (err instanceof FieldSelectorError) throw new ArgoError(err.message, 400);
    throw err;
  }
}

const isConflict = (err: unknown): boolean => err instanceof StoreError && err.code === 409;

/** The name `argo get @latest` and friends use for the namespace's most recently created workflow. */
export const LATEST_ALIAS = '@latest';

/** How often a read-modify-write is tried again when another writer got in between. */
const CONFLICT_ATTEMPTS = 10;

export class StoreClient implements ArgoClient {
  readonly backend: ClientHost['backend'];
  readonly namespace: string;
  protected readonly store: ResourceStore;
  protected readonly host: ClientHost;

  /**
   * Who creates objects through this client, recorded in their creator labels as upstream records
   * the caller its API client stands for (the kube backend: its kubeconfig user). Unset, a
   * manifest's labels are stored as they are (the local backend, where nobody signs in, and the
   * Argo Server, whose routes label with each request's caller).
   */
  protected creator?: () => Promise<Actor | undefined>;

  /**
   * Why a workflow with offloaded nodes cannot be read here, for a client that can never reach
   * the database (the CLI on the Kubernetes API). Unset: the hydrator's own error (upstream's
   * server without persistence answers with it).
   */
  protected offloadUnreadable?: (wf: Workflow) => string;

  /** Reads compressed nodes when the host has no hydrator of its own (no database configured). */
  private inlineHydrator?: WorkflowHydrator;

  constructor(opts: StoreClientOptions) {
    this.store = opts.store;
    this.namespace = opts.namespace;
    this.host = opts.host;
    this.backend = opts.host.backend;
  }

  // ---- workflows ----------------------------------------------------------------------------

  async createWorkflow(namespace: string, wf: Workflow, opts: CreateOptions = {}): Promise<Workflow> {
    const obj = structuredClone(wf);
    obj.apiVersion ??= API_VERSION;
    obj.kind ??= 'Workflow';
    obj.metadata.namespace = namespace || obj.metadata.namespace || this.namespace;
    if (this.creator) labelCreator(obj, await this.creator());
    await this.admit('Workflow', obj, { submit: true });
    if (opts.dryRun) return obj;
    if (opts.serverDryRun) {
      try {
        return dryRunCreate('Workflow', obj);
      } catch (err) {
        return toArgoError(err);
      }
    }
    if (opts.signal) {
      // Validation is synchronous: let a signal that came during it be handled before storing.
      await setImmediate();
      opts.signal.throwIfAborted();
    }
    const created = await this.store.create<Workflow>('Workflow', obj).catch(toArgoError);
    await this.host.ensureController();
    return created;
  }

  async submitFrom(
    namespace: string,
    kind: SubmitFromKind,
    name: string,
    opts: SubmitOpts & ActingOpts,
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
        const { workflowFromCronNow } = await import('../../controller/cron/child-workflow.js');
        wf = workflowFromCronNow(cron, new Date());
        break;
      }
      default:
        throw new ArgoError(`Resource kind '${String(kind)}' is not supported for submitting`, 400);
    }
    const { actor, ...submitOpts } = opts;
    try {
      applySubmitOpts(wf, submitOpts);
    } catch (err) {
      throw new ArgoError((err as Error).message, 400);
    }
    if ('actor' in opts) labelCreator(wf, actor);
    return this.createWorkflow(ns, wf, { dryRun: opts.dryRun, serverDryRun: opts.serverDryRun });
  }

  /**
   * The live workflow, else (as the Argo Server's GetWorkflow falls back) the latest archived run
   * of that name: a record, labelled workflow-archiving-status=Persisted, that callers can tell.
   */
  async getWorkflow(namespace: string, name: string): Promise<Workflow> {
    try {
      return await this.liveWorkflow(namespace, name);
    } catch (err) {
      if (!(err instanceof ArgoError && err.status === 404) || name === LATEST_ALIAS || !this.host.archive)
        throw err;
      // An archive that cannot be read leaves the answer the store gave.
      const archived = await this.host
        .archive()
        .then((a) => a.get('', namespace || this.namespace, name))
        .catch(() => undefined);
      if (!archived) throw err;
      return archived;
    }
  }

  /** The workflow in the store, with its nodes; what changes a workflow reads, as it cannot change a record. */
  private async liveWorkflow(namespace: string, name: string): Promise<Workflow> {
    const ns = namespace || this.namespace;
    if (name === LATEST_ALIAS) return this.hydrated(await this.latestWorkflow(ns));
    const wf = await this.store.get<Workflow>('Workflow', ns, name);
    if (!wf) throw new ArgoError(`workflows.argoproj.io "${name}" not found`, 404);
    return this.hydrated(wf);
  }

  /**
   * The workflow with its nodes inline, wherever the controller put them (compressed, offloaded).
   * `shared`: for readers that only read it (watchers), whose copies may share the nodes.
   */
  private async hydrated(wf: Workflow, shared = false): Promise<Workflow> {
    if (isHydrated(wf)) return wf;
    if (!this.host.hydrator && this.offloadUnreadable && wf.status?.offloadNodeStatusVersion)
      throw new ArgoError(this.offloadUnreadable(wf), 501);
    // Without a database, one hydrator per client still decompresses an event once for all its watchers.
    const hydrator = this.host.hydrator
      ? await this.host.hydrator()
      : (this.inlineHydrator ??= new WorkflowHydrator(undefined, false));
    try {
      return await hydrator.hydrate(wf, { shared });
    } catch (err) {
      // A database that is down answers 503 (try again later), not a failure of the workflow.
      throw new ArgoError(`${(err as Error).message}`, err instanceof DatabaseUnreachableError ? 503 : 500);
    }
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
    // An archive that cannot be opened leaves the live workflows to list.
    const archive = this.host.archiveToList
      ? await this.host.archiveToList().catch(() => undefined)
      : undefined;
    if (!archive) return this.listKind<Workflow>('Workflow', namespace, opts);
    const { mergedPage, workflowListCriteria } = await import('../../server/workflow-list.js');
    let criteria;
    try {
      criteria = workflowListCriteria({
        namespace,
        fieldSelector: opts.fieldSelector,
        limit: opts.limit,
        continue: opts.continue,
      });
    } catch (err) {
      // A field the archive cannot select by (the Argo Server refuses it): the live ones, selected by the store.
      if (opts.fieldSelector) return this.listKind<Workflow>('Workflow', namespace, opts);
      throw new ArgoError((err as Error).message, 400);
    }
    // The Argo Server's merge, so both list the same workflows in the same pages.
    const page = await mergedPage(this.store, archive, criteria, opts.labelSelector, (labelSelector) =>
      this.store.list<Workflow>('Workflow', { namespace: namespace || undefined, labelSelector }),
    ).catch(toArgoError);
    return {
      metadata: { resourceVersion: page.resourceVersion, continue: page.continue },
      items: page.items,
    };
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
    const wf = await this.liveWorkflow(ns, name);
    await this.store.delete('Workflow', ns, wf.metadata.name ?? name).catch(toArgoError);
    await this.host.collectWorkflow(wf);
  }

  /** Read-modify-write of one workflow, tried again on the fresh copy when another writer got in between. */
  private async changeWorkflow(
    namespace: string,
    name: string,
    change: (wf: Workflow, lifecycle: Lifecycle) => Workflow | Promise<Workflow>,
  ): Promise<Workflow> {
    const ns = namespace || this.namespace;
    let wf = await this.liveWorkflow(ns, name);
    for (let attempt = 1; ; attempt++) {
      const next = await formulate((lifecycle) => change(wf, lifecycle));
      if (next === wf) return wf;
      try {
        const saved = await this.store.update<Workflow>('Workflow', next);
        await this.host.ensureController();
        return saved;
      } catch (err) {
        if (!isConflict(err) || attempt >= CONFLICT_ATTEMPTS) toArgoError(err);
        wf = await this.liveWorkflow(ns, wf.metadata.name ?? name);
      }
    }
  }

  suspendWorkflow(namespace: string, name: string, opts: ActingOpts = {}): Promise<Workflow> {
    return this.changeWorkflow(namespace, name, (wf, lc) => lc.suspendWorkflow(wf, { actor: opts.actor }));
  }

  resumeWorkflow(namespace: string, name: string, opts: ResumeOpts = {}): Promise<Workflow> {
    return this.changeWorkflow(namespace, name, (wf, lc) =>
      lc.resumeWorkflow(wf, { nodeFieldSelector: opts.nodeFieldSelector, actor: opts.actor }, new Date()),
    );
  }

  stopWorkflow(namespace: string, name: string, opts: StopOpts = {}): Promise<Workflow> {
    return this.changeWorkflow(namespace, name, (wf, lc) =>
      lc.stopWorkflow(
        wf,
        { nodeFieldSelector: opts.nodeFieldSelector, message: opts.message, actor: opts.actor },
        new Date(),
      ),
    );
  }

  terminateWorkflow(namespace: string, name: string, opts: ActingOpts = {}): Promise<Workflow> {
    return this.changeWorkflow(namespace, name, (wf, lc) => lc.terminateWorkflow(wf, { actor: opts.actor }));
  }

  setWorkflow(namespace: string, name: string, opts: SetOpts): Promise<Workflow> {
    return this.changeWorkflow(namespace, name, (wf, lc) => lc.setWorkflow(wf, opts, new Date()));
  }

  retryWorkflow(namespace: string, name: string, opts: RetryOpts = {}): Promise<Workflow> {
    const ns = namespace || this.namespace;
    return this.changeWorkflow(ns, name, async (wf, lc) => {
      const { workflow, podsToDelete } = lc.formulateRetryWorkflow(
        wf,
        {
          restartSuccessful: opts.restartSuccessful,
          nodeFieldSelector: opts.nodeFieldSelector,
          parameters: opts.parameters,
          actor: opts.actor,
        },
        new Date(),
      );
      for (const pod of podsToDelete) await this.host.deletePod(ns, pod);
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
    const next = await formulate((lc) =>
      lc.formulateResubmitWorkflow(
        wf,
        { memoized: opts.memoized, parameters: opts.parameters, actor: opts.actor },
        new Date(),
      ),
    );
    return this.createWorkflow(ns, next);
  }

  async lintWorkflow(namespace: string, wf: Workflow): Promise<Workflow> {
    const obj = structuredClone(wf);
    obj.metadata.namespace = namespace || obj.metadata.namespace || this.namespace;
    await this.admit('Workflow', obj, { lint: true });
    return obj;
  }

  async *watchWorkflows(
    namespace: string,
    opts: ListOptions & { resourceVersion?: string },
    signal?: AbortSignal,
  ): AsyncIterable<WatchEvent<Workflow>> {
    if (opts.fieldSelector?.split(',').some((t) => t.trim() === `metadata.name=${LATEST_ALIAS}`)) {
      // As the Argo Server does, a watch of `@latest` becomes a watch of the workflow it names.
      const latest = await this.latestWorkflow(namespace || this.namespace);
      opts = { ...opts, fieldSelector: `metadata.name=${latest.metadata.name ?? ''}` };
    }
    // The engine is made sure of when the watch shows a workflow it still has to run (the first
    // events are the ones that exist): watching finished ones (`argo wait` or `argo watch` of a
    // workflow that is done) is a read, and loads nothing of it.
    let engineEnsured = false;
    for await (const event of watchToIterable<Workflow>(this.store, 'Workflow', namespace, opts, signal)) {
      const shown = event.type === 'ADDED' || event.type === 'MODIFIED';
      if (!engineEnsured && shown && !isWorkflowCompleted(event.object)) {
        engineEnsured = true;
        await this.host.ensureController();
      }
      // A deleted workflow's offloaded rows may be gone already: its last state is shown as stored.
      if (event.type !== 'DELETED' && event.object && !isHydrated(event.object))
        // Every watcher of the server gets this event: its nodes are read once for all of them.
        yield { ...event, object: await this.hydrated(event.object, true) };
      else yield event;
    }
  }

  async *workflowLogs(
    namespace: string,
    name: string,
    opts: LogOptions,
    signal?: AbortSignal,
  ): AsyncIterable<LogEntry> {
    const ns = namespace || this.namespace;
    name = await this.resolveName(ns, name);
    if (opts.follow) await this.host.ensureController();
    const wf = await this.getWorkflow(ns, name);
    yield* workflowLogsOf(this.store, this.host, ns, name, wf, opts, signal, (w) => this.hydrated(w, true));
  }

  // ---- workflow templates -------------------------------------------------------------------

  async createWorkflowTemplate(namespace: string, t: WorkflowTemplate): Promise<WorkflowTemplate> {
    const obj = structuredClone(t);
    obj.apiVersion ??= API_VERSION;
    obj.kind ??= 'WorkflowTemplate';
    obj.metadata.namespace = namespace || obj.metadata.namespace || this.namespace;
    if (this.creator) labelCreator(obj, await this.creator());
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
    await this.admit('WorkflowTemplate', obj, { lint: true });
    return obj;
  }

  // ---- cluster workflow templates -----------------------------------------------------------

  async createClusterWorkflowTemplate(t: ClusterWorkflowTemplate): Promise<ClusterWorkflowTemplate> {
    const obj = structuredClone(t);
    obj.apiVersion ??= API_VERSION;
    obj.kind ??= 'ClusterWorkflowTemplate';
    delete obj.metadata.namespace;
    if (this.creator) labelCreator(obj, await this.creator());
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
    await this.admit('ClusterWorkflowTemplate', t, { lint: true });
    return t;
  }

  // ---- cron workflows -----------------------------------------------------------------------

  async createCronWorkflow(namespace: string, cron: CronWorkflow): Promise<CronWorkflow> {
    const obj = await this.lintCronWorkflow(namespace, cron);
    obj.apiVersion ??= API_VERSION;
    obj.kind ??= 'CronWorkflow';
    if (this.creator) labelCreator(obj, await this.creator());
    const created = await this.store.create<CronWorkflow>('CronWorkflow', obj).catch(toArgoError);
    if (!created.spec.suspend) await this.host.ensureController();
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
    if (!saved.spec.suspend) await this.host.ensureController();
    return saved;
  }

  async deleteCronWorkflow(namespace: string, name: string): Promise<void> {
    const ns = namespace || this.namespace;
    const cron = await this.getCronWorkflow(ns, name);
    await this.store.delete('CronWorkflow', ns, name).catch(toArgoError);
    await this.host.collectCronWorkflow(ns, cron);
  }

  async lintCronWorkflow(namespace: string, cron: CronWorkflow): Promise<CronWorkflow> {
    const obj = structuredClone(cron);
    obj.metadata.namespace = namespace || obj.metadata.namespace || this.namespace;
    // A v3.5 single `schedule` is taken as `schedules`, as `argo convert` migrates it.
    if (obj.spec?.schedule) {
      obj.spec.schedules = [obj.spec.schedule];
      delete obj.spec.schedule;
    }
    await this.admit('CronWorkflow', obj);
    return obj;
  }

  suspendCronWorkflow(namespace: string, name: string): Promise<CronWorkflow> {
    return this.setCronSuspend(namespace, name, true);
  }

  async resumeCronWorkflow(namespace: string, name: string): Promise<CronWorkflow> {
    const cron = await this.setCronSuspend(namespace, name, false);
    await this.host.ensureController();
    return cron;
  }

  private async setCronSuspend(namespace: string, name: string, suspend: boolean): Promise<CronWorkflow> {
    return this.store
      .patch<CronWorkflow>('CronWorkflow', namespace || this.namespace, name, { spec: { suspend } })
      .catch(toArgoError);
  }

  /**
   * Throws a 400 ArgoError when the object would not be admitted, checked against every template
   * its references could resolve to in its namespace.
   */
  private async admit(
    kind: AdmitKind,
    obj: Validatable,
    opts: { lint?: boolean; submit?: boolean } = {},
  ): Promise<void> {
    const namespace = kind === 'ClusterWorkflowTemplate' ? '' : (obj.metadata.namespace ?? '');
    const [{ admit }, wft, cwft] = await Promise.all([
      import('../validate.js'),
      namespace
        ? this.store.list<WorkflowTemplate>('WorkflowTemplate', { namespace })
        : Promise.resolve({ items: [] }),
      this.store.list<ClusterWorkflowTemplate>('ClusterWorkflowTemplate'),
    ]);
    const snapshot: TemplateSnapshot = { workflowTemplates: wft.items, clusterWorkflowTemplates: cwft.items };
    admit(kind, obj, snapshot, opts);
  }

  // ---- archive: the Argo Server keeps it; the local backend reads its own ----------------------

  async listArchivedWorkflows(
    namespace: string,
    opts: ArchiveListOptions = {},
  ): Promise<ListResponse<Workflow>> {
    return listArchive(await archiveOf(this.host), namespace, opts);
  }

  async getArchivedWorkflow(ref: ArchiveRef): Promise<Workflow> {
    return findArchived(await archiveOf(this.host), ref);
  }

  async deleteArchivedWorkflow(ref: ArchiveRef): Promise<void> {
    const archive = await archiveOf(this.host);
    const wf = await findArchived(archive, ref);
    await archive.delete(wf.metadata.uid ?? '');
  }

  async listArchivedWorkflowLabelKeys(): Promise<string[]> {
    return (await archiveOf(this.host)).labelKeys();
  }

  async listArchivedWorkflowLabelValues(labelSelector: string): Promise<string[]> {
    const key = labelKeyOf(labelSelector);
    return (await archiveOf(this.host)).labelValues(key);
  }

  async resubmitArchivedWorkflow(ref: ArchiveRef, opts: ArchiveResubmitOpts = {}): Promise<Workflow> {
    const wf = await findArchived(await archiveOf(this.host), ref);
    const rerun = await import('../../persist/archive-rerun.js');
    const next = await formulate(() => rerun.resubmitFromArchive(wf, opts, new Date()));
    return this.createWorkflow(opts.namespace || wf.metadata.namespace || this.namespace, next);
  }

  async retryArchivedWorkflow(ref: ArchiveRef, opts: ArchiveRetryOpts = {}): Promise<Workflow> {
    const wf = await findArchived(await archiveOf(this.host), ref);
    const ns = opts.namespace || wf.metadata.namespace || this.namespace;
    const rerun = await import('../../persist/archive-rerun.js');
    if (await this.store.get<Workflow>('Workflow', ns, wf.metadata.name ?? ''))
      throw new ArgoError(rerun.RETRY_LIVE_EXISTS, 409);
    const next = await formulate(() => rerun.retryFromArchive(wf, opts, new Date()));
    return this.createWorkflow(ns, next);
  }

  // ---- sync limits: keys of ConfigMaps in the store ---------------------------------------------

  private syncDatabaseOf(): syncLimits.SyncDatabaseOf {
    return this.host.syncDatabase ? () => this.host.syncDatabase!() : undefined;
  }

  createSyncLimit(limit: SyncLimit): Promise<SyncLimit> {
    return syncLimits.createSyncLimit(
      this.store,
      { ...limit, namespace: limit.namespace || this.namespace },
      this.syncDatabaseOf(),
    );
  }

  getSyncLimit(ref: SyncLimitRef): Promise<SyncLimit> {
    return syncLimits.getSyncLimit(
      this.store,
      { ...ref, namespace: ref.namespace || this.namespace },
      this.syncDatabaseOf(),
    );
  }

  updateSyncLimit(limit: SyncLimit): Promise<SyncLimit> {
    return syncLimits.updateSyncLimit(
      this.store,
      { ...limit, namespace: limit.namespace || this.namespace },
      this.syncDatabaseOf(),
    );
  }

  deleteSyncLimit(ref: SyncLimitRef): Promise<void> {
    return syncLimits.deleteSyncLimit(
      this.store,
      { ...ref, namespace: ref.namespace || this.namespace },
      this.syncDatabaseOf(),
    );
  }

  async getArtifact(
    namespace: string,
    name: string,
    nodeId: string,
    artifactName: string,
    opts: { direction?: 'inputs' | 'outputs' } = {},
  ): Promise<Readable> {
    const workflow = await this.getWorkflow(namespace, name);
    const direction = opts.direction ?? 'outputs';
    const found = await this.host.openArtifact({ workflow, nodeId, artifactName, direction });
    if (!found) throw new ArgoError(`artifact not found: ${artifactName}`, 404);
    // node:stream taken here, not imported: reads on the local backend load this module, and
    // node:stream is some 20 of Node's modules that only an artifact download needs.
    const { Readable } = process.getBuiltinModule('node:stream');
    return Buffer.isBuffer(found.body) ? Readable.from([found.body]) : found.body;
  }

  async getVersion(): Promise<VersionInfo> {
    return versionInfo();
  }

  async close(): Promise<void> {
    await this.host.close();
    await this.store.close();
  }
}
