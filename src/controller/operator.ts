// One reconciliation of one workflow: walk the template tree from the entrypoint, create the nodes
// and pods that are due, fold pod results into nodes, and derive the workflow's phase. The walk is
// idempotent, so running it again after any event (or after a controller restart) continues where
// the stored status left off.
import {
  archiveLocationOf,
  hasLocation,
  resolveArtifactRepository,
  type ArtifactRepositoryConfig,
  type ArtifactRepositoryRefStatus,
} from '../artifacts/index.js';
import type { ConfigMap, PersistentVolumeClaim } from '../model/meta.js';
import type { Pod } from '../model/pod.js';
import type {
  Arguments,
  Artifact,
  ArtifactLocation,
  Outputs,
  Parameter,
  Synchronization,
  Template,
} from '../model/template.js';
import type {
  ClusterWorkflowTemplate,
  NodeFlag,
  NodePhase,
  NodeStatus,
  NodeType,
  Workflow,
  WorkflowPhase,
  WorkflowSpec,
  WorkflowTaskResult,
  WorkflowTemplate,
} from '../model/workflow.js';
import { isActiveSuspendNode, nodeTypeFacts } from '../model/node-types.js';
import { isPodTemplate, nodeTypeOf, templateKind, type TemplateKindField } from '../model/template-kinds.js';
import {
  applyTemplateDefaults,
  applyWorkflowDefaults,
  joinWorkflowSpec,
  type WorkflowDefaults,
} from '../workflow/merge.js';
import { nodeId as computeNodeId } from '../workflow/node-id.js';
import {
  nodeTemplateName,
  POD_NAME_FORMAT_ANNOTATION,
  podName as computePodName,
  workflowPodNameVersion,
} from '../workflow/pod-name.js';
import { updateProgress } from '../workflow/progress.js';
import {
  isDaemoned,
  nodeFulfilled,
  phaseCompleted,
  phaseFailedOrError,
  phaseFulfilled,
  rfc3339,
  workflowPhaseCompleted,
} from '../workflow/phase.js';
import { orderParameter, processArgs, substituteParams } from '../workflow/args.js';
import { parseArgoDuration, parseGoDuration } from '../workflow/duration.js';
import { TemplateContext, type TemplateGetters, type TemplateHolder } from '../workflow/template-context.js';
import type { Vars } from '../workflow/template-string.js';
import { substituteGlobalVariables } from './exec-spec.js';
import { buildGlobalParams, workflowDuration } from './globals.js';
import { assessPod } from './pod-status.js';
import { podFinished, reportTimeout, reportWaitLeftMs } from './task-result-timeout.js';
import { missingPodGraceLeftMs } from './missing-pod.js';
import { podNeedsTermination } from './container-signals.js';
import { buildPod, claimNameFor, type PodLayout } from './pod-builder.js';
import type { HttpHooks } from './http-agent.js';
import type { ResourceHooks } from './resource-agent.js';
import { FINALIZER_ARTIFACT_GC, needsArtifactGC } from './artifact-gc.js';
import { renderTemplate } from '../workflow/template-string.js';
import { Scope } from './scope.js';
import { executeSteps } from './steps.js';
import { executeDag } from './dag.js';
import { validateForRun } from './validate-run.js';
import { nodeDurationSeconds, processNodeRetries, retriedChildren, type RetryOutcome } from './retry.js';
import { executeWorkflowHooks, exitHookOf, shutdownAllows } from './hooks.js';

export const LABEL_COMPLETED = 'workflows.argoproj.io/completed';
export const LABEL_PHASE = 'workflows.argoproj.io/phase';
export const LABEL_WORKFLOW = 'workflows.argoproj.io/workflow';
export const ANNOTATION_NODE_ID = 'workflows.argoproj.io/node-id';
export const ANNOTATION_NODE_NAME = 'workflows.argoproj.io/node-name';
export const LABEL_ON_EXIT = 'workflows.argoproj.io/on-exit';

/** Locks for `synchronization` (mutexes and semaphores), shared by all workflows of a controller. */
export interface SyncHooks {
  /** `holderKey` is the node id, or '' for the workflow itself. */
  tryAcquire(
    wf: Workflow,
    holderKey: string,
    sync: Synchronization,
  ): { acquired: boolean; updated: boolean; message: string; failedLockName: string; error?: string };
  release(wf: Workflow, holderKey: string, sync: Synchronization | undefined): void;
  releaseAll(wf: Workflow): void;
}

/** The memoization cache (ConfigMaps named by `memoize.cache.configMap`). */
export interface MemoHooks {
  /** The cached outputs for `key`, unless absent or older than `maxAgeMs`. */
  load(
    namespace: string,
    cacheName: string,
    key: string,
    maxAgeMs: number | undefined,
    now: Date,
  ): { outputs?: Outputs } | undefined;
  save(
    namespace: string,
    cacheName: string,
    key: string,
    nodeId: string,
    outputs: Outputs | undefined,
    now: Date,
  ): void;
}

/** What the operation may read; the controller serves these from its caches. */
export interface OperatorDeps {
  sync?: SyncHooks;
  memo?: MemoHooks;
  /** Runs HTTP templates (the controller's agent). */
  http?: HttpHooks;
  /** Does resource templates' steps; without it they fail (no Kubernetes API to act on). */
  resource?: ResourceHooks;
  /** The controller configuration's artifactRepository, and the namespace the controller runs in. */
  artifacts?: { defaultRepository?: ArtifactRepositoryConfig; controllerNamespace: string };
  now(): Date;
  getWorkflowTemplate(namespace: string, name: string): WorkflowTemplate | undefined;
  getClusterWorkflowTemplate(name: string): ClusterWorkflowTemplate | undefined;
  getConfigMap(namespace: string, name: string): ConfigMap | undefined;
  getPod(namespace: string, name: string): Pod | undefined;
  getTaskResult(namespace: string, name: string): WorkflowTaskResult | undefined;
  /** The last state of a pod deleted not long ago (see task-result-timeout.ts); none: not kept. */
  getDeletedPod?(namespace: string, name: string): Pod | undefined;
  /** Which pod layout pods are built in; default the host layout (see pod-builder.ts). */
  pods?: { layout: PodLayout; executorImage?: string };
  /** The controller configuration's workflowDefaults, laid under each workflow as it starts. */
  workflowDefaults?: WorkflowDefaults;
  /** The ConfigMap's podGCDeleteDelayDuration, stated on pods in their pod-gc-strategy annotation. */
  podGCDeleteDelayMs?: number;
  /**
   * This workflow's node ids by node name, kept by the caller from one pass to the next: an id
   * never changes for a name, and a wide fan-out would otherwise hash every item's name again on
   * every pass. Without it, the ids are worked out afresh in each pass.
   */
  nodeIds?: Map<string, string>;
}

export interface ClaimToCreate {
  name: string;
  template: PersistentVolumeClaim;
}

export interface OperateResult {
  workflow: Workflow;
  updated: boolean;
  podsToCreate: Pod[];
  podsToDelete: string[];
  /** Running pods whose main containers are done: the containers still running are to be ended. */
  podsToTerminate: string[];
  /**
   * Claims for the workflow's volumeClaimTemplates, to create (an existing one is reused), each
   * with its template from the execution spec, global variables substituted.
   */
  claimsToCreate: ClaimToCreate[];
  /** Operate again after this many milliseconds even without an event (suspend durations, deadlines). */
  requeueAfterMs?: number;
  /**
   * Operate again at once: this pass changed something that the rest of it could not act on (a
   * failFast stop marked its node failed and went no further), so the next pass has work that no
   * event will announce. The controller does not queue a pass for the events of its own writes.
   */
  again: boolean;
}

export interface ExecuteOpts {
  boundaryID?: string;
  /** What holds the template: a step or a DAG task (sets `steps.name` / `tasks.name`). */
  holderKind?: 'step' | 'task';
  /** Pods must finish by then (backoff.maxDuration). */
  executionDeadline?: Date;
  onExitTemplate?: boolean;
  nodeFlag?: NodeFlag;
  /**
   * Set by a caller whose holder has no variables in it (see WorkflowOperation.knownHeldBack):
   * when the workflow's parallelism holds this new node back, like holders are held back too.
   */
  heldBackProbe?: string;
}

/**
 * What executeTemplate (and the hooks that run through it) returns when a parallelism limit (or a
 * failFast stop) holds a node back for now: not an error of the node. Callers stop what they were
 * doing for this pass, as upstream does on ErrParallelismReached; a value, not an exception, since
 * a wide fan-out holds back most of its items on every pass.
 */
export const HELD_BACK = Symbol('held back by parallelism');
export type HeldBack = typeof HELD_BACK;

/** Nodes Argo puts between a step/task and its templates in a display name: "[0]", ".", "(0:x)". */
const STEPS_OR_DAG_SEPARATOR = /^(\[\d+\])?\./;

/** What the executor of a template's kind is given: the node to make or advance, and how. */
interface KindCall {
  /** The node as it stands, if it exists. */
  node: NodeStatus | undefined;
  nodeName: string;
  ctx: TemplateContext;
  templateScope: string;
  tmpl: Template;
  holder: TemplateHolder;
  opts: ExecuteOpts;
}

type KindExecutor = (op: WorkflowOperation, c: KindCall) => NodeStatus;

/** The node of a template that cannot run: an Error node, or the existing node marked Error. */
function kindError(
  op: WorkflowOperation,
  c: Pick<KindCall, 'node' | 'nodeName' | 'templateScope' | 'holder' | 'opts'>,
  err: Error,
): NodeStatus {
  const { node, nodeName, templateScope, holder, opts } = c;
  return op.initializeNodeOrMarkError(
    node,
    nodeName,
    templateScope,
    holder,
    opts.boundaryID,
    opts.nodeFlag,
    err,
  );
}

export class WorkflowOperation {
  private static readonly POD_EXECUTOR: KindExecutor = (op, c) =>
    op.executePod(c.nodeName, c.templateScope, c.tmpl, c.holder, c.opts);

  /** How a node of each kind of template (model/template-kinds.ts) is made or advanced. */
  private static readonly KIND_EXECUTORS: Record<TemplateKindField, KindExecutor> = {
    container: WorkflowOperation.POD_EXECUTOR,
    containerSet: WorkflowOperation.POD_EXECUTOR,
    script: WorkflowOperation.POD_EXECUTOR,
    data: WorkflowOperation.POD_EXECUTOR,
    resource: (op, c) => op.executeResource(c.nodeName, c.templateScope, c.tmpl, c.holder, c.opts),
    http: (op, c) => op.executeHttp(c.nodeName, c.templateScope, c.tmpl, c.holder, c.opts),
    suspend: (op, c) => op.executeSuspend(c.nodeName, c.templateScope, c.tmpl, c.holder, c.opts),
    steps: (op, c) => executeSteps(op, c.nodeName, c.ctx, c.templateScope, c.tmpl, c.holder, c.opts),
    dag: (op, c) => executeDag(op, c.nodeName, c.ctx, c.templateScope, c.tmpl, c.holder, c.opts),
    plugin: (op, c) =>
      kindError(op, c, new Error('plugin templates are not supported by the local engine yet')),
  };

