// DAG templates: each task runs once its `depends`/`dependencies` are satisfied.
import type { DAGTask, Template } from '../model/template.js';
import type { NodePhase, NodeStatus } from '../model/workflow.js';
import {
  evaluableDependsLogic,
  leafTaskNames,
  satisfyingResults,
  taskAncestry,
  taskDependencies,
  type DependencyResult,
  type TaskDependencies,
} from '../workflow/dag-deps.js';
import { evaluateBool } from '../workflow/expr/index.js';
import { nodeFulfilled, phaseCompleted, phaseFailedOrError } from '../workflow/phase.js';
import {
  renderObject,
  renderTemplate,
  UnresolvedVariableError,
  type Vars,
} from '../workflow/template-string.js';
import type { TemplateContext, TemplateHolder } from '../workflow/template-context.js';
import { continuesOn, expandItems, markAbsentOptionalArgs, shouldExecute } from './expand.js';
import { HELD_BACK, type ExecuteOpts, type HeldBack, type WorkflowOperation } from './operator.js';
import { heldBackProbeKey } from './held-back.js';
import { Scope } from './scope.js';
import { executeTemplateHooks, exitHookOf, runOnExitNode } from './hooks.js';

type DependsDecision = { execute: boolean; proceed: boolean };

/**
 * What a DAG template says of its tasks' graph: the tasks by name, what each depends on, its
 * default targets. Kept by template: a template with nothing to substitute is the same read-only
 * object on every pass (operator.ts, fixedDag), so its graph is worked out once, not on each pass.
 */
class DagGraph {
  readonly byName: Map<string, DAGTask>;
  readonly deps = new Map<string, TaskDependencies>();
  private leaves: string[] | undefined;

  constructor(readonly tasks: DAGTask[]) {
    this.byName = new Map(tasks.map((t) => [t.name, t]));
  }

  dependencies(task: DAGTask): TaskDependencies {
    let d = this.deps.get(task.name);
    if (!d) {
      d = taskDependencies(task, (n) => this.byName.get(n));
      this.deps.set(task.name, d);
    }
    return d;
  }

  /** The tasks no other task depends on (the default targets). */
  leafTasks(depsOf: (name: string) => string[]): string[] {
    return (this.leaves ??= leafTaskNames(this.tasks, depsOf));
  }
}

const graphs = new WeakMap<Template, DagGraph>();

function dagGraph(tmpl: Template): DagGraph {
  let g = graphs.get(tmpl);
  if (!g) {
    g = new DagGraph(tmpl.dag?.tasks ?? []);
    graphs.set(tmpl, g);
  }
  return g;
}

class DagContext {
  readonly visited = new Set<string>();
  /**
   * Per depends expression, its decision and the op's change count then: the thousands of tasks
   * of a wide DAG that wait on the same task share one evaluation while nothing changes.
   */
  readonly decisions = new Map<string, { at: number; decision: DependsDecision }>();
  readonly graph: DagGraph;
  private readonly byName: Map<string, DAGTask>;

  constructor(
    readonly op: WorkflowOperation,
    readonly boundaryName: string,
    readonly boundaryID: string,
    readonly tmpl: Template,
    readonly tmplCtx: TemplateContext,
    readonly onExitTemplate: boolean,
  ) {
    this.graph = dagGraph(tmpl);
    this.byName = this.graph.byName;
  }

  get tasks(): DAGTask[] {
    return this.tmpl.dag?.tasks ?? [];
  }

  hasTask(name: string): boolean {
    return this.byName.has(name);
  }

  task(name: string): DAGTask {
    const t = this.byName.get(name);
    if (!t) throw new Error(`target ${name} does not exist`);
    return t;
  }

  dependencies(name: string): TaskDependencies {
    return this.graph.dependencies(this.task(name));
  }

  taskNodeName(name: string): string {
    return `${this.boundaryName}.${name}`;
  }

  taskNode(name: string): NodeStatus | undefined {
    return this.op.getNodeByName(this.taskNodeName(name));
  }

  finishedAt(name: string): number {
    const n = this.taskNode(name);
    if (!n) return 0;
    return Date.parse(n.finishedAt ?? n.startedAt ?? '') || 0;
  }
}

