// Resource templates on an engine whose pods are not argoexec's (the local engine): the controller
// does the step itself, as argoexec's resource command would in a pod, through a Kubernetes API the
// engine provides (the embedded store served on loopback). Like the HTTP agent it keeps the
// operator synchronous: the operator asks for a node's result and starts the step when there is
// none; the agent wakes the workflow when the step is done, and stops steps of workflows that end.
// A step runs once: once its action is done, the object acted on is recorded in the node's
// WorkflowTaskResult, so a step restarted by a new controller only waits and reads outputs again.
// The engine runs controllers for few kinds (workflows, cron workflows, and pods through the host
// runtime): a success condition on the status of any other kind (a Job's, a Deployment's) could
// never hold, so the step fails at once and says so rather than waiting forever.
import type { Template } from '../model/template.js';
import type { Workflow, WorkflowTaskResult } from '../model/workflow.js';
import type { DynamicClient } from '../store/kube/dynamic.js';
import type { ResourceStore } from '../store/types.js';
import type { ExecutorLog } from '../executor/argoexec/log.js';
import type { ActedOnRef } from '../executor/argoexec/resource/act.js';
import { formatRequirement, parseConditions } from '../executor/argoexec/resource/conditions.js';
import { manifestObjects, parseManifest } from '../executor/argoexec/resource/manifest.js';
import { LABEL_WORKFLOW } from '../executor/pod-contract.js';
import { nodeKey, NodeResults, workflowPrefix, type NodeResult } from './node-results.js';

/** What the operator calls. */
export interface ResourceHooks {
  result(wf: Workflow, nodeId: string): NodeResult | undefined;
  /** Starts the node's step unless it is running or finished. */
  start(wf: Workflow, nodeId: string, tmpl: Template): void;
}

/** A Kubernetes API to act on, connected on first use. */
export type ResourceApi = () => Promise<DynamicClient>;

export interface ResourceAgentOptions {
  api: ResourceApi;
  /** Where the node's WorkflowTaskResult records the object its action acted on. */
  store: ResourceStore;
  /** Called with `<namespace>/<name>` when one of the workflow's steps has finished. */
  onDone(workflowKey: string): void;
  log?: (msg: string) => void;
  /** How often success and failure conditions are checked; default 1 s (the store is local). */
  intervalMs?: number;
}

/** The task result annotation naming the object a step acted on (JSON of an ActedOnRef). */
export const ANNOTATION_ACTED_ON = 'argo-ts.io/resource-acted-on';

export class ResourceAgent implements ResourceHooks {
  private readonly running = new Map<string, AbortController>();
  private readonly results = new NodeResults();

  constructor(private readonly opts: ResourceAgentOptions) {}

  result(wf: Workflow, nodeId: string): NodeResult | undefined {
    return this.results.get(nodeKey(wf, nodeId));
  }

  start(wf: Workflow, nodeId: string, tmpl: Template): void {
    const key = nodeKey(wf, nodeId);
    if (this.running.has(key) || this.results.has(key)) return;
    const stop = new AbortController();
    this.running.set(key, stop);
    const ns = wf.metadata.namespace ?? '';
    const name = wf.metadata.name ?? '';
    void this.run(wf, nodeId, tmpl, stop.signal)
      .then(
        (outputs): NodeResult => ({ phase: 'Succeeded', outputs }),
        (err: Error): NodeResult => ({ phase: 'Failed', message: explained(err.message) }),
      )
      .then((result) => {
        this.running.delete(key);
        // A step stopped because its workflow ended has no result worth keeping.
        if (stop.signal.aborted) return;
        this.results.set(key, result);
        this.opts.onDone(`${ns}/${name}`);
      });
  }

  /** Stops the workflow's running steps and forgets its results (it has completed or gone). */
  forgetWorkflow(wf: Workflow): void {
    const prefix = workflowPrefix(wf);
    for (const [k, stop] of this.running) if (k.startsWith(prefix)) stop.abort();
    this.results.forget(wf);
  }

  stopAll(): void {
    for (const stop of this.running.values()) stop.abort();
  }