  readonly wf: Workflow;
  execSpec!: WorkflowSpec;
  globals: Vars = {};
  private wrote = false;
  /**
   * Counts the changes made in this pass: every change of the status sets `updated`, so answers
   * derived from the node graph (childrenFulfilled) are kept only while it stands still.
   */
  private changes = 0;

  /** How many changes this pass has made so far: answers kept while it stands still stay true. */
  get changeCount(): number {
    return this.changes;
  }

  /** Whether this pass changed the workflow, so it must be written. */
  get updated(): boolean {
    return this.wrote;
  }

  set updated(value: boolean) {
    if (value) {
      this.wrote = true;
      this.changes++;
    }
  }
  readonly podsToCreate: Pod[] = [];
  readonly podsToDelete: string[] = [];
  readonly podsToTerminate: string[] = [];
  readonly claimsToCreate: ClaimToCreate[] = [];
  /** The repository the workflow's artifacts go to (status.artifactRepositoryRef). */
  artifactRepository: ArtifactRepositoryConfig | undefined;
  private requeueAt?: number;
  private again = false;
  private podsCreatedThisRound = new Set<string>();
  activePods = 0;
  rootCtx!: TemplateContext;

  /**
   * The operation changes the workflow it is given, so by default it works on a copy. `owned` says
   * the caller hands over an object nobody else holds (the controller's copy from its last write),
   * which saves a deep copy of every node on every pass.
   */
  constructor(
    wf: Workflow,
    readonly deps: OperatorDeps,
    opts: { owned?: boolean } = {},
  ) {
    // A JSON round trip is the fastest deep copy of a plain API object.
    this.wf = opts.owned ? wf : (JSON.parse(JSON.stringify(wf)) as Workflow);
    this.wf.status ??= {};
    this.ids = deps.nodeIds ?? new Map();
  }

  get nodes(): Record<string, NodeStatus> {
    return (this.wf.status!.nodes ??= {});
  }

  get namespace(): string {
    return this.wf.metadata.namespace ?? 'default';
  }

  get name(): string {
    return this.wf.metadata.name ?? '';
  }

  now(): Date {
    return this.deps.now();
  }

  requeueAfter(ms: number): void {
    const at = this.now().getTime() + Math.max(ms, 0);
    if (this.requeueAt === undefined || at < this.requeueAt) this.requeueAt = at;
  }

  /** Asks for another pass straight after this one (see OperateResult.again). */
  requeue(): void {
    this.again = true;
  }

  result(): OperateResult {
    return {
      workflow: this.wf,
      updated: this.updated,
      podsToCreate: this.podsToCreate,
      podsToDelete: this.podsToDelete,
      podsToTerminate: this.podsToTerminate,
      claimsToCreate: this.claimsToCreate,
      requeueAfterMs:
        this.requeueAt === undefined ? undefined : Math.max(this.requeueAt - this.now().getTime(), 0),
      again: this.again,
    };
  }

  // ---- the reconciliation -------------------------------------------------------------------

  operate(): OperateResult {
    const status = this.wf.status!;
    if (this.wf.metadata.labels?.[LABEL_COMPLETED] === 'true') return this.result();
    if (!this.setExecWorkflow()) return this.finish();
    if (!this.resolveArtifactRepository()) return this.finish();
    this.addArtifactGCFinalizer();

    // Workflow-level synchronization: the whole workflow waits for its locks.
    if (this.execSpec.synchronization && this.deps.sync) {
      const lock = this.deps.sync.tryAcquire(this.wf, '', this.execSpec.synchronization);
      if (lock.updated) this.updated = true;
      if (lock.error) {
        this.markWorkflowPhase('Failed', `Failed to acquire the synchronization lock. ${lock.error}`);
        return this.finish();
      }
      if (!lock.acquired) {
        if (this.execSpec.shutdown) {
          // Shutting down while queued for the lock: nothing ran, nothing will.
          this.deps.sync.releaseAll(this.wf);
          this.markWorkflowPhase('Failed', `Stopped with strategy '${this.execSpec.shutdown}'`);
        } else {
          this.markWorkflowPhase(status.phase || 'Pending', lock.message);
        }
        return this.finish();
      }
    }

    // The nodes not yet finished, in the map's order: what the pod and deadline checks and the
    // count of active pods look at. Those only finish nodes and make none, so one walk of a wide
    // workflow's nodes per pass serves the three.
    let open: NodeStatus[] | undefined;
    if (!status.phase || status.phase === 'Pending') {
      this.markWorkflowPhase('Running', '');
      // Pods are first reconciled in the next pass (the PodRunning condition), as upstream's
      // pass after its own write does; no event of this write asks for that pass.
      this.requeue();
      this.claimVolumes();
      const annotations = (this.wf.metadata.annotations ??= {});
      annotations[POD_NAME_FORMAT_ANNOTATION] = workflowPodNameVersion(this.wf);
      const deadline = this.workflowDeadline();
      if (deadline) this.requeueAfter(deadline.getTime() - this.now().getTime());
    } else {
      open = this.unfinishedNodes();
      this.podReconciliation(open);
      this.failNodesWithoutPodsAfterDeadlineOrShutdown(open);
    }
    this.globals['workflow.duration'] = workflowDuration(status.startedAt, this.now());
    if (this.execSpec.suspend) return this.finish();

    this.activePods = this.countActivePods('', open);
    let node: NodeStatus | undefined | HeldBack;
    try {
      node = this.executeTemplate(
        this.name,
        { template: this.execSpec.entrypoint },
        this.rootCtx,
        this.execSpec.arguments ?? {},
        {},
      );
    } catch (err) {
      this.markWorkflowError(`error in entry template execution: ${(err as Error).message}`);
      return this.finish();
    }
    if (!node || node === HELD_BACK) return this.finish();

    const phase = workflowPhaseOfNode(node.phase);
    this.globals['workflow.status'] = phase;
    // Read only by what runs after the entry node in this pass: the workflow's hooks and its exit
    // handler. A workflow with neither is spared a walk of every node per pass.
    if (this.execSpec.hooks || this.execSpec.onExit) this.globals['workflow.failures'] = this.failuresJson();

    let hooksDone: boolean | HeldBack;
    try {
      hooksDone = executeWorkflowHooks(this);
    } catch (err) {
      this.markNodeError(node.name, err as Error);
      hooksDone = true;
    }
    if (hooksDone === HELD_BACK) return this.finish();
    if (!hooksDone || !nodeFulfilled(node)) return this.finish();

    let exitNode: NodeStatus | undefined;
    const exitHook = exitHookOf(this.execSpec, this.execSpec.arguments);
    if (exitHook) {
      const onExitName = `${this.name}.onExit`;
      exitNode = this.getNodeByName(onExitName);
      if (exitNode || shutdownAllows(this, true)) {
        let ran: NodeStatus | undefined | HeldBack;
        try {
          ran = this.executeTemplate(
            onExitName,
            { template: exitHook.template, templateRef: exitHook.templateRef },
            this.rootCtx,
            exitHook.arguments ?? {},
            {
              onExitTemplate: true,
              nodeFlag: { hooked: true },
            },
          );
        } catch (err) {
          this.markWorkflowError(`error in exit template execution : ${(err as Error).message}`);
          return this.finish();
        }
        if (!ran || ran === HELD_BACK || !nodeFulfilled(ran)) return this.finish();
        exitNode = ran;
      }
    }

    const message =
      phaseFailedOrError(node.phase) && this.execSpec.shutdown
        ? `Stopped with strategy '${this.execSpec.shutdown}'`
        : (node.message ?? '');
    if (phase === 'Succeeded' && exitNode && phaseFailedOrError(exitNode.phase)) {
      this.markWorkflowPhase(exitNode.phase === 'Failed' ? 'Failed' : 'Error', exitNode.message ?? '');
    } else {
      this.markWorkflowPhase(phase, phase === 'Succeeded' ? '' : message);
    }
    return this.finish();
  }

  private finish(): OperateResult {
    if (this.updated) updateProgress(this.wf);
    return this.result();
  }

  /** Sets up the spec the workflow executes with, its template context and global variables. */
  private setExecWorkflow(): boolean {
    const status = this.wf.status!;
    const ref = this.wf.spec.workflowTemplateRef;
    if (ref) {
      if (!status.storedWorkflowTemplateSpec) {
        const holder = ref.clusterScope
          ? this.deps.getClusterWorkflowTemplate(ref.name ?? '')
          : this.deps.getWorkflowTemplate(this.namespace, ref.name ?? '');
        if (!holder) {
          const kind = ref.clusterScope ? 'clusterworkflowtemplates' : 'workflowtemplates';
          this.markWorkflowError(`${kind}.argoproj.io "${ref.name ?? ''}" not found`);
          return false;
        }
        status.storedWorkflowTemplateSpec = joinWorkflowSpec(
          this.wf.spec,
          holder.spec,
          this.deps.workflowDefaults?.spec,
        );
        this.updated = true;
        const labels = (this.wf.metadata.labels ??= {});
        labels[
          ref.clusterScope
            ? 'workflows.argoproj.io/cluster-workflow-template'
            : 'workflows.argoproj.io/workflow-template'
        ] = ref.name ?? '';
      }
      // Suspend and shutdown are set on the workflow itself (argo suspend/stop/terminate) and must
      // reach the stored spec the workflow runs from.
      const stored = status.storedWorkflowTemplateSpec;
      if (stored.suspend !== this.wf.spec.suspend || stored.shutdown !== this.wf.spec.shutdown) {
        status.storedWorkflowTemplateSpec = joinWorkflowSpec(this.wf.spec, stored);
        if (this.wf.spec.shutdown === undefined) delete status.storedWorkflowTemplateSpec.shutdown;
        this.updated = true;
      }
      this.execSpec = structuredClone(status.storedWorkflowTemplateSpec);
    } else {
      // As upstream, the defaults are merged into the workflow itself (get -o yaml shows them); once,
      // as it starts, so a pass costs nothing for them and a later ConfigMap edit does not reach a
      // running workflow.
      if (
        !status.phase &&
        this.deps.workflowDefaults &&
        applyWorkflowDefaults(this.wf, this.deps.workflowDefaults)
      )
        this.updated = true;
      this.execSpec = this.wf.spec;
    }
    const getters: TemplateGetters = {
      getWorkflowTemplate: (n) => this.deps.getWorkflowTemplate(this.namespace, n),
      getClusterWorkflowTemplate: (n) => this.deps.getClusterWorkflowTemplate(n),
    };
    if (!status.phase) {
      const problem = validateForRun(this.wf, getters);
      if (problem) {
        this.markWorkflowPhase('Failed', `invalid spec: ${problem}`);
        return false;
      }
    }
    try {
      this.globals = buildGlobalParams(this.wf, this.execSpec, (ns, n) => this.deps.getConfigMap(ns, n));
    } catch (err) {
      this.markWorkflowPhase('Failed', `failed to set global parameters: ${(err as Error).message}`);
      return false;
    }
    // Before the runtime globals below are set, as upstream: they change while the workflow runs.
    try {
      this.execSpec = substituteGlobalVariables(this.execSpec, this.globals);
    } catch (err) {
      this.markWorkflowError(`failed to substitute global variables in the spec: ${(err as Error).message}`);
      return false;
    }
    this.rootCtx = new TemplateContext(
      getters,
      { scope: 'local', name: this.name, spec: this.execSpec },
      this.wf,
    );
    this.globals['workflow.status'] = status.phase ?? '';
    return true;
  }

