// The http backend: every ArgoClient operation as the Argo Server REST call (grpc-gateway paths,
// `listOptions.*`/`logOptions.*` query parameters, request bodies naming the namespace) that Argo's
// own CLI makes with ARGO_HTTP1.
import type { Readable } from 'node:stream';
import type {
  ClusterWorkflowTemplate,
  CronWorkflow,
  Workflow,
  WorkflowTemplate,
} from '../../model/workflow.js';
import type {
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
  ActingOpts,
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
import { Transport, type QueryValue, type TransportOptions } from './transport.js';

const seg = encodeURIComponent;

function listQuery(opts: ListOptions & { resourceVersion?: string } = {}): Record<string, QueryValue> {
  return {
    'listOptions.labelSelector': opts.labelSelector,
    'listOptions.fieldSelector': opts.fieldSelector,
    'listOptions.limit': opts.limit,
    'listOptions.continue': opts.continue,
    'listOptions.resourceVersion': opts.resourceVersion,
  };
}

function list<T>(res: { metadata?: ListResponse<T>['metadata']; items?: T[] | null }): ListResponse<T> {
  return { metadata: res.metadata ?? {}, items: res.items ?? [] };
}

export interface HttpClientOptions extends TransportOptions {
  namespace: string;
}

export class HttpClient implements ArgoClient {
  readonly backend = 'http' as const;
  readonly namespace: string;
  private readonly http: Transport;

  constructor(opts: HttpClientOptions) {
    this.namespace = opts.namespace;
    this.http = new Transport(opts);
  }

  /** Where requests go, e.g. https://localhost:2746. */
  get address(): string {
    return this.http.base;
  }

  private ns(namespace: string): string {
    return namespace || this.namespace;
  }

  // ---- workflows ----------------------------------------------------------------------------

  createWorkflow(namespace: string, wf: Workflow, opts: CreateOptions = {}): Promise<Workflow> {
    const ns = this.ns(namespace);
    return this.http.json('POST', `/api/v1/workflows/${seg(ns)}`, {
      body: {
        namespace: ns,
        workflow: wf,
        serverDryRun: opts.serverDryRun || undefined,
        createOptions: opts.dryRun ? { dryRun: ['All'] } : undefined,
      },
    });
  }

  submitFrom(namespace: string, kind: SubmitFromKind, name: string, opts: SubmitOpts): Promise<Workflow> {
    const ns = this.ns(namespace);
    return this.http.json('POST', `/api/v1/workflows/${seg(ns)}/submit`, {
      body: { namespace: ns, resourceKind: kind, resourceName: name, submitOptions: opts },
    });
  }

  getWorkflow(namespace: string, name: string): Promise<Workflow> {
    return this.http.json('GET', `/api/v1/workflows/${seg(this.ns(namespace))}/${seg(name)}`);
  }

  async listWorkflows(namespace: string, opts: ListOptions = {}): Promise<ListResponse<Workflow>> {
    // '' lists every namespace, as `argo list -A` asks for `/api/v1/workflows/`.
    return list(
      await this.http.json('GET', `/api/v1/workflows/${seg(namespace)}`, { query: listQuery(opts) }),
    );
  }

  async deleteWorkflow(namespace: string, name: string): Promise<void> {
    const ns = this.ns(namespace);
    await this.http.json('DELETE', `/api/v1/workflows/${seg(ns)}/${seg(name)}`);
  }

  lintWorkflow(namespace: string, wf: Workflow): Promise<Workflow> {
    const ns = this.ns(namespace);
    return this.http.json('POST', `/api/v1/workflows/${seg(ns)}/lint`, {
      body: { namespace: ns, workflow: wf },
    });
  }

  private lifecycle(
    namespace: string,
    name: string,
    action: string,
    body: Record<string, unknown> = {},
  ): Promise<Workflow> {
    const ns = this.ns(namespace);
    return this.http.json('PUT', `/api/v1/workflows/${seg(ns)}/${seg(name)}/${action}`, {
      body: { name, namespace: ns, ...body },
    });
  }

  retryWorkflow(namespace: string, name: string, opts: RetryOpts = {}): Promise<Workflow> {
    return this.lifecycle(namespace, name, 'retry', onTheWire(opts));
  }

  resubmitWorkflow(namespace: string, name: string, opts: ResubmitOpts = {}): Promise<Workflow> {
    return this.lifecycle(namespace, name, 'resubmit', onTheWire(opts));
  }

  resumeWorkflow(namespace: string, name: string, opts: ResumeOpts = {}): Promise<Workflow> {
    return this.lifecycle(namespace, name, 'resume', onTheWire(opts));
  }

  suspendWorkflow(namespace: string, name: string): Promise<Workflow> {
    return this.lifecycle(namespace, name, 'suspend');
  }

  stopWorkflow(namespace: string, name: string, opts: StopOpts = {}): Promise<Workflow> {
    return this.lifecycle(namespace, name, 'stop', onTheWire(opts));
  }

  terminateWorkflow(namespace: string, name: string): Promise<Workflow> {
    return this.lifecycle(namespace, name, 'terminate');
  }

  setWorkflow(namespace: string, name: string, opts: SetOpts): Promise<Workflow> {
    return this.lifecycle(namespace, name, 'set', onTheWire(opts));
  }

  watchWorkflows(
    namespace: string,
    opts: ListOptions & { resourceVersion?: string },
    signal?: AbortSignal,
  ): AsyncIterable<WatchEvent<Workflow>> {
    return this.http.events<WatchEvent<Workflow>>(
      `/api/v1/workflow-events/${seg(namespace)}`,
      listQuery({
        labelSelector: opts.labelSelector,
        fieldSelector: opts.fieldSelector,
        resourceVersion: opts.resourceVersion,
      }),
      signal,
    );
  }

  async *workflowLogs(
    namespace: string,
    name: string,
    opts: LogOptions,
    signal?: AbortSignal,
  ): AsyncIterable<LogEntry> {
    const since = opts.sinceTime ? Date.parse(opts.sinceTime) : NaN;
    const entries = this.http.events<Partial<LogEntry>>(
      `/api/v1/workflows/${seg(this.ns(namespace))}/${seg(name)}/log`,
      {
        podName: opts.podName,
        'logOptions.container': opts.container ?? 'main',
        'logOptions.follow': opts.follow,
        'logOptions.previous': opts.previous,
        'logOptions.sinceSeconds': opts.sinceSeconds,
        'logOptions.sinceTime.seconds': Number.isNaN(since) ? undefined : Math.floor(since / 1000),
        'logOptions.sinceTime.nanos': Number.isNaN(since) ? undefined : (since % 1000) * 1e6 || undefined,
        'logOptions.timestamps': opts.timestamps,
        'logOptions.tailLines': opts.tailLines,
        grep: opts.grep,
        selector: opts.selector,
      },
      signal,
    );
    for await (const e of entries) yield { podName: e.podName ?? '', content: e.content ?? '' };
  }

  // ---- workflow templates -------------------------------------------------------------------

  createWorkflowTemplate(namespace: string, t: WorkflowTemplate): Promise<WorkflowTemplate> {
    const ns = this.ns(namespace);
    return this.http.json('POST', `/api/v1/workflow-templates/${seg(ns)}`, {
      body: { namespace: ns, template: t },
    });
  }

  getWorkflowTemplate(namespace: string, name: string): Promise<WorkflowTemplate> {
    return this.http.json('GET', `/api/v1/workflow-templates/${seg(this.ns(namespace))}/${seg(name)}`);
  }

  async listWorkflowTemplates(
    namespace: string,
    opts: ListOptions = {},
  ): Promise<ListResponse<WorkflowTemplate>> {
    return list(
      await this.http.json('GET', `/api/v1/workflow-templates/${seg(namespace)}`, { query: listQuery(opts) }),
    );
  }

  updateWorkflowTemplate(namespace: string, t: WorkflowTemplate): Promise<WorkflowTemplate> {
    const ns = this.ns(namespace || t.metadata.namespace || '');
    const name = t.metadata.name ?? '';
    return this.http.json('PUT', `/api/v1/workflow-templates/${seg(ns)}/${seg(name)}`, {
      body: { namespace: ns, name, template: t },
    });
  }

  async deleteWorkflowTemplate(namespace: string, name: string): Promise<void> {
    await this.http.json('DELETE', `/api/v1/workflow-templates/${seg(this.ns(namespace))}/${seg(name)}`);
  }

  lintWorkflowTemplate(namespace: string, t: WorkflowTemplate): Promise<WorkflowTemplate> {
    const ns = this.ns(namespace);
    return this.http.json('POST', `/api/v1/workflow-templates/${seg(ns)}/lint`, {
      body: { namespace: ns, template: t },
    });
  }

  // ---- cluster workflow templates -----------------------------------------------------------

  createClusterWorkflowTemplate(t: ClusterWorkflowTemplate): Promise<ClusterWorkflowTemplate> {
    return this.http.json('POST', '/api/v1/cluster-workflow-templates', { body: { template: t } });
  }

  getClusterWorkflowTemplate(name: string): Promise<ClusterWorkflowTemplate> {
    return this.http.json('GET', `/api/v1/cluster-workflow-templates/${seg(name)}`);
  }

  async listClusterWorkflowTemplates(opts: ListOptions = {}): Promise<ListResponse<ClusterWorkflowTemplate>> {
    return list(
      await this.http.json('GET', '/api/v1/cluster-workflow-templates', { query: listQuery(opts) }),
    );
  }

  updateClusterWorkflowTemplate(t: ClusterWorkflowTemplate): Promise<ClusterWorkflowTemplate> {
    const name = t.metadata.name ?? '';
    return this.http.json('PUT', `/api/v1/cluster-workflow-templates/${seg(name)}`, {
      body: { name, template: t },
    });
  }

  async deleteClusterWorkflowTemplate(name: string): Promise<void> {
    await this.http.json('DELETE', `/api/v1/cluster-workflow-templates/${seg(name)}`);
  }

  lintClusterWorkflowTemplate(t: ClusterWorkflowTemplate): Promise<ClusterWorkflowTemplate> {
    return this.http.json('POST', '/api/v1/cluster-workflow-templates/lint', { body: { template: t } });
  }

  // ---- cron workflows ------------------------------------------------------------------------

  createCronWorkflow(namespace: string, cron: CronWorkflow): Promise<CronWorkflow> {
    const ns = this.ns(namespace);
    return this.http.json('POST', `/api/v1/cron-workflows/${seg(ns)}`, {
      body: { namespace: ns, cronWorkflow: cron },
    });
  }

  getCronWorkflow(namespace: string, name: string): Promise<CronWorkflow> {
    return this.http.json('GET', `/api/v1/cron-workflows/${seg(this.ns(namespace))}/${seg(name)}`);
  }

  async listCronWorkflows(namespace: string, opts: ListOptions = {}): Promise<ListResponse<CronWorkflow>> {
    return list(
      await this.http.json('GET', `/api/v1/cron-workflows/${seg(namespace)}`, { query: listQuery(opts) }),
    );
  }

  updateCronWorkflow(namespace: string, cron: CronWorkflow): Promise<CronWorkflow> {
    const ns = this.ns(namespace || cron.metadata.namespace || '');
    const name = cron.metadata.name ?? '';
    return this.http.json('PUT', `/api/v1/cron-workflows/${seg(ns)}/${seg(name)}`, {
      body: { namespace: ns, name, cronWorkflow: cron },
    });
  }

  async deleteCronWorkflow(namespace: string, name: string): Promise<void> {
    await this.http.json('DELETE', `/api/v1/cron-workflows/${seg(this.ns(namespace))}/${seg(name)}`);
  }

  lintCronWorkflow(namespace: string, cron: CronWorkflow): Promise<CronWorkflow> {
    const ns = this.ns(namespace);
    return this.http.json('POST', `/api/v1/cron-workflows/${seg(ns)}/lint`, {
      body: { namespace: ns, cronWorkflow: cron },
    });
  }

  private cronAction(namespace: string, name: string, action: 'suspend' | 'resume'): Promise<CronWorkflow> {
    const ns = this.ns(namespace);
    return this.http.json('PUT', `/api/v1/cron-workflows/${seg(ns)}/${seg(name)}/${action}`, {
      body: { namespace: ns, name },
    });
  }

  suspendCronWorkflow(namespace: string, name: string): Promise<CronWorkflow> {
    return this.cronAction(namespace, name, 'suspend');
  }

  resumeCronWorkflow(namespace: string, name: string): Promise<CronWorkflow> {
    return this.cronAction(namespace, name, 'resume');
  }

  // ---- archived workflows ------------------------------------------------------------------

  async listArchivedWorkflows(
    namespace: string,
    opts: ArchiveListOptions = {},
  ): Promise<ListResponse<Workflow>> {
    return list(
      await this.http.json('GET', '/api/v1/archived-workflows', {
        query: { ...listQuery(opts), namespace, namePrefix: opts.namePrefix, nameFilter: opts.nameFilter },
      }),
    );
  }

  getArchivedWorkflow(ref: ArchiveRef): Promise<Workflow> {
    return this.http.json('GET', `/api/v1/archived-workflows/${seg(ref.uid ?? '')}`, {
      query: { namespace: ref.namespace, name: ref.name },
    });
  }

  async deleteArchivedWorkflow(ref: ArchiveRef): Promise<void> {
    await this.http.json('DELETE', `/api/v1/archived-workflows/${seg(ref.uid ?? '')}`, {
      query: { namespace: ref.namespace, name: ref.name },
    });
  }

  async listArchivedWorkflowLabelKeys(namespace?: string): Promise<string[]> {
    const res = await this.http.json<{ items?: string[] | null }>(
      'GET',
      '/api/v1/archived-workflows-label-keys',
      {
        query: { namespace },
      },
    );
    return res.items ?? [];
  }

  async listArchivedWorkflowLabelValues(labelSelector: string, namespace?: string): Promise<string[]> {
    const res = await this.http.json<{ items?: string[] | null }>(
      'GET',
      '/api/v1/archived-workflows-label-values',
      { query: { 'listOptions.labelSelector': labelSelector, namespace } },
    );
    return res.items ?? [];
  }

  resubmitArchivedWorkflow(ref: ArchiveRef, opts: ArchiveResubmitOpts = {}): Promise<Workflow> {
    return this.http.json('PUT', `/api/v1/archived-workflows/${seg(ref.uid ?? '')}/resubmit`, {
      body: { uid: ref.uid, name: ref.name, namespace: opts.namespace ?? ref.namespace, ...opts },
    });
  }

  retryArchivedWorkflow(ref: ArchiveRef, opts: ArchiveRetryOpts = {}): Promise<Workflow> {
    return this.http.json('PUT', `/api/v1/archived-workflows/${seg(ref.uid ?? '')}/retry`, {
      body: { uid: ref.uid, name: ref.name, namespace: opts.namespace ?? ref.namespace, ...opts },
    });
  }

  // ---- sync limits --------------------------------------------------------------------------

  private syncLimit(res: Partial<SyncLimit>, fallback: SyncLimitRef): SyncLimit {
    // Go leaves out zero values: CONFIGMAP (enum 0) and a zero limit come back absent.
    return {
      namespace: res.namespace ?? fallback.namespace,
      key: res.key ?? fallback.key,
      cmName: res.cmName ?? fallback.cmName,
      limit: Number(res.limit ?? 0),
      type: res.type ?? 'CONFIGMAP',
    };
  }

  async createSyncLimit(req: SyncLimit): Promise<SyncLimit> {
    const ns = this.ns(req.namespace);
    const body = { ...req, namespace: ns };
    return this.syncLimit(await this.http.json('POST', `/api/v1/sync/${seg(ns)}`, { body }), body);
  }

  async getSyncLimit(ref: SyncLimitRef): Promise<SyncLimit> {
    const ns = this.ns(ref.namespace);
    const res = await this.http.json<Partial<SyncLimit>>('GET', `/api/v1/sync/${seg(ns)}/${seg(ref.key)}`, {
      query: { type: ref.type, cmName: ref.cmName },
    });
    return this.syncLimit(res, { ...ref, namespace: ns });
  }

  async updateSyncLimit(req: SyncLimit): Promise<SyncLimit> {
    const ns = this.ns(req.namespace);
    const body = { ...req, namespace: ns };
    const res = await this.http.json<Partial<SyncLimit>>('PUT', `/api/v1/sync/${seg(ns)}/${seg(req.key)}`, {
      body,
    });
    return this.syncLimit(res, body);
  }

  async deleteSyncLimit(ref: SyncLimitRef): Promise<void> {
    const ns = this.ns(ref.namespace);
    await this.http.json('DELETE', `/api/v1/sync/${seg(ns)}/${seg(ref.key)}`, {
      query: { type: ref.type, cmName: ref.cmName },
    });
  }

  getArtifact(
    namespace: string,
    name: string,
    nodeId: string,
    artifactName: string,
    opts: { direction?: 'inputs' | 'outputs' } = {},
  ): Promise<Readable> {
    const route = opts.direction === 'inputs' ? 'input-artifacts' : 'artifacts';
    const ns = this.ns(namespace);
    return this.http.download(`/${route}/${seg(ns)}/${seg(name)}/${seg(nodeId)}/${seg(artifactName)}`);
  }

  getVersion(): Promise<VersionInfo> {
    return this.http.json('GET', '/api/v1/version');
  }

  close(): Promise<void> {
    return this.http.close();
  }
}

/** A request's fields without the actor, which the server works out from the request itself. */
function onTheWire<T extends ActingOpts>(opts: T): Omit<T, 'actor'> {
  const { actor: _actor, ...fields } = opts;
  return fields;
}