  private async run(wf: Workflow, nodeId: string, tmpl: Template, stop: AbortSignal) {
    const resource = tmpl.resource!;
    if (resource.manifestFrom?.artifact)
      throw new Error(
        'resource.manifestFrom is not supported on the local engine: give the manifest inline (resource.manifest)',
      );
    const [{ actOnResource }, { RESOURCE_MANIFEST }] = await Promise.all([
      import('../executor/argoexec/resource/act.js'),
      import('../executor/argoexec/init.js'),
    ]);
    // Before anything is done: a step that could only wait forever should leave nothing behind.
    for (const obj of kindsInManifest(resource.manifest)) refuseUnreachableWait(tmpl, obj);
    const client = await this.opts.api();
    const namespace = wf.metadata.namespace ?? '';
    const record = await this.opts.store.get<WorkflowTaskResult>('WorkflowTaskResult', namespace, nodeId);
    const recorded = record?.metadata.annotations?.[ANNOTATION_ACTED_ON];
    const resumeFrom = recorded ? (JSON.parse(recorded) as ActedOnRef) : undefined;
    if (resumeFrom) refuseUnreachableWait(tmpl, resumeFrom);
    return actOnResource({
      tmpl,
      action: resource.action,
      manifest: resource.manifest ?? '',
      shown: RESOURCE_MANIFEST,
      client,
      namespace: wf.metadata.namespace || 'default',
      workflowName: wf.metadata.name ?? '',
      workflowUid: wf.metadata.uid ?? '',
      intervalMs: this.opts.intervalMs ?? 1000,
      log: this.stepLog(wf),
      stop,
      resumeFrom,
      onActed: async (ref) => {
        await this.recordActedOn(wf, nodeId, ref);
        // An object resource.flags named, whose kind is known only now.
        refuseUnreachableWait(tmpl, ref);
      },
    });
  }

  private async recordActedOn(wf: Workflow, nodeId: string, ref: ActedOnRef): Promise<void> {
    await this.opts.store.create<WorkflowTaskResult>('WorkflowTaskResult', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'WorkflowTaskResult',
      metadata: {
        name: nodeId,
        namespace: wf.metadata.namespace,
        labels: { [LABEL_WORKFLOW]: wf.metadata.name ?? '' },
        annotations: { [ANNOTATION_ACTED_ON]: JSON.stringify(ref) },
        ownerReferences: [
          {
            apiVersion: 'argoproj.io/v1alpha1',
            kind: 'Workflow',
            name: wf.metadata.name ?? '',
            uid: wf.metadata.uid ?? '',
          },
        ],
      },
    });
  }

  /** The step's warnings and errors go to the controller's log; its progress lines are dropped. */
  private stepLog(wf: Workflow): ExecutorLog {
    const log = this.opts.log ?? (() => undefined);
    const prefix = `resource step of ${wf.metadata.namespace ?? ''}/${wf.metadata.name ?? ''}`;
    const quiet = () => undefined;
    const loud = (msg: string, fields?: Record<string, unknown>) =>
      log(`${prefix}: ${msg}${fields ? ` ${JSON.stringify(fields)}` : ''}`);
    return { debug: quiet, info: quiet, warn: loud, error: loud };
  }
}

/** kubectl's message for an unserved kind says to install CRDs; here it is the engine that lacks it. */
function explained(message: string): string {
  return message.includes('no matches for kind')
    ? `${message} (the Kubernetes API this engine acts on does not serve that kind, nor runs its controller: run this workflow on a cluster)`
    : message;
}

/** The kinds whose status a controller of this engine writes, as `apiVersion/kind`. */
const STATUS_WRITTEN_HERE: ReadonlySet<string> = new Set([
  'argoproj.io/v1alpha1/Workflow',
  'argoproj.io/v1alpha1/CronWorkflow',
  'v1/Pod',
]);

/** Operators that hold only when the field is there: on a status nobody writes, never. */
const NEEDS_VALUE: ReadonlySet<string> = new Set(['=', 'in', 'exists', 'gt', 'lt']);

interface KindRef {
  apiVersion?: string;
  kind?: string;
}

/** The apiVersion and kind of each object of an inline manifest; none when it does not parse. */
function kindsInManifest(manifest: string | undefined): KindRef[] {
  if (!manifest) return [];
  try {
    return manifestObjects(parseManifest(manifest, 'resource.manifest'), 'resource.manifest');
  } catch {
    // The action reports a manifest that does not parse, in its own words.
    return [];
  }
}

/** Fails the step when its success condition waits on a status no controller here writes. */
function refuseUnreachableWait(tmpl: Template, obj: KindRef): void {
  if (!obj.apiVersion || !obj.kind || STATUS_WRITTEN_HERE.has(`${obj.apiVersion}/${obj.kind}`)) return;
  let success;
  try {
    success = parseConditions(tmpl.resource?.successCondition).success;
  } catch {
    return; // The action reports a condition that does not parse.
  }
  const waits = success.find(
    (r) => (r.key === 'status' || r.key.startsWith('status.')) && NEEDS_VALUE.has(r.operator),
  );
  if (!waits) return;
  throw new Error(
    `success condition '${formatRequirement(waits)}' waits on the status of the ${obj.kind} (${obj.apiVersion}) ` +
      "it acts on, which only that kind's controller writes, and this engine runs none: the step would " +
      'wait forever; run this workflow on a cluster',
  );
}