  /** Finds (once) and records the artifact repository the workflow uses, as upstream does. */
  private resolveArtifactRepository(): boolean {
    const status = this.wf.status!;
    if (!status.artifactRepositoryRef) {
      const cfg = this.deps.artifacts;
      try {
        const ref: ArtifactRepositoryRefStatus = resolveArtifactRepository(
          this.execSpec.artifactRepositoryRef,
          this.namespace,
          cfg?.controllerNamespace ?? 'argo',
          (ns, n) => this.deps.getConfigMap(ns, n),
          cfg?.defaultRepository,
        );
        status.artifactRepositoryRef = ref as Record<string, unknown>;
        this.updated = true;
      } catch (err) {
        this.markWorkflowError(`failed to resolve artifact repository: ${(err as Error).message}`);
        return false;
      }
    }
    this.artifactRepository = (
      status.artifactRepositoryRef as ArtifactRepositoryRefStatus
    ).artifactRepository;
    return true;
  }

  /** A workflow whose artifacts are to be collected keeps a finalizer until they are. */
  private addArtifactGCFinalizer(): void {
    const finalizers = this.wf.metadata.finalizers ?? [];
    if (finalizers.includes(FINALIZER_ARTIFACT_GC) || this.wf.metadata.deletionTimestamp) return;
    if (!needsArtifactGC(this.wf)) return;
    this.wf.metadata.finalizers = [...finalizers, FINALIZER_ARTIFACT_GC];
    this.updated = true;
  }

  /** The claims of the workflow's volumeClaimTemplates: <workflow>-<name>, created once. */
  private claimVolumes(): void {
    const templates = this.execSpec.volumeClaimTemplates ?? [];
    const status = this.wf.status!;
    if (templates.length === 0 || (status.persistentVolumeClaims?.length ?? 0) >= templates.length) return;
    status.persistentVolumeClaims = templates.map((t) => {
      const templateName = t.metadata.name ?? '';
      const name = claimNameFor(this.wf, templateName);
      this.claimsToCreate.push({ name, template: t });
      return { name: templateName, persistentVolumeClaim: { claimName: name } };
    });
    this.updated = true;
  }

  /**
   * The archive location a pod's template gets (addArchiveLocation upstream): the repository's,
   * with its key format rendered for this pod, when an artifact or the logs need one.
   */
  archiveLocationFor(tmpl: Template, podName: string): ArtifactLocation | undefined {
    if (tmpl.archiveLocation && hasLocation(tmpl.archiveLocation)) return undefined;
    const repo = this.artifactRepository;
    let archiveLogs = repo?.archiveLogs === true;
    if (!archiveLogs) {
      if (this.execSpec.archiveLogs !== undefined) archiveLogs = this.execSpec.archiveLogs;
      if (tmpl.archiveLocation?.archiveLogs !== undefined) archiveLogs = tmpl.archiveLocation.archiveLogs;
    }
    const artifacts: Artifact[] = [...(tmpl.inputs?.artifacts ?? []), ...(tmpl.outputs?.artifacts ?? [])];
    const source = tmpl.data?.source?.artifactPaths;
    if (source) artifacts.push(source as Artifact);
    if (!archiveLogs && artifacts.every((a) => hasLocation(a))) return undefined;
    const loc = archiveLocationOf(repo);
    loc.archiveLogs = archiveLogs;
    const vars: Vars = { ...this.globals, 'pod.name': podName };
    for (const p of tmpl.inputs?.parameters ?? [])
      if (p.value !== undefined) vars[`inputs.parameters.${p.name}`] = p.value;
    return JSON.parse(
      renderTemplate(JSON.stringify(loc), vars, { allowUnresolved: true }),
    ) as ArtifactLocation;
  }

  // ---- nodes --------------------------------------------------------------------------------

  /** Node ids by node name (see OperatorDeps.nodeIds). */
  private readonly ids: Map<string, string>;

  nodeId(nodeName: string): string {
    let id = this.ids.get(nodeName);
    if (id === undefined) {
      id = computeNodeId(this.name, nodeName);
      this.ids.set(nodeName, id);
    }
    return id;
  }

  getNodeByName(nodeName: string): NodeStatus | undefined {
    return this.nodes[this.nodeId(nodeName)];
  }

  initializeNode(
    nodeName: string,
    type: NodeType,
    templateScope: string,
    holder: TemplateHolder,
    boundaryID: string | undefined,
    phase: NodePhase,
    nodeFlag?: NodeFlag,
    message?: string,
  ): NodeStatus {
    const id = this.nodeId(nodeName);
    if (this.nodes[id]) throw new Error(`node ${nodeName} already initialized`);
    const now = rfc3339(this.now());
    const node: NodeStatus = {
      id,
      name: nodeName,
      displayName: nodeName,
      type,
      templateName: holder.templateRef ? undefined : holder.template,
      templateRef: holder.templateRef,
      templateScope,
      phase,
      boundaryID: boundaryID || undefined,
      startedAt: now,
    };
    if (nodeFlag && (nodeFlag.hooked || nodeFlag.retried)) node.nodeFlag = { ...nodeFlag };
    if (holder.inline && !holder.template) delete node.templateName;
    const boundary = boundaryID ? this.nodes[boundaryID] : undefined;
    if (boundary) {
      let display = nodeName.startsWith(boundary.name) ? nodeName.slice(boundary.name.length) : nodeName;
      display = display.replace(STEPS_OR_DAG_SEPARATOR, '');
      node.displayName = display;
    }
    if (phaseFulfilled(phase)) node.finishedAt = now;
    if (message) node.message = message;
    this.nodes[id] = orderNode(node);
    if (this.hookChildren) this.noteBorn(id);
    this.updated = true;
    return this.nodes[id];
  }

  initializeExecutableNode(
    nodeName: string,
    type: NodeType,
    templateScope: string,
    tmpl: Template,
    holder: TemplateHolder,
    boundaryID: string | undefined,
    phase: NodePhase,
    nodeFlag?: NodeFlag,
    message?: string,
  ): NodeStatus {
    const node = this.initializeNode(
      nodeName,
      type,
      templateScope,
      holder,
      boundaryID,
      phase,
      nodeFlag,
      message,
    );
    if ((tmpl.inputs?.parameters?.length ?? 0) > 0 || (tmpl.inputs?.artifacts?.length ?? 0) > 0) {
      node.inputs = structuredClone(tmpl.inputs);
    }
    if (type === 'Suspend') addSuppliedOutputs(node, tmpl);
    this.nodes[node.id] = orderNode(node);
    return this.nodes[node.id];
  }

  markNodePhase(nodeName: string, phase: NodePhase, message?: string): NodeStatus {
    const node = this.getNodeByName(nodeName);
    if (!node) throw new Error(`workflow node ${nodeName} uninitialized when marking phase ${phase}`);
    if (node.phase !== phase) {
      node.phase = phase;
      this.updated = true;
    }
    if (message !== undefined && message !== node.message) {
      node.message = message;
      this.updated = true;
    }
    if (phaseFulfilled(node.phase) && !node.finishedAt) {
      node.finishedAt = rfc3339(this.now());
      this.updated = true;
    }
    return node;
  }

  markNodeError(nodeName: string, err: Error | string): NodeStatus {
    return this.markNodePhase(nodeName, 'Error', typeof err === 'string' ? err : err.message);
  }

  /** Initializes an Error node, or marks the existing one Error. */
  initializeNodeOrMarkError(
    node: NodeStatus | undefined,
    nodeName: string,
    templateScope: string,
    holder: TemplateHolder,
    boundaryID: string | undefined,
    nodeFlag: NodeFlag | undefined,
    err: Error,
  ): NodeStatus {
    if (node) return this.markNodeError(nodeName, err);
    return this.initializeNode(
      nodeName,
      'Skipped',
      templateScope,
      holder,
      boundaryID,
      'Error',
      nodeFlag,
      err.message,
    );
  }

  /**
   * Each parent's children as a set beside its `children` array (built on first use in this pass),
   * so adding the n-th child of a wide fan-out is not a scan of the n−1 before it. addChildNode is
   * the only writer of `children` while a pass runs, so the two stay equal.
   */
  private readonly childSets = new Map<string, Set<string>>();

  addChildNode(parentName: string, childName: string): void {
    const parent = this.getNodeByName(parentName);
    if (!parent) throw new Error(`was unable to obtain node for ${parentName}`);
    const childId = this.nodeId(childName);
    const children = (parent.children ??= []);
    let set = this.childSets.get(parent.id);
    if (!set) {
      set = new Set(children);
      this.childSets.set(parent.id, set);
    }
    if (!set.has(childId)) {
      set.add(childId);
      children.push(childId);
      if (this.hookChildren) this.noteHookChild(parent.id, childId);
      this.updated = true;
    }
  }

  /**
   * Per parent id, the children that are hook nodes: a wide DAG asks this of the same parent for
   * every dependent task, which must not be a scan of all its children each time. Built on first
   * use in this pass; nodeFlag is set when a node is created and never changes. A child listed
   * before its node exists (a task held back by parallelism) waits in `unbornChildren` by id
   * until initializeNode creates it.
   */
  private hookChildren?: Map<string, string[]>;
  private readonly unbornChildren = new Map<string, string[]>();

  private noteHookChild(parentId: string, childId: string): void {
    const child = this.nodes[childId];
    if (!child) {
      const parents = this.unbornChildren.get(childId);
      if (parents) parents.push(parentId);
      else this.unbornChildren.set(childId, [parentId]);
      return;
    }
    if (!child.nodeFlag?.hooked) return;
    const list = this.hookChildren!.get(parentId);
    if (list) list.push(childId);
    else this.hookChildren!.set(parentId, [childId]);
  }

  /** A node just created that some parent already lists: a hook node joins their index. */
  private noteBorn(id: string): void {
    const parents = this.unbornChildren.get(id);
    if (!parents) return;
    this.unbornChildren.delete(id);
    for (const parentId of parents) this.noteHookChild(parentId, id);
  }