export function executeDag(
  op: WorkflowOperation,
  nodeName: string,
  tmplCtx: TemplateContext,
  templateScope: string,
  tmpl: Template,
  holder: TemplateHolder,
  opts: ExecuteOpts,
): NodeStatus {
  let node = op.getNodeByName(nodeName);
  if (!node) {
    node = op.initializeExecutableNode(
      nodeName,
      'DAG',
      templateScope,
      tmpl,
      holder,
      opts.boundaryID,
      'Running',
      opts.nodeFlag,
    );
  }
  const d = new DagContext(op, nodeName, node.id, tmpl, tmplCtx, opts.onExitTemplate === true);
  const targets = tmpl.dag?.target
    ? tmpl.dag.target.split(' ').filter((t) => t !== '')
    : d.graph.leafTasks((n) => d.dependencies(n).names);

  // Daemoned tasks are revisited first so their state is current.
  for (const task of d.tasks) {
    if (d.taskNode(task.name)?.daemoned) executeDagTask(d, task.name);
  }
  let onExitCompleted = true;
  for (const target of targets) {
    executeDagTask(d, target);
    const taskNode = d.taskNode(target);
    if (!taskNode) continue;
    const task = d.task(target);
    // Building a task's scope walks its ancestry: only do it for tasks that have hooks.
    if (hasExpressionHooks(task)) {
      try {
        const scope = buildTaskScope(d, task);
        scope.set(`tasks.${target}.status`, taskNode.phase ?? '');
        if (
          executeTemplateHooks(op, scope, task.hooks, taskNode, d.boundaryID, d.tmplCtx, 'tasks', target) ===
          HELD_BACK
        )
          continue;
      } catch (err) {
        return op.markNodeError(nodeName, err as Error);
      }
    }
    if (nodeFulfilled(taskNode) && phaseCompleted(taskNode.phase)) {
      const exitNode = op.getNodeByName(`${taskNode.name}.onExit`);
      if (exitNode && !nodeFulfilled(exitNode)) onExitCompleted = false;
    }
  }

  const phase = assessDagPhase(d, targets, onExitCompleted);
  if (phase === 'Running') return node;
  if (phaseFailedOrError(phase)) {
    updateOutboundNodes(d, targets, nodeName);
    const failed = op.markNodePhase(nodeName, phase);
    op.killDaemonedChildren(failed.id);
    return failed;
  }

  const scope = new Scope(tmpl);
  for (const task of d.tasks) {
    const taskNode = d.taskNode(task.name);
    if (!taskNode) continue;
    if (taskNode.type === 'TaskGroup') {
      const children = (taskNode.children ?? []).map((id) => op.nodes[id]).filter(Boolean);
      op.processAggregateNodeOutputs(scope, 'tasks', task.name, children);
    }
    op.buildLocalScope(scope, 'tasks', task.name, taskNode);
    op.addSkippedNodeOutputsToScope(d.tmplCtx, scope, 'tasks', task.name, taskNode, task);
    op.addOutputsToGlobalScope(taskNode.outputs);
  }
  let outputs;
  try {
    outputs = op.templateOutputsFromScope(tmpl, scope);
  } catch (err) {
    return op.markNodeError(nodeName, err as Error);
  }
  if (outputs) {
    node = op.getNodeByName(nodeName)!;
    node.outputs = outputs;
    op.updated = true;
  }
  updateOutboundNodes(d, targets, nodeName);
  const done = op.markNodePhase(nodeName, 'Succeeded');
  op.killDaemonedChildren(done.id);
  return done;
}

function updateOutboundNodes(d: DagContext, targets: string[], nodeName: string): void {
  const outbound: string[] = [];
  for (const t of targets) {
    const n = d.taskNode(t);
    if (n) outbound.push(...d.op.getOutboundNodes(n.id));
  }
  const node = d.op.getNodeByName(nodeName)!;
  if (JSON.stringify(node.outboundNodes ?? []) !== JSON.stringify(outbound)) {
    node.outboundNodes = outbound;
    d.op.updated = true;
  }
}

/**
 * The DAG's phase from its target tasks: a target that was omitted inherits the phase of the branch
 * that led to it, failures preferred.
 */