  /** Whether every hook node started under `node` has finished. */
  hooksFulfilled(node: NodeStatus): boolean {
    if (!this.hookChildren) {
      this.hookChildren = new Map();
      for (const n of Object.values(this.nodes))
        for (const id of n.children ?? []) this.noteHookChild(n.id, id);
    }
    for (const id of this.hookChildren.get(node.id) ?? []) {
      const c = this.nodes[id];
      if (c?.nodeFlag?.hooked && !nodeFulfilled(c)) return false;
    }
    return true;
  }

  /** The nodes a following step group or dependent task hangs off. */
  getOutboundNodes(nodeID: string): string[] {
    const node = this.nodes[nodeID];
    if (!node) return [];
    switch (nodeTypeFacts(node.type).outbound) {
      case 'self':
        return [node.id];
      case 'pod': {
        if (!this.isContainerSetPod(node)) return [node.id];
        return this.outboundOfGroup(node);
      }
      case 'children':
        return this.outboundOfGroup(node);
      case 'last-child': {
        const children = node.children ?? [];
        if (children.length > 0) return [children[children.length - 1]];
        break;
      }
      case 'memoized-self':
        if (node.memoizationStatus?.hit) return [node.id];
        break;
      case 'recorded':
        break;
    }
    const out: string[] = [];
    for (const id of node.outboundNodes ?? []) out.push(...this.getOutboundNodes(id));
    return out;
  }

  private outboundOfGroup(node: NodeStatus): string[] {
    const children = node.children ?? [];
    if (children.length === 0) return [node.id];
    const out: string[] = [];
    for (const id of children) {
      const child = this.nodes[id];
      if (!child) continue;
      if (node.type === 'Container' && node.boundaryID !== child.boundaryID) out.push(node.id);
      else out.push(...this.getOutboundNodes(id));
    }
    return out;
  }

  private isContainerSetPod(node: NodeStatus): boolean {
    try {
      const tmpl = this.templateOfNode(node);
      return tmpl?.containerSet !== undefined;
    } catch {
      return false;
    }
  }

  /** The template a node ran, resolved from its templateName/templateRef and scope. */
  templateOfNode(node: NodeStatus): Template | undefined {
    const ctx = this.rootCtx.forScope(node.templateScope);
    const holder: TemplateHolder = { template: node.templateName, templateRef: node.templateRef };
    if (!holder.template && !holder.templateRef) return undefined;
    return applyTemplateDefaults(ctx.resolve(holder).tmpl, this.execSpec.templateDefaults);
  }

  /**
   * Whether the template `holder` names holds a synchronization lock, which executeTemplate
   * releases when it meets the node finished (so such a node must be visited); true when the
   * template does not resolve, for executeTemplate to report that.
   */
  templateHoldsLock(holder: TemplateHolder, ctx: TemplateContext): boolean {
    try {
      const tmpl = applyTemplateDefaults(ctx.resolve(holder).tmpl, this.execSpec.templateDefaults);
      return tmpl.synchronization !== undefined;
    } catch {
      return true;
    }
  }

  /** Answers of childrenFulfilled, valid while `changes` is `fulfilledAt`. */
  private readonly fulfilledMemo = new Map<string, boolean>();
  private fulfilledAt = -1;

  /**
   * Whether every node below `node` (its children, theirs, and so on) is fulfilled. A chain of
   * step groups asks this of each group in turn, and each walk reaches the end of the chain: the
   * answers are kept until the next change to the graph.
   */
  childrenFulfilled(node: NodeStatus): boolean {
    if (this.fulfilledAt !== this.changes) {
      this.fulfilledMemo.clear();
      this.fulfilledAt = this.changes;
    }
    return this.descendantsFulfilled(node);
  }

  private descendantsFulfilled(node: NodeStatus): boolean {
    const known = this.fulfilledMemo.get(node.id);
    if (known !== undefined) return known;
    // A node met again below itself (no graph Argo builds has one) counts as fulfilled.
    this.fulfilledMemo.set(node.id, true);
    let all = true;
    for (const id of node.children ?? []) {
      const child = this.nodes[id];
      if (!child) continue;
      if (!nodeFulfilled(child) || !this.descendantsFulfilled(child)) {
        all = false;
        break;
      }
    }
    this.fulfilledMemo.set(node.id, all);
    return all;
  }

  // ---- scope helpers ------------------------------------------------------------------------

  /** Adds a finished node's id, status, times, ip and outputs to a scope under `steps.<name>` / `tasks.<name>`. */
  buildLocalScope(scope: Scope, prefix: 'steps' | 'tasks', name: string, node: NodeStatus): void {
    const last = this.lastRetryChild(node);
    const n = last ?? node;
    const key = `${prefix}.${name}`;
    if (n.id) scope.set(`${key}.id`, n.id);
    if (n.startedAt) scope.set(`${key}.startedAt`, n.startedAt);
    if (n.finishedAt) scope.set(`${key}.finishedAt`, n.finishedAt);
    if (n.podIP) scope.set(`${key}.ip`, n.podIP);
    if (n.phase) scope.set(`${key}.status`, n.phase);
    if (n.hostNodeName) scope.set(`${key}.hostNodeName`, n.hostNodeName);
    addOutputsToScope(scope, key, n.outputs);
  }

  lastRetryChild(node: NodeStatus): NodeStatus | undefined {
    if (node.type !== 'Retry' || !node.children?.length) return undefined;
    return this.nodes[node.children[node.children.length - 1]];
  }

  /** For a skipped/omitted node with no outputs, its declared outputs become defaults or absent optionals. */
  addSkippedNodeOutputsToScope(
    ctx: TemplateContext,
    scope: Scope,
    prefix: 'steps' | 'tasks',
    name: string,
    node: NodeStatus | undefined,
    holder: TemplateHolder,
  ): void {
    if (!node || node.outputs || (node.phase !== 'Skipped' && node.phase !== 'Omitted')) return;
    let tmpl: Template;
    try {
      tmpl = ctx.resolve(holder).tmpl;
    } catch {
      return;
    }
    for (const p of tmpl.outputs?.parameters ?? []) {
      const k = `${prefix}.${name}.outputs.parameters.${p.name}`;
      scope.set(k, p.valueFrom?.default !== undefined ? String(p.valueFrom.default) : null);
    }
    if (tmpl.outputs?.result !== undefined) scope.set(`${prefix}.${name}.outputs.result`, null);
  }

  /** The JSON lists a loop's outputs aggregate into: `.outputs.result`, `.outputs.parameters`, `.outputs.parameters.<p>`. */
  processAggregateNodeOutputs(
    scope: Scope,
    prefix: 'steps' | 'tasks',
    name: string,
    childNodes: NodeStatus[],
  ): void {
    const children = childNodes
      .filter((c) => !c.nodeFlag || (!c.nodeFlag.hooked && !c.nodeFlag.retried))
      .sort((a, b) => loopIndex(a.name) - loopIndex(b.name));
    if (children.length === 0) return;
    const paramList: Record<string, string>[] = [];
    const byName = new Map<string, string[]>();
    const results: unknown[] = [];
    for (const c of children) {
      if (!c.outputs || c.phase !== 'Succeeded') continue;
      if (c.outputs.parameters?.length) {
        const m: Record<string, string> = {};
        for (const p of c.outputs.parameters) {
          m[p.name] = p.value ?? '';
          const list = byName.get(p.name) ?? [];
          list.push(p.value ?? '');
          byName.set(p.name, list);
        }
        paramList.push(m);
      }
      if (c.outputs.result !== undefined) {
        results.push(parseItemJson(c.outputs.result));
      }
    }
    const key = `${prefix}.${name}.outputs`;
    scope.set(`${key}.result`, JSON.stringify(results));
    scope.set(`${key}.parameters`, JSON.stringify(paramList));
    for (const [p, values] of byName) scope.set(`${key}.parameters.${p}`, aggregatedJsonValueList(values));
  }

  /** Resolves a steps/DAG template's outputs from what its children produced. */
  templateOutputsFromScope(tmpl: Template, scope: Scope): Outputs | undefined {
    const outs = tmpl.outputs;
    if (
      !outs ||
      (!outs.parameters?.length &&
        !outs.artifacts?.length &&
        outs.result === undefined &&
        outs.exitCode === undefined)
    ) {
      return undefined;
    }
    const result: Outputs = {};
    if (outs.parameters?.length) {
      result.parameters = [];
      for (const param of outs.parameters) {
        if (!param.valueFrom) throw new Error('output parameters must have a valueFrom specified');
        let value: string | null;
        try {
          const r = scope.resolveParameter(param.valueFrom);
          value = r.value;
          if (r.skipped && param.valueFrom.default !== undefined) value = String(param.valueFrom.default);
        } catch (err) {
          if (param.valueFrom.default === undefined) throw err;
          value = String(param.valueFrom.default);
        }
        if (value === null) {
          throw new Error(
            `output parameter "${param.name}": "${param.valueFrom.parameter ?? ''}" is an absent optional (skipped/omitted node output with no default)`,
          );
        }
        const out: Parameter = { ...param, value };
        delete out.valueFrom;
        result.parameters.push(orderParameter(out));
      }
    }
    if (outs.artifacts?.length) {
      result.artifacts = [];
      for (const art of outs.artifacts) {
        try {
          const resolved = scope.resolveArtifact(art);
          if (!resolved) continue;
          resolved.name = art.name;
          result.artifacts.push(resolved);
        } catch (err) {
          if (art.optional && /Unable to resolve/.test((err as Error).message)) continue;
          throw new Error(`unable to resolve outputs from scope: ${(err as Error).message}`);
        }
      }
    }
    return result;
  }

  addOutputsToGlobalScope(outputs: Outputs | undefined): void {
    if (!outputs) return;
    for (const p of outputs.parameters ?? []) {
      if (!p.globalName) continue;
      if (p.value !== undefined) this.globals[`workflow.outputs.parameters.${p.globalName}`] = p.value;
      const status = this.wf.status!;
      const wfOut = (status.outputs ??= {});
      const params = (wfOut.parameters ??= []);
      const existing = params.find((x) => x.name === p.globalName);
      const value = p.value ?? '';
      if (existing) {
        if (existing.value !== value) {
          existing.value = value;
          this.updated = true;
        }
      } else {
        params.push({ name: p.globalName, value });
        this.updated = true;
      }
    }
    for (const a of outputs.artifacts ?? []) {
      if (!a.globalName) continue;
      const status = this.wf.status!;
      const wfOut = (status.outputs ??= {});
      const arts = (wfOut.artifacts ??= []);
      const copy = structuredClone(a);
      copy.name = a.globalName;
      delete copy.globalName;
      delete copy.path;
      const i = arts.findIndex((x) => x.name === copy.name);
      if (i >= 0) {
        if (JSON.stringify(arts[i]) !== JSON.stringify(copy)) {
          arts[i] = copy;
          this.updated = true;
        }
      } else {
        arts.push(copy);
        this.updated = true;
      }
    }
  }

  addWorkflowOutputsToScope(scope: Scope): void {
    for (const p of this.wf.status?.outputs?.parameters ?? []) {
      if (p.value !== undefined) scope.set(`workflow.outputs.parameters.${p.name}`, p.value);
    }
    for (const a of this.wf.status?.outputs?.artifacts ?? [])
      scope.setArtifact(`workflow.outputs.artifacts.${a.name}`, a);
  }

  // ---- executeTemplate ------------------------------------------------------------------------

  /**
   * Runs (or continues) the node `nodeName` for the template `holder` refers to. Returns the node, or
   * HELD_BACK when a parallelism limit holds it back, to tell callers to stop for now.
   */
  executeTemplate(
    nodeName: string,
    holder: TemplateHolder,
    ctx: TemplateContext,
    args: Arguments,
    opts: ExecuteOpts,
  ): NodeStatus | undefined | HeldBack {
    let node = this.getNodeByName(nodeName);
    const templateScope = ctx.templateScope;
    const fail = (err: Error): NodeStatus =>
      kindError(this, { node, nodeName, templateScope, holder, opts }, err);
    let resolved: { ctx: TemplateContext; tmpl: Template };
    try {
      resolved = ctx.resolve(holder);
      resolved.tmpl = applyTemplateDefaults(resolved.tmpl, this.execSpec.templateDefaults);
    } catch (err) {
      return fail(err as Error);
    }
    const tmpl = resolved.tmpl;
    // A finished node needs nothing more, unless it still holds a lock to release.
    if (node && nodeFulfilled(node) && !tmpl.synchronization) return node;

    const locals: Vars = { 'node.name': nodeName };
    const retryStrategy = this.retryStrategyOf(tmpl);
    if (isPodTemplate(tmpl) && !retryStrategy)
      locals['pod.name'] = this.podNameFor(nodeName, tmpl.name ?? holder.template ?? '');
    if (opts.holderKind === 'task') locals['tasks.name'] = holder.name ?? '';
    if (opts.holderKind === 'step') locals['steps.name'] = holder.name ?? '';

    let processed: Template;
    try {
      processed = fixedDag(tmpl)
        ? tmpl
        : processArgs(tmpl, args, {
            globals: this.globals,
            locals,
            namespace: this.namespace,
            getConfigMap: (ns, n) => this.deps.getConfigMap(ns, n),
          });
    } catch (err) {
      return fail(err as Error);
    }

    if (node && nodeFulfilled(node)) {
      this.deps.sync?.release(this.wf, node.id, processed.synchronization);
      return node;
    }

    // A node still pending past its timeout (or pendingTimeout) fails.
    if (node) {
      let deadlines: { deadline?: number; pendingDeadline?: number };
      try {
        deadlines = templateDeadlines(processed, node);
      } catch (err) {
        return fail(err as Error);
      }
      const now = this.now().getTime();
      const pendingTooLong =
        (deadlines.deadline !== undefined && node.phase === 'Pending' && now > deadlines.deadline) ||
        (deadlines.pendingDeadline !== undefined && now > deadlines.pendingDeadline);
      if (pendingTooLong) {
        if (node.type === 'Pod') this.podsToDelete.push(this.podNameFor(node.name, nodeTemplateName(node)));
        return this.markNodePhase(nodeName, 'Failed', 'timeout');
      }
      const next = Math.min(deadlines.deadline ?? Infinity, deadlines.pendingDeadline ?? Infinity);
      if (next !== Infinity && now < next) this.requeueAfter(next - now);
    }

    if (this.parallelismReached(processed, node, opts.boundaryID)) {
      if (opts.heldBackProbe !== undefined && !node && this.workflowParallelismFull() && !hasVariables(tmpl))
        this.heldBack.add(opts.heldBackProbe);
      return HELD_BACK;
    }

    /** The node of a template that cannot start yet (waiting for a lock) or is served from the cache. */
    const pendingNode = (message?: string): NodeStatus =>
      this.initializeExecutableNode(
        nodeName,
        nodeTypeOf(processed),
        templateScope,
        processed,
        holder,
        opts.boundaryID,
        'Pending',
        opts.nodeFlag,
        message,
      );
    let unlockedNode = false;
    if (processed.synchronization && this.deps.sync) {
      const nodeId = this.nodeId(nodeName);
      const lock = this.deps.sync.tryAcquire(this.wf, nodeId, processed.synchronization);
      if (lock.updated) this.updated = true;
      if (lock.error) return fail(new Error(lock.error));
      if (!lock.acquired) {
        node ??= pendingNode(lock.message);
        return this.markNodeWaitingForLock(nodeName, lock.failedLockName, lock.message);
      }
      if (node) node = this.markNodeWaitingForLock(nodeName, '', '');
      unlockedNode = true;
    }

    if (processed.memoize && this.deps.memo && (!node || unlockedNode)) {
      const memo = processed.memoize;
      const cacheName = memo.cache?.configMap?.name ?? '';
      let hit: ReturnType<MemoHooks['load']>;
      try {
        hit = this.deps.memo.load(
          this.namespace,
          cacheName,
          memo.key,
          memo.maxAge ? parseMaxAge(memo.maxAge) : undefined,
          this.now(),
        );
      } catch (err) {
        return fail(err as Error);
      }
      const memoizationStatus = { hit: hit !== undefined, key: memo.key, cacheName };
      node ??= pendingNode();
      node.memoizationStatus = memoizationStatus;
      if (hit) {
        node.outputs = structuredClone(hit.outputs);
        this.markNodePhase(nodeName, 'Succeeded');
        this.deps.sync?.release(this.wf, node.id, processed.synchronization);
        return node;
      }
      this.updated = true;
    }

    // With a retryStrategy, the node is a Retry node whose children are the attempts.
    let retryNodeName = '';
    let execOpts = opts;
    if (retryStrategy) {
      retryNodeName = nodeName;
      let retryParent: NodeStatus =
        node ??
        this.initializeExecutableNode(
          nodeName,
          'Retry',
          templateScope,
          processed,
          holder,
          opts.boundaryID,
          'Running',
          opts.nodeFlag,
        );
      execOpts = { ...opts, nodeFlag: { ...(opts.nodeFlag ?? {}), retried: true } };
      let outcome: RetryOutcome;
      try {
        outcome = processNodeRetries(this, retryParent, retryStrategy, execOpts);
      } catch (err) {
        return this.markNodeError(retryNodeName, err as Error);
      }
      if (!outcome.continueExecution) return retryParent;
      retryParent = outcome.node;
      const { ids, last } = retriedChildren(this, retryParent);
      if (
        nodeFulfilled(retryParent) &&
        (this.childrenFulfilled(retryParent) ||
          (isDaemoned(retryParent) && phaseFailedOrError(retryParent.phase)))
      ) {
        if (last) retryParent.outputs = structuredClone(last.outputs);
        if (!retryParent.outputs) delete retryParent.outputs;
        this.deps.sync?.release(this.wf, retryParent.id, processed.synchronization);
        return retryParent;
      }
      let retryNum: number;
      if (last && !nodeFulfilled(last)) {
        nodeName = last.name;
        node = last;
        retryNum = ids.length - 1;
      } else {
        retryNum = ids.length;
        nodeName = `${retryNodeName}(${retryNum})`;
        this.addChildNode(retryNodeName, nodeName);
        node = undefined;
      }
      const retryLocals: Vars = { retries: String(retryNum) };
      if (isPodTemplate(processed))
        retryLocals['pod.name'] = this.podNameFor(nodeName, processed.name ?? holder.template ?? '');
      retryLocals['lastRetry.exitCode'] = last?.outputs?.exitCode ?? '0';
      retryLocals['lastRetry.status'] = last?.phase ?? '';
      retryLocals['lastRetry.duration'] = last ? String(nodeDurationSeconds(last, this.now())) : '0';
      retryLocals['lastRetry.message'] = last?.message ?? '';
      try {
        processed = substituteParams(processed, this.globals, retryLocals);
      } catch (err) {
        return fail(err as Error);
      }
      if (outcome.executionDeadline) execOpts = { ...execOpts, executionDeadline: outcome.executionDeadline };
    }

    const call: KindCall = {
      node,
      nodeName,
      ctx: resolved.ctx,
      templateScope,
      tmpl: processed,
      holder,
      opts: execOpts,
    };
    const kind = templateKind(processed);
    node = kind
      ? WorkflowOperation.KIND_EXECUTORS[kind.field](this, call)
      : kindError(this, call, new Error(`Template '${processed.name ?? ''}' missing specification`));
    if (node && nodeFulfilled(node)) {
      this.deps.sync?.release(this.wf, node.id, processed.synchronization);
      if (
        node.memoizationStatus &&
        !node.memoizationStatus.hit &&
        node.phase === 'Succeeded' &&
        node.type !== 'Pod'
      ) {
        this.saveMemoized(node);
      }
    }

    if (retryNodeName) {
      let retryNode = this.getNodeByName(retryNodeName)!;
      if (!nodeFulfilled(retryNode) && node && nodeFulfilled(node)) {
        const again = this.executeTemplate(retryNodeName, holder, ctx, args, opts);
        if (again === HELD_BACK) return HELD_BACK;
        retryNode = again ?? retryNode;
      }
      if (node && !nodeFulfilled(node) && isDaemoned(node)) {
        retryNode = this.markNodePhase(retryNodeName, node.phase ?? 'Running');
        retryNode.daemoned = true;
      }
      return retryNode;
    }
    return node;
  }

  /** Stores a memoized node's outputs in its cache; a cache that cannot be written errors the node. */
  saveMemoized(node: NodeStatus): void {
    const m = node.memoizationStatus;
    if (!m || !this.deps.memo) return;
    try {
      this.deps.memo.save(this.namespace, m.cacheName, m.key, node.id, node.outputs, this.now());
    } catch (err) {
      node.phase = 'Error';
      node.message = (err as Error).message;
      this.updated = true;
    }
  }

  markNodeWaitingForLock(nodeName: string, lockName: string, message: string): NodeStatus {
    const node = this.getNodeByName(nodeName)!;
    if (!lockName) {
      delete node.synchronizationStatus;
      delete node.message;
    } else {
      node.synchronizationStatus = { waiting: lockName };
    }
    if (message) node.message = message;
    this.updated = true;
    return node;
  }

  retryStrategyOf(tmpl: Template) {
    return tmpl.retryStrategy ?? this.execSpec.retryStrategy;
  }

  podNameFor(nodeName: string, templateName: string): string {
    return computePodName(
      this.name,
      nodeName,
      templateName,
      this.nodeId(nodeName),
      workflowPodNameVersion(this.wf),
    );
  }