function assessDagPhase(d: DagContext, targets: string[], onExitCompleted: boolean): NodePhase {
  const op = d.op;
  // Shutting down fails the DAG, but exit handlers it started are waited for.
  if (op.execSpec.shutdown && onExitCompleted && !d.onExitTemplate) return 'Failed';
  const targetPhases = new Map<string, NodePhase | ''>();
  for (const t of targets) targetPhases.set(op.nodeId(d.taskNodeName(t)), '');
  const boundary = op.nodes[d.boundaryID];
  const queue: { id: string; phase: NodePhase }[] = (boundary.children ?? []).map((id) => ({
    id,
    phase: 'Succeeded',
  }));
  const seen = new Set<string>();
  while (queue.length > 0) {
    const cur = queue.shift()!;
    const key = `${cur.id}|${cur.phase}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const n = op.nodes[cur.id];
    if (!n) return 'Running';
    let branch = cur.phase;
    if (!nodeFulfilled(n)) {
      const groupPhase = completableTaskGroupPhase(op, n);
      if (!groupPhase) return 'Running';
      op.markNodePhase(n.name, groupPhase);
      branch = groupPhase;
    } else if (phaseCompleted(n.phase)) {
      branch = n.phase!;
    }
    if (targetPhases.has(n.id)) {
      const prev = targetPhases.get(n.id);
      if (!phaseFailedOrError(prev || undefined)) targetPhases.set(n.id, branch);
    }
    const next = n.type === 'Retry' ? retryChildren(op, n) : (n.children ?? []);
    for (const id of next) queue.push({ id, phase: branch });
  }
  const failFast = d.tmpl.dag?.failFast !== false;
  let result: NodePhase = 'Succeeded';
  for (const t of targets) {
    const branch = targetPhases.get(op.nodeId(d.taskNodeName(t)));
    if (!branch) {
      result = 'Running';
      if (!failFast) break;
    } else if (phaseFailedOrError(branch)) {
      if (continuesOn(d.task(t).continueOn, branch)) continue;
      result = branch;
      if (failFast) break;
    }
  }
  return result;
}

function retryChildren(op: WorkflowOperation, node: NodeStatus): string[] {
  return (node.children ?? []).filter((id) => !op.nodes[id]?.nodeFlag?.hooked);
}

function completableTaskGroupPhase(op: WorkflowOperation, node: NodeStatus): NodePhase | undefined {
  if (node.type !== 'TaskGroup' || !node.children?.length) return undefined;
  let phase: NodePhase = 'Succeeded';
  for (const id of node.children) {
    const c = op.nodes[id];
    if (!c || !nodeFulfilled(c)) return undefined;
    if (phaseFailedOrError(c.phase)) phase = c.phase!;
  }
  return phase;
}

function executeDagTask(d: DagContext, taskName: string): void {
  if (d.visited.has(taskName)) return;
  d.visited.add(taskName);
  const op = d.op;
  let node = d.taskNode(taskName);
  const task = d.task(taskName);
  if (node && (nodeFulfilled(node) || node.phase === 'Running') && hasExpressionHooks(task)) {
    let hooksDone: boolean | HeldBack;
    try {
      const scope = buildTaskScope(d, task);
      scope.set(`tasks.${taskName}.status`, node.phase ?? '');
      hooksDone = executeTemplateHooks(
        op,
        scope,
        task.hooks,
        node,
        d.boundaryID,
        d.tmplCtx,
        'tasks',
        taskName,
      );
    } catch (err) {
      op.markNodeError(node.name, err as Error);
      hooksDone = true;
    }
    if (hooksDone === HELD_BACK || !hooksDone) return;
  }
  if (node && nodeFulfilled(node)) {
    if (phaseCompleted(node.phase)) runTaskExitHook(d, task, node);
    return;
  }

  const dagTemplateScope = d.tmplCtx.templateScope;
  const nodeName = d.taskNodeName(taskName);
  const deps = d.dependencies(taskName);
  let taskGroupNode = op.getNodeByName(nodeName);
  if (taskGroupNode && taskGroupNode.type !== 'TaskGroup') taskGroupNode = undefined;

  const connectDependencies = (taskNodeName: string): void => {
    if (deps.names.length === 0 || taskGroupNode) {
      op.addChildNode(taskGroupNode ? taskGroupNode.name : d.boundaryName, taskNodeName);
      return;
    }
    for (const dep of deps.names) {
      const depNode = d.taskNode(dep);
      if (!depNode) continue;
      for (const outId of op.getOutboundNodes(depNode.id))
        op.addChildNode(op.nodes[outId].name, taskNodeName);
    }
  }; /** The task cannot run: an Error node in its place, linked like the task would have been. */
  const errorTask = (err: Error): void => {
    if (!op.getNodeByName(nodeName)) {
      op.initializeNode(
        nodeName,
        'Skipped',
        dagTemplateScope,
        task,
        d.boundaryID,
        'Error',
        undefined,
        err.message,
      );
    }
    connectDependencies(nodeName);
  };

  // (For a `dependencies:` list, asking names rather than logic saves building the expression.)
  if (task.depends ? deps.logic !== '' : deps.names.length > 0) {
    for (const dep of deps.names) executeDagTask(d, dep);
    let decision: { execute: boolean; proceed: boolean };
    try {
      decision = evaluateDependsLogic(d, taskName, deps);
    } catch (err) {
      errorTask(err as Error);
      return;
    }
    if (!decision.proceed) return;
    if (!decision.execute) {
      if (!node) {
        op.initializeNode(
          nodeName,
          'Skipped',
          dagTemplateScope,
          task,
          d.boundaryID,
          'Omitted',
          undefined,
          'omitted: depends condition not met',
        );
        connectDependencies(nodeName);
      }
      return;
    }
  }

  // A task that waits for room under the workflow's parallelism is seen again on every pass until
  // it runs: when its outcome cannot differ from a like task already held back in this pass, the
  // resolution and argument processing that would end in the same HELD_BACK are skipped.
  const probe = node ? undefined : heldBackProbeKey(task, dagTemplateScope);
  if (probe !== undefined && op.knownHeldBack(probe)) {
    connectDependencies(nodeName);
    return;
  }

  let newTask: DAGTask;
  let vars: Vars;
  try {
    ({ task: newTask, vars } = resolveDependencyReferences(d, task));
  } catch (err) {
    if (err instanceof UnresolvedVariableError) {
      op.requeueAfter(1000);
      return;
    }
    errorTask(err as Error);
    return;
  }

  let expanded: DAGTask[];
  try {
    expanded = expandItems(newTask, vars);
  } catch (err) {
    errorTask(err as Error);
    return;
  }

  const shouldExpand =
    task.withItems !== undefined || task.withParam !== undefined || task.withSequence !== undefined;
  if (shouldExpand) {
    if (expanded.length === 0) {
      if (!op.getNodeByName(nodeName)) {
        op.initializeNode(
          nodeName,
          'Skipped',
          dagTemplateScope,
          task,
          d.boundaryID,
          'Skipped',
          undefined,
          'Skipped, empty params',
        );
        connectDependencies(nodeName);
      }
    } else if (!taskGroupNode) {
      connectDependencies(nodeName);
      taskGroupNode = op.initializeNode(
        nodeName,
        'TaskGroup',
        dagTemplateScope,
        task,
        d.boundaryID,
        'Running',
      );
    }
  }

  for (const t of expanded) {
    const taskNodeName = d.taskNodeName(t.name);
    node = op.getNodeByName(taskNodeName);
    if (!node) {
      connectDependencies(taskNodeName);
      let proceed: boolean;
      try {
        proceed = shouldExecute(t.when);
      } catch (err) {
        op.initializeNode(
          taskNodeName,
          'Skipped',
          dagTemplateScope,
          task,
          d.boundaryID,
          'Error',
          undefined,
          (err as Error).message,
        );
        continue;
      }
      if (!proceed) {
        op.initializeNode(
          taskNodeName,
          'Skipped',
          dagTemplateScope,
          task,
          d.boundaryID,
          'Skipped',
          undefined,
          `when '${t.when ?? ''}' evaluated false`,
        );
        continue;
      }
    }
    let ran: NodeStatus | undefined | HeldBack;
    try {
      ran = op.executeTemplate(taskNodeName, t, d.tmplCtx, t.arguments ?? {}, {
        boundaryID: d.boundaryID,
        onExitTemplate: d.onExitTemplate,
        holderKind: 'task',
        heldBackProbe: probe,
      });
    } catch (err) {
      op.markNodeError(taskNodeName, new Error(`task '${taskNodeName}' errored: ${(err as Error).message}`));
      return;
    }
    if (ran === HELD_BACK) continue;
    node = ran;
    if (!node) return;
    if (phaseCompleted(node.phase) && !runTaskExitHook(d, task, node)) return;
  }

  if (taskGroupNode) {
    let groupPhase: NodePhase = 'Succeeded';
    for (const t of expanded) {
      const n = d.taskNode(t.name);
      if (!n || !nodeFulfilled(n)) return;
      if (phaseFailedOrError(n.phase)) groupPhase = n.phase!;
    }
    op.markNodePhase(taskGroupNode.name, groupPhase);
  }
}

/** Whether a task's dependencies are all done (proceed) and, if so, whether their outcome lets it run. */
function evaluateDependsLogic(
  d: DagContext,
  taskName: string,
  deps: TaskDependencies,
): { execute: boolean; proceed: boolean } {
  if (d.taskNode(taskName)) return { execute: true, proceed: true };
  const known = d.decisions.get(deps.logic);
  if (known && known.at === d.op.changeCount) return known.decision;
  const decision = decideDepends(d, deps);
  d.decisions.set(deps.logic, { at: d.op.changeCount, decision });
  return decision;
}

/**
 * A `dependencies:` list's logic (each listed task in one of its satisfying results, all of them)
 * decided from the nodes without the expression language, with the expression's own reading:
 * names equal once `-` is read as `_` are one variable, the first listed one's.
 */
function listedDependenciesSatisfied(d: DagContext, listed: readonly string[]): boolean {
  const byVariable = new Map<string, Record<DependencyResult, boolean>>();
  for (const dep of listed) {
    const variable = dep.replaceAll('-', '_');
    let results = byVariable.get(variable);
    if (!results) {
      results = dependencyResults(d, d.taskNode(dep)!);
      byVariable.set(variable, results);
    }
    if (!satisfyingResults(d.hasTask(dep) ? d.task(dep) : undefined).some((r) => results[r])) return false;
  }
  return true;
}

/** The depends decision from the dependencies' nodes as they are now. */
function decideDepends(d: DagContext, deps: TaskDependencies): DependsDecision {
  // Every dependency done first, before any of the expression's inputs are built: a task waiting
  // on thousands is asked this on every pass.
  for (const dep of deps.names) {
    const n = d.taskNode(dep);
    if (!n || !nodeFulfilled(n) || !d.op.hooksFulfilled(n)) return { execute: false, proceed: false };
  }
  if (deps.listed) return { execute: listedDependenciesSatisfied(d, deps.listed), proceed: true };
  const env: Record<string, Record<DependencyResult, boolean>> = {};
  for (const dep of deps.names) {
    const key = dep.replaceAll('-', '_');
    env[key] ??= dependencyResults(d, d.taskNode(dep)!);
  }
  const logic = evaluableDependsLogic(deps.logic);
  let execute: boolean;
  try {
    execute = evaluateBool(logic, env);
  } catch (err) {
    throw new Error(`unable to evaluate expression '${logic}': ${(err as Error).message}`);
  }
  return { execute, proceed: true };
}

/** What `depends` reads of a finished task: which of its results hold. */
function dependencyResults(d: DagContext, n: NodeStatus): Record<DependencyResult, boolean> {
  let anySucceeded = false;
  let allFailed = false;
  if (n.type === 'TaskGroup') {
    allFailed = (n.children?.length ?? 0) > 0;
    for (const id of n.children ?? []) {
      const c = d.op.nodes[id];
      if (!c) {
        allFailed = false;
        continue;
      }
      anySucceeded ||= c.phase === 'Succeeded';
      allFailed &&= c.phase === 'Failed';
    }
  }
  return {
    Succeeded: n.phase === 'Succeeded',
    Failed: n.phase === 'Failed',
    Errored: n.phase === 'Error',
    Skipped: n.phase === 'Skipped',
    Omitted: n.phase === 'Omitted',
    Daemoned: n.daemoned === true && n.phase !== 'Pending',
    AnySucceeded: anySucceeded,
    AllFailed: allFailed,
  };
}

/** Whether a task has lifecycle hooks other than the exit hook. */
function hasExpressionHooks(task: DAGTask): boolean {
  return Object.keys(task.hooks ?? {}).some((k) => k !== 'exit');
}

/** Runs a finished task's exit hook; false while that hook has yet to finish. */
function runTaskExitHook(d: DagContext, task: DAGTask, node: NodeStatus): boolean {
  const op = d.op;
  if (!exitHookOf(task, undefined)) return true;
  try {
    const scope = buildTaskScope(d, task);
    scope.set(`tasks.${task.name}.status`, node.phase ?? '');
    const exit = runOnExitNode(
      op,
      exitHookOf(task, op.execSpec.arguments),
      node,
      d.boundaryID,
      d.tmplCtx,
      'tasks',
      task.name,
      scope,
    );
    if (exit === HELD_BACK) return false;
    return !exit.has || (exit.node !== undefined && nodeFulfilled(exit.node));
  } catch (err) {
    op.markNodeError(node.name, err as Error);
    return true;
  }
}

/** The scope a task sees: the DAG's inputs and the outputs of every task it (transitively) depends on. */
function buildTaskScope(d: DagContext, task: DAGTask): Scope {
  const op = d.op;
  const scope = new Scope(d.tmpl);
  op.addWorkflowOutputsToScope(scope);
  const ancestors = taskAncestry(
    task.name,
    (n) => (d.hasTask(n) ? d.dependencies(n).names : []),
    (n) => d.finishedAt(n),
  );
  for (const ancestor of ancestors) {
    const an = d.taskNode(ancestor);
    if (!an) throw new Error(`Ancestor task node ${ancestor} not found`);
    if (an.type === 'TaskGroup') {
      const children = Object.values(op.nodes).filter(
        (n) => n.boundaryID === d.boundaryID && n.name.startsWith(`${an.name}(`),
      );
      op.processAggregateNodeOutputs(scope, 'tasks', ancestor, children);
    }
    op.buildLocalScope(scope, 'tasks', ancestor, an);
    op.addSkippedNodeOutputsToScope(d.tmplCtx, scope, 'tasks', ancestor, an, d.task(ancestor));
  }
  return scope;
}

/**
 * The task with the variables it reads resolved, and the variables it was resolved with (its
 * items are expanded with the same ones).
 */
function resolveDependencyReferences(d: DagContext, task: DAGTask): { task: DAGTask; vars: Vars } {
  const op = d.op;
  // A task that reads no variable has nothing to resolve: the scope of its ancestors' outputs (a
  // walk of its whole ancestry, for each task that starts) is not built for it.
  const scope = readsNoVariables(task) && ancestryPlain(d, task.name) ? undefined : buildTaskScope(d, task);
  const { hooks, ...rest } = task;
  const vars = scope ? scope.vars(op.globals) : {};
  const strict = { allowUnresolved: true, strictPrefixes: ['tasks', 'steps'] };
  const shouldExpand =
    task.withItems !== undefined || task.withParam !== undefined || task.withSequence !== undefined;
  if (rest.when) {
    const when = renderTemplate(rest.when, vars, strict);
    try {
      if (!shouldExecute(when))
        return { task: { ...rest, when, ...(hooks ? { hooks } : {}) } as DAGTask, vars };
    } catch (err) {
      if (!shouldExpand) throw err;
    }
  }
  const marked = scope ? markAbsentOptionalArgs(rest as DAGTask, scope) : (rest as DAGTask);
  const out = renderObject(marked, vars, strict);
  if (hooks) out.hooks = hooks;
  if (out.arguments?.artifacts) {
    const arts = [];
    for (const art of out.arguments.artifacts) {
      if (!art.from && !art.fromExpression) {
        arts.push(art);
        continue;
      }
      try {
        const r = scope!.resolveArtifact(art)!;
        r.name = art.name;
        arts.push(r);
      } catch (err) {
        if (art.optional && /Unable to resolve/.test((err as Error).message)) continue;
        throw err;
      }
    }
    out.arguments.artifacts = arts;
  }
  return { task: out, vars };
}

/** Whether a task has no tag anywhere in it and takes no artifact from another task's outputs. */
function readsNoVariables(task: DAGTask): boolean {
  if (task.arguments?.artifacts?.some((a) => a.from || a.fromExpression)) return false;
  return !JSON.stringify(task).includes('{{');
}

/**
 * Whether building the task's scope could do nothing but read: every task it transitively depends
 * on has its node (else building the scope fails, naming the missing one), and none is a skipped
 * task without outputs (whose declared outputs the scope resolves its template for, which records
 * a referenced template in the status).
 */
function ancestryPlain(d: DagContext, taskName: string): boolean {
  const seen = new Set<string>([taskName]);
  const stack = d.dependencies(taskName).names.slice();
  while (stack.length > 0) {
    const name = stack.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const n = d.taskNode(name);
    if (!n || (!n.outputs && (n.phase === 'Skipped' || n.phase === 'Omitted'))) return false;
    if (d.hasTask(name)) stack.push(...d.dependencies(name).names);
  }
  return true;
}