  /**
   * Pending or running pods directly under `boundaryID` ('' = the whole workflow) whose pod exists,
   * among `among` (all nodes unless told: a list that holds every unfinished one will do).
   */
  countActivePods(boundaryID = '', among: NodeStatus[] = Object.values(this.nodes)): number {
    let n = 0;
    for (const node of among) {
      if (node.type !== 'Pod' || (node.phase !== 'Pending' && node.phase !== 'Running')) continue;
      if (boundaryID && node.boundaryID !== boundaryID) continue;
      if (node.synchronizationStatus?.waiting) continue;
      if (!this.podExists(node)) continue;
      n++;
    }
    return n;
  }

  private podExists(node: NodeStatus): boolean {
    const podName = this.podNameFor(node.name, node.templateRef?.template ?? node.templateName ?? '');
    return this.podsCreatedThisRound.has(podName) || this.deps.getPod(this.namespace, podName) !== undefined;
  }

  /** Pending or running pods, steps and DAGs directly under `boundaryID`. */
  private countActiveChildren(boundaryID: string): number {
    let n = 0;
    for (const node of Object.values(this.nodes)) {
      if (node.boundaryID !== boundaryID) continue;
      if (node.type !== 'Pod' && node.type !== 'Steps' && node.type !== 'DAG') continue;
      if (node.phase === 'Pending' || node.phase === 'Running') n++;
    }
    return n;
  }

  private unsuccessfulChildren(boundaryID: string): number {
    let n = 0;
    for (const node of Object.values(this.nodes)) {
      if (node.boundaryID !== boundaryID) continue;
      if (node.type !== 'Pod' && node.type !== 'Steps' && node.type !== 'DAG') continue;
      if (phaseFailedOrError(node.phase)) n++;
    }
    return n;
  }

  /** The deepest StepGroup under a steps node, which failFast marks failed. */
  private leafStepGroup(boundaryID: string): NodeStatus | undefined {
    let leaf: NodeStatus | undefined;
    for (const node of Object.values(this.nodes)) {
      if (node.boundaryID === boundaryID && node.type === 'StepGroup') {
        if (!leaf || Date.parse(node.startedAt ?? '') >= Date.parse(leaf.startedAt ?? '')) leaf = node;
      }
    }
    return leaf;
  }

  /**
   * A template with `failFast: true` stops starting children once one failed, and fails when none
   * run; true when it stops them.
   */
  private failFastStops(tmpl: Template, node: NodeStatus): boolean {
    if (tmpl.failFast !== true || this.unsuccessfulChildren(node.id) === 0) return false;
    if (this.countActivePods(node.id) === 0) {
      const changesBefore = this.changes;
      const message = 'template has failed or errored children and failFast enabled';
      if (tmpl.steps) {
        const leaf = this.leafStepGroup(node.id);
        if (leaf) this.markNodePhase(leaf.name, 'Failed', message);
      }
      this.markNodePhase(node.name, 'Failed', message);
      // Held back from here, this pass goes no further: the next one acts on the failure.
      if (this.changes !== changesBefore) this.requeue();
    }
    return true;
  }

  /** Whether the workflow's own parallelism is used up; within a pass it only fills up. */
  private workflowParallelismFull(): boolean {
    const wfPar = this.execSpec.parallelism;
    return wfPar !== undefined && this.activePods >= wfPar;
  }

  /**
   * Probe keys of holders (template, templateRef and arguments with no variables in them, in one
   * template scope) that resolved, took their arguments and were then held back by the workflow's
   * parallelism in this pass. Another new node with the same key would go through the same steps
   * to the same end while the parallelism stays full, so a wide DAG's waiting tasks cost a lookup
   * each on every pass rather than a resolution.
   */
  private readonly heldBack = new Set<string>();

  knownHeldBack(probe: string): boolean {
    return this.heldBack.has(probe) && this.workflowParallelismFull();
  }

  /** Whether a parallelism limit (or failFast) holds this node back for now. */
  private parallelismReached(
    tmpl: Template,
    node: NodeStatus | undefined,
    boundaryID: string | undefined,
  ): boolean {
    const wfPar = this.execSpec.parallelism;
    if (wfPar !== undefined && this.activePods >= wfPar) return true;
    const kind = templateKind(tmpl)?.field;
    if (node && (kind === 'dag' || kind === 'steps')) {
      if (this.failFastStops(tmpl, node)) return true;
      if (tmpl.parallelism && this.countActivePods(node.id) >= tmpl.parallelism) return true;
    }
    if (boundaryID && (!node || (node.phase !== 'Pending' && node.phase !== 'Running'))) {
      const boundaryNode = this.nodes[boundaryID];
      if (!boundaryNode) return false;
      const boundaryTmpl = this.safeTemplateOfNode(boundaryNode);
      if (!boundaryTmpl) return false;
      if (this.failFastStops(boundaryTmpl, boundaryNode)) return true;
      if (boundaryTmpl.parallelism && this.countActiveChildren(boundaryID) >= boundaryTmpl.parallelism)
        return true;
    }
    return false;
  }

  // ---- pod templates --------------------------------------------------------------------------

  private executePod(
    nodeName: string,
    templateScope: string,
    tmpl: Template,
    holder: TemplateHolder,
    opts: ExecuteOpts,
  ): NodeStatus {
    let node = this.getNodeByName(nodeName);
    if (!node) {
      node = this.initializeExecutableNode(
        nodeName,
        'Pod',
        templateScope,
        tmpl,
        holder,
        opts.boundaryID,
        'Pending',
        opts.nodeFlag,
      );
      node.progress = '0/1';
    }
    const podName = this.podNameFor(nodeName, tmpl.name ?? holder.template ?? '');
    if (
      !this.deps.getPod(this.namespace, podName) &&
      !this.podsCreatedThisRound.has(podName) &&
      // A pod that finished and was deleted while its node waits for the report is not run again.
      !this.deps.getDeletedPod?.(this.namespace, podName) &&
      node.phase === 'Pending'
    ) {
      if (this.execSpec.shutdown && !shutdownAllows(this, opts.onExitTemplate === true)) {
        return this.markNodePhase(
          nodeName,
          'Failed',
          `workflow shutdown with strategy: ${this.execSpec.shutdown}`,
        );
      }
      // A template timeout becomes the pod's activeDeadlineSeconds.
      let activeDeadlineSeconds: number | undefined;
      const { deadline } = templateDeadlines(tmpl, node);
      if (deadline !== undefined) {
        const remaining = Math.trunc((deadline - this.now().getTime()) / 1000);
        if (remaining <= 1)
          return this.markNodeError(nodeName, new Error(`${nodeName} exceeded its deadline`));
        activeDeadlineSeconds = remaining;
      }
      const includeScriptOutput =
        tmpl.script !== undefined || this.hasOutputResultRef(nodeName, opts.boundaryID);
      let pod: Pod;
      try {
        pod = buildPod({
          wf: this.wf,
          execSpec: this.execSpec,
          node,
          podName,
          tmpl,
          includeScriptOutput,
          onExitPod: opts.onExitTemplate === true,
          deadline: earliest(this.workflowDeadline(), opts.executionDeadline),
          activeDeadlineSeconds,
          archiveLocation: this.archiveLocationFor(tmpl, podName),
          layout: this.deps.pods?.layout,
          executorImage: this.deps.pods?.executorImage,
          podGCDeleteDelayMs: this.deps.podGCDeleteDelayMs,
        });
      } catch (err) {
        return this.markNodeError(nodeName, err as Error);
      }
      this.podsToCreate.push(pod);
      this.podsCreatedThisRound.add(podName);
      this.activePods++;
    }
    if (
      tmpl.containerSet &&
      (this.deps.getPod(this.namespace, podName) || this.podsCreatedThisRound.has(podName))
    ) {
      this.addContainerNodes(node, tmpl, templateScope, holder, opts);
    }
    return node;
  }

  /** A containerSet pod's containers are Container nodes under it, linked as their dependencies say. */
  private addContainerNodes(
    node: NodeStatus,
    tmpl: Template,
    templateScope: string,
    holder: TemplateHolder,
    opts: ExecuteOpts,
  ): void {
    const containers = tmpl.containerSet?.containers ?? [];
    for (const c of containers) {
      const name = `${node.name}.${c.name}`;
      if (!this.getNodeByName(name))
        this.initializeNode(name, 'Container', templateScope, holder, node.id, 'Pending', opts.nodeFlag);
    }
    for (const c of containers) {
      const name = `${node.name}.${c.name}`;
      if (!c.dependencies?.length) this.addChildNode(node.name, name);
      for (const dep of c.dependencies ?? []) this.addChildNode(`${node.name}.${dep}`, name);
    }
  }

  /** Container nodes follow their container's state in the pod. */
  private updateContainerNodes(node: NodeStatus, pod: Pod): void {
    for (const c of pod.status?.containerStatuses ?? []) {
      const name = `${node.name}.${c.name}`;
      const ctr = this.getNodeByName(name);
      if (!ctr || phaseFulfilled(ctr.phase)) continue;
      const t = c.state?.terminated;
      if (t) {
        const message = `${c.name}: ${t.reason ?? ''} (exit code ${t.exitCode}): ${t.message ?? ''}`;
        if (t.exitCode === 0) this.markNodePhase(name, 'Succeeded');
        else if (t.exitCode === 64) this.markNodePhase(name, 'Error', message);
        else this.markNodePhase(name, 'Failed', message);
      } else if (pod.status?.phase === 'Failed') {
        this.markNodePhase(name, 'Failed', 'Pod Failed whilst container running');
      } else if (c.state?.waiting) {
        this.markNodePhase(name, 'Pending');
      } else if (c.state?.running) {
        this.markNodePhase(name, 'Running');
      }
    }
  }

  /** The JSON text of boundary templates, searched for references to `outputs.result`. */
  private readonly templateTexts = new Map<string, ResultReferences>();

  /** Whether some sibling step/task refers to this node's `outputs.result`. */
  private hasOutputResultRef(nodeName: string, boundaryID: string | undefined): boolean {
    if (!boundaryID) return false;
    const boundary = this.nodes[boundaryID];
    if (!boundary) return false;
    let parent: Template | undefined;
    try {
      parent = this.templateOfNode(boundary);
    } catch {
      return false;
    }
    if (!parent) return false;
    const name = stepOrTaskName(nodeName);
    const prefix = parent.dag ? 'tasks' : parent.steps ? 'steps' : '';
    let refs = this.templateTexts.get(boundaryID) ?? resultReferencesByTemplate.get(parent);
    if (refs === undefined) {
      refs = resultReferences(JSON.stringify(parent));
      resultReferencesByTemplate.set(parent, refs);
    }
    this.templateTexts.set(boundaryID, refs);
    // `<prefix>.<name>.outputs.result` or `<prefix>['<name>'].outputs.result` (either quote).
    const { text, at } = refs;
    const forms = [`${prefix}.${name}`];
    for (const open of [`'`, `"`])
      for (const close of [`'`, `"`]) forms.push(`${prefix}[${open}${name}${close}]`);
    return at.some((i) => forms.some((f) => text.endsWith(f, i)));
  }

  // ---- http and resource -------------------------------------------------------------------

  /** An HTTP node: the controller's agent makes the request; its result decides the node. */
  private executeHttp(
    nodeName: string,
    templateScope: string,
    tmpl: Template,
    holder: TemplateHolder,
    opts: ExecuteOpts,
  ): NodeStatus {
    const node =
      this.getNodeByName(nodeName) ??
      this.initializeExecutableNode(
        nodeName,
        'HTTP',
        templateScope,
        tmpl,
        holder,
        opts.boundaryID,
        'Pending',
        opts.nodeFlag,
      );
    if (nodeFulfilled(node)) return node;
    if (this.execSpec.shutdown && !shutdownAllows(this, opts.onExitTemplate === true))
      return this.markNodePhase(
        nodeName,
        'Failed',
        `workflow shutdown with strategy: ${this.execSpec.shutdown}`,
      );
    if (!this.deps.http)
      return this.markNodeError(nodeName, "http templates need the controller's HTTP agent");
    const result = this.deps.http.result(this.wf, node.id);
    if (!result) {
      this.deps.http.start(this.wf, node.id, tmpl.http!);
      return node;
    }
    if (result.outputs) {
      node.outputs = structuredClone(result.outputs);
      this.updated = true;
    }
    return this.markNodePhase(nodeName, result.phase, result.message ?? '');
  }

  /**
   * Resource templates act on Kubernetes objects through the controller's resource agent, the way
   * HTTP nodes use the HTTP agent. Pods of the argoexec layout (a cluster) do it themselves with
   * `argoexec resource`, as upstream's do. An engine with neither (no Kubernetes API to act on)
   * fails the node and says why.
   */
  private executeResource(
    nodeName: string,
    templateScope: string,
    tmpl: Template,
    holder: TemplateHolder,
    opts: ExecuteOpts,
  ): NodeStatus {
    const agent = this.deps.resource;
    if (!agent && this.deps.pods?.layout === 'argoexec')
      return this.executePod(nodeName, templateScope, tmpl, holder, opts);
    const message =
      `resource templates need Kubernetes: this engine has no Kubernetes API to ${tmpl.resource?.action ?? 'act on'} ` +
      'resources; run this workflow on a cluster (a kubeconfig, or ARGO_SERVER pointing at an Argo Server)';
    const node =
      this.getNodeByName(nodeName) ??
      this.initializeExecutableNode(
        nodeName,
        'Pod',
        templateScope,
        tmpl,
        holder,
        opts.boundaryID,
        agent ? 'Pending' : 'Error',
        opts.nodeFlag,
        agent ? undefined : message,
      );
    if (nodeFulfilled(node)) return node;
    if (!agent) return this.markNodeError(nodeName, message);
    if (this.execSpec.shutdown && !shutdownAllows(this, opts.onExitTemplate === true))
      return this.markNodePhase(
        nodeName,
        'Failed',
        `workflow shutdown with strategy: ${this.execSpec.shutdown}`,
      );
    const result = agent.result(this.wf, node.id);
    if (!result) {
      agent.start(this.wf, node.id, tmpl);
      return node.phase === 'Running' ? node : this.markNodePhase(nodeName, 'Running');
    }
    if (result.outputs) {
      node.outputs = structuredClone(result.outputs);
      this.updated = true;
    }
    return this.markNodePhase(nodeName, result.phase, result.message ?? '');
  }

  // ---- suspend ------------------------------------------------------------------------------

  private executeSuspend(
    nodeName: string,
    templateScope: string,
    tmpl: Template,
    holder: TemplateHolder,
    opts: ExecuteOpts,
  ): NodeStatus {
    let node = this.getNodeByName(nodeName);
    if (!node) {
      node = this.initializeExecutableNode(
        nodeName,
        'Suspend',
        templateScope,
        tmpl,
        holder,
        opts.boundaryID,
        'Pending',
        opts.nodeFlag,
      );
    }
    const duration = tmpl.suspend?.duration;
    if (duration) {
      const ms = parseArgoDuration(duration);
      const until = Date.parse(node.startedAt ?? rfc3339(this.now())) + ms;
      if (this.now().getTime() >= until) {
        for (const p of node.outputs?.parameters ?? []) {
          if (p.value === undefined && p.valueFrom?.default !== undefined)
            p.value = String(p.valueFrom.default);
        }
        return this.markNodePhase(nodeName, 'Succeeded');
      }
      this.requeueAfter(until - this.now().getTime());
    }
    const deadline = this.workflowDeadline();
    if (deadline) this.requeueAfter(deadline.getTime() - this.now().getTime());
    return this.markNodePhase(nodeName, 'Running');
  }

  // ---- pods → nodes -------------------------------------------------------------------------

  /** The nodes that are not fulfilled (by their phase, or waiting for their results), in map order. */
  private unfinishedNodes(): NodeStatus[] {
    const out: NodeStatus[] = [];
    for (const id in this.nodes) {
      const node = this.nodes[id];
      if (!phaseFulfilled(node.phase) || node.taskResultSynced === false) out.push(node);
    }
    return out;
  }

  /** Folds the pods' states into their nodes; `open` holds every node not yet fulfilled. */
  private podReconciliation(open: NodeStatus[]): void {
    let anyRunning = false;
    const deadline = this.workflowDeadline();
    const pastDeadline = deadline !== undefined && this.now() > deadline;
    for (const node of open) {
      if (node.type !== 'Pod' || phaseFulfilled(node.phase)) continue;
      const tmpl = this.safeTemplateOfNode(node);
      // The resource agent does these steps without a pod, and reports their results itself.
      if (tmpl?.resource && this.deps.resource) continue;
      const podName = this.podNameFor(node.name, nodeTemplateName(node));
      let pod = this.deps.getPod(this.namespace, podName);
      // Deleted after it finished, its node waiting for the report: the node goes on from its last state.
      const deleted = pod ? undefined : this.deps.getDeletedPod?.(this.namespace, podName);
      if (deleted && podFinished(deleted)) pod = deleted;
      if (!pod) {
        if (node.phase !== 'Running') continue;
        const grace = missingPodGraceLeftMs(node, this.now());
        if (grace > 0) this.requeueAfter(grace);
        else this.markNodeError(node.name, new Error('pod deleted'));
        continue;
      }
      const result = this.deps.getTaskResult(this.namespace, node.id);
      const timeout = reportTimeout(pod === deleted);
      const reportLeft = reportWaitLeftMs(pod, this.now(), timeout.timeoutMs);
      if (assessPod(node, pod, tmpl, result, reportLeft === 0 ? timeout : undefined)) {
        this.updated = true;
        if (phaseFulfilled(node.phase) && !node.finishedAt) node.finishedAt = rfc3339(this.now());
        if (node.phase === 'Succeeded' && node.memoizationStatus && !node.memoizationStatus.hit)
          this.saveMemoized(node);
        // Outputs with a globalName are the workflow's as soon as the pod reports them.
        if (node.outputs) this.addOutputsToGlobalScope(node.outputs);
      }
      if (tmpl?.containerSet) this.updateContainerNodes(node, pod);
      if (tmpl && podNeedsTermination(pod, tmpl)) this.podsToTerminate.push(podName);
      // A finished pod whose report has not come: looked at again when it is given up on.
      if (!phaseFulfilled(node.phase) && reportLeft) this.requeueAfter(reportLeft);
      if (!phaseFulfilled(node.phase)) this.applyExecutionControl(node, pod, pastDeadline);
      if (pod.status?.phase === 'Running') anyRunning = true;
    }
    const conditions = (this.wf.status!.conditions ??= []);
    const podRunning = conditions.find((c) => c.type === 'PodRunning');
    const status = anyRunning ? 'True' : 'False';
    if (!podRunning) {
      conditions.push({ type: 'PodRunning', status });
      this.updated = true;
    } else if (podRunning.status !== status) {
      podRunning.status = status;
      this.updated = true;
    }
  }

  /** Stops the pods of a workflow that is shutting down or past its activeDeadlineSeconds. */
  private applyExecutionControl(node: NodeStatus, pod: Pod, pastDeadline: boolean): void {
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') return;
    const onExitPod = pod.metadata.labels?.[LABEL_ON_EXIT] !== undefined;
    let message: string | undefined;
    if (this.execSpec.shutdown && !shutdownAllows(this, onExitPod)) {
      message = `workflow shutdown with strategy:  ${this.execSpec.shutdown}`;
    } else if (pastDeadline && !onExitPod) {
      message = 'Step exceeded its deadline';
    }
    if (!message) return;
    this.podsToDelete.push(pod.metadata.name ?? '');
    this.markNodePhase(node.name, 'Failed', message);
    for (const child of this.nestedChildren(node.id)) {
      if (!nodeFulfilled(child)) this.markNodePhase(child.name, 'Failed', message);
    }
  }

  private nestedChildren(id: string, seen = new Set<string>()): NodeStatus[] {
    const out: NodeStatus[] = [];
    for (const c of this.nodes[id]?.children ?? []) {
      if (seen.has(c) || !this.nodes[c]) continue;
      seen.add(c);
      out.push(this.nodes[c], ...this.nestedChildren(c, seen));
    }
    return out;
  }

  /** Whether the node runs under an exit handler (some boundary above it is an `.onExit` node). */
  isPartOfExitHandler(node: NodeStatus): boolean {
    let cur: NodeStatus | undefined = node;
    const seen = new Set<string>();
    while (cur && !(cur.displayName ?? '').endsWith('.onExit') && !cur.name.endsWith('.onExit')) {
      if (!cur.boundaryID || seen.has(cur.id)) return false;
      seen.add(cur.id);
      cur = this.nodes[cur.boundaryID];
    }
    return cur !== undefined;
  }

  /** Nodes without pods (suspend, lock waits, retries between attempts) fail on shutdown or deadline too. */
  private failNodesWithoutPodsAfterDeadlineOrShutdown(open: NodeStatus[]): void {
    const deadline = this.workflowDeadline();
    const pastDeadline = deadline !== undefined && this.now() > deadline;
    if (deadline && !pastDeadline) this.requeueAfter(deadline.getTime() - this.now().getTime());
    for (const node of open) {
      if (nodeFulfilled(node)) continue;
      const inExit = this.isPartOfExitHandler(node);
      if (this.execSpec.shutdown && !shutdownAllows(this, inExit)) {
        const message = `Stopped with strategy '${this.execSpec.shutdown}'`;
        const waitingForLock = node.phase === 'Pending' && node.synchronizationStatus?.waiting;
        const retryDone = node.type === 'Retry' && this.childrenFulfilled(node);
        if (isActiveSuspendNode(node) || waitingForLock || retryDone) {
          this.markNodePhase(node.name, 'Failed', message);
          continue;
        }
      }
      if (pastDeadline && !inExit && (node.phase === 'Pending' || isActiveSuspendNode(node))) {
        this.markNodePhase(node.name, 'Failed', 'Step exceeded its deadline');
      }
    }
  }

  /** Daemons live as long as the steps or DAG node that started them; then they are stopped. */
  killDaemonedChildren(boundaryID: string): void {
    for (const child of Object.values(this.nodes)) {
      if ((child.boundaryID ?? '') !== boundaryID || !child.daemoned) continue;
      this.podsToDelete.push(this.podNameFor(child.name, nodeTemplateName(child)));
      child.phase = 'Succeeded';
      delete child.daemoned;
      if (!child.finishedAt) child.finishedAt = rfc3339(this.now());
      this.updated = true;
    }
  }

  hasDaemonNodes(): boolean {
    return Object.values(this.nodes).some((n) => n.daemoned === true);
  }

  private safeTemplateOfNode(node: NodeStatus): Template | undefined {
    try {
      return this.templateOfNode(node);
    } catch {
      return undefined;
    }
  }

  workflowDeadline(): Date | undefined {
    const secs = this.execSpec.activeDeadlineSeconds;
    const started = this.wf.status?.startedAt;
    if (secs === undefined || !started) return undefined;
    return new Date(Date.parse(started) + secs * 1000);
  }

  // ---- workflow phase -----------------------------------------------------------------------

  markWorkflowPhase(phase: WorkflowPhase, message: string): void {
    const status = this.wf.status!;
    // Daemons must be stopped before the workflow can complete; the next pass completes it.
    if (workflowPhaseCompleted(phase) && this.hasDaemonNodes()) {
      this.killDaemonedChildren('');
      if (this.hasDaemonNodes()) {
        for (const n of Object.values(this.nodes))
          if (n.daemoned) this.killDaemonedChildren(n.boundaryID ?? '');
      }
      this.requeueAfter(0);
      return;
    }
    const labels = (this.wf.metadata.labels ??= {});
    if (status.phase !== phase) {
      status.phase = phase;
      labels[LABEL_PHASE] = phase;
      if (!(LABEL_COMPLETED in labels)) labels[LABEL_COMPLETED] = 'false';
      this.updated = true;
    }
    if (!status.startedAt && phase !== 'Pending') {
      status.startedAt = rfc3339(this.now());
      this.updated = true;
    }
    if ((status.message ?? '') !== message) {
      if (message) status.message = message;
      else delete status.message;
      this.updated = true;
    }
    if (phase === 'Error') {
      const entry = this.nodes[this.name];
      if (entry && entry.phase === 'Running') {
        entry.phase = 'Error';
        entry.message = 'Workflow operation error';
      }
    }
    if (workflowPhaseCompleted(phase)) {
      status.finishedAt = rfc3339(this.now());
      labels[LABEL_COMPLETED] = 'true';
      const conditions = (status.conditions ??= []);
      const done = conditions.find((c) => c.type === 'Completed');
      if (done) done.status = 'True';
      else conditions.push({ type: 'Completed', status: 'True' });
      const running = conditions.find((c) => c.type === 'PodRunning');
      if (running) running.status = 'False';
      this.updated = true;
    }
  }

  markWorkflowError(message: string): void {
    this.markWorkflowPhase('Error', message);
  }

  private failuresJson(): string {
    const failures = [];
    for (const node of Object.values(this.nodes)) {
      if (node.phase !== 'Failed' && node.phase !== 'Error') continue;
      const templateName = node.templateName ?? node.templateRef?.template ?? '';
      failures.push({
        displayName: node.displayName ?? '',
        message: node.message ?? '',
        templateName,
        phase: node.phase,
        podName: this.podNameFor(node.name, templateName),
        finishedAt: node.finishedAt ?? null,
      });
    }
    return JSON.stringify(failures);
  }
}

// ---- helpers ----------------------------------------------------------------------------------

export function workflowPhaseOfNode(phase: NodePhase | undefined): WorkflowPhase {
  switch (phase) {
    case 'Pending':
      return 'Pending';
    case 'Running':
      return 'Running';
    case 'Failed':
      return 'Failed';
    case 'Error':
      return 'Error';
    default:
      return 'Succeeded';
  }
}

function addOutputsToScope(scope: Scope, key: string, outputs: Outputs | undefined): void {
  if (!outputs) return;
  if (outputs.result !== undefined) scope.set(`${key}.outputs.result`, outputs.result);
  if (outputs.exitCode !== undefined) scope.set(`${key}.exitCode`, outputs.exitCode);
  for (const p of outputs.parameters ?? []) {
    if (p.value !== undefined) scope.set(`${key}.outputs.parameters.${p.name}`, p.value);
  }
  for (const a of outputs.artifacts ?? []) scope.setArtifact(`${key}.outputs.artifacts.${a.name}`, a);
}

function loopIndex(name: string): number {
  const parts = name.split('(');
  const last = parts[parts.length - 1];
  const n = Number.parseInt(last.split(':')[0], 10);
  return Number.isNaN(n) ? 0 : n;
}

/** A loop child's result parsed as JSON when it is JSON, else kept as a string (Argo's wfv1.Item). */
function parseItemJson(result: string): unknown {
  try {
    return JSON.parse(result);
  } catch {
    return result;
  }
}

/** Aggregated values of one output parameter: a JSON list of objects/lists if all parse as such, else of strings. */
function aggregatedJsonValueList(values: string[]): string {
  const parsed: unknown[] = [];
  for (const v of values) {
    try {
      const x = JSON.parse(v);
      if (x && typeof x === 'object') {
        parsed.push(x);
        continue;
      }
    } catch {
      // fall through to strings
    }
    return JSON.stringify(values);
  }
  return JSON.stringify(parsed);
}

/** ".fanout1(0:1)(0)[0]" → "fanout1": the step or task name of a node name. */
export function stepOrTaskName(nodeName: string): string {
  let name = nodeName;
  let opener = '';
  let i = name.length - 1;
  for (; i >= 0; i--) {
    const ch = name[i];
    if (opener) {
      if (ch === opener) opener = '';
      continue;
    }
    if (ch === ')') opener = '(';
    else if (ch === ']') opener = '[';
    else break;
  }
  name = name.slice(0, i + 1);
  const dot = name.lastIndexOf('.');
  return dot >= 0 ? name.slice(dot + 1) : name;
}

function addSuppliedOutputs(node: NodeStatus, tmpl: Template): void {
  for (const param of tmpl.outputs?.parameters ?? []) {
    if (!param.valueFrom?.supplied) continue;
    const p = structuredClone(param);
    if (p.valueFrom && p.valueFrom.default === undefined) {
      const inDefault = tmpl.inputs?.parameters?.find((i) => i.name === p.name)?.default;
      if (inDefault !== undefined) p.valueFrom.default = inDefault;
    }
    const outputs = (node.outputs ??= { parameters: [] });
    (outputs.parameters ??= []).push(p);
  }
}

const NODE_FIELD_ORDER = [
  'id',
  'name',
  'displayName',
  'type',
  'templateName',
  'templateRef',
  'templateScope',
  'phase',
  'boundaryID',
  'message',
  'startedAt',
  'finishedAt',
  'estimatedDuration',
  'progress',
  'resourcesDuration',
  'podIP',
  'daemoned',
  'nodeFlag',
  'inputs',
  'outputs',
  'children',
  'outboundNodes',
  'hostNodeName',
  'memoizationStatus',
  'synchronizationStatus',
  'taskResultSynced',
];

/** Keeps node fields in the order Argo's NodeStatus struct serialises them. */
export function orderNode(node: NodeStatus): NodeStatus {
  const out: Record<string, unknown> = {};
  for (const k of NODE_FIELD_ORDER) {
    const v = (node as unknown as Record<string, unknown>)[k];
    if (v !== undefined) out[k] = v;
  }
  for (const [k, v] of Object.entries(node)) if (!(k in out) && v !== undefined) out[k] = v;
  return out as unknown as NodeStatus;
}

/** Templates that run as a pod. */
/** A suspend node still waiting to be resumed. */
function parseMaxAge(text: string): number {
  try {
    return parseGoDuration(text);
  } catch (err) {
    throw new Error(`invalid maxAge: ${(err as Error).message}`);
  }
}

function earliest(a: Date | undefined, b: Date | undefined): Date | undefined {
  if (!a) return b;
  if (!b) return a;
  return a < b ? a : b;
}

/** `timeout` and `pendingTimeout` of a template as absolute times from the node's start. */
export function templateDeadlines(
  t: Template,
  node: NodeStatus,
): { deadline?: number; pendingDeadline?: number } {
  const started = Date.parse(node.startedAt ?? '');
  const out: { deadline?: number; pendingDeadline?: number } = {};
  const parse = (v: string): number => {
    try {
      return parseArgoDuration(v);
    } catch (err) {
      throw new Error(`invalid timeout format ${(err as Error).message}`);
    }
  };
  if (t.timeout) out.deadline = started + parse(t.timeout);
  if (t.pendingTimeout && node.phase === 'Pending') out.pendingDeadline = started + parse(t.pendingTimeout);
  return out;
}

export { isDaemoned, phaseCompleted };

/** Per template object: whether it has a `{{...}}` in it, whose substitution could depend on the node. */
const variableTemplates = new WeakMap<Template, boolean>();

function hasVariables(tmpl: Template): boolean {
  let has = variableTemplates.get(tmpl);
  if (has === undefined) {
    has = JSON.stringify(tmpl).includes('{{');
    variableTemplates.set(tmpl, has);
  }
  return has;
}

/** A template's JSON and where `.outputs.result` occurs in it (a pod asks whether its result is used). */
interface ResultReferences {
  text: string;
  at: number[];
}

/**
 * Found once per boundary and pass: each pod of a wide DAG then checks the few places its result
 * could be referenced, not the whole template text.
 */
/** Answers of fixedDag, by the resolved template (shared and read only, see template-context.ts). */
const fixedDags = new WeakMap<Template, boolean>();

/**
 * Whether a template is a DAG with no inputs and no tag anywhere in it: processing its arguments
 * would only copy it, so it runs as resolved. A wide DAG is then not copied on every pass, and
 * its task graph, kept by template (dag.ts), is not worked out again on every pass either.
 */
function fixedDag(tmpl: Template): boolean {
  if (!tmpl.dag || tmpl.inputs) return false;
  let fixed = fixedDags.get(tmpl);
  if (fixed === undefined) {
    fixed = !JSON.stringify(tmpl).includes('{{');
    fixedDags.set(tmpl, fixed);
  }
  return fixed;
}

/**
 * By the resolved template they were read from: a resolution hands out the same read-only copy
 * while its source is unchanged (template-context.ts), so a DAG's text is not serialised again on
 * every pass that starts one of its tasks.
 */
const resultReferencesByTemplate = new WeakMap<Template, ResultReferences>();

function resultReferences(text: string): ResultReferences {
  const at: number[] = [];
  const needle = '.outputs.result';
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) at.push(i);
  return { text, at };
}
