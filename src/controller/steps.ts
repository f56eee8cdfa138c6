// Steps templates: step groups run one after another; the steps of a group run in parallel.
import type { Template, WorkflowStep } from '../model/template.js';
import type { NodeStatus } from '../model/workflow.js';
import { nodeFulfilled, phaseCompleted, phaseFailedOrError, phaseFulfilled } from '../workflow/phase.js';
import { renderObject, renderTemplate, UnresolvedVariableError } from '../workflow/template-string.js';
import type { TemplateContext, TemplateHolder } from '../workflow/template-context.js';
import { expandItems, markAbsentOptionalArgs, shouldExecute, continuesOn } from './expand.js';
import { HELD_BACK, type ExecuteOpts, type HeldBack, type WorkflowOperation } from './operator.js';
import { heldBackProbeKey } from './held-back.js';
import type { Scope } from './scope.js';
import { stepsScopeFor } from './steps-scope.js';
import { expansionOf, type ExpandedStep, type GroupExpansion } from './steps-expansion.js';
import { executeTemplateHooks, exitHookOf, runOnExitNode } from './hooks.js';

interface StepsContext {
  boundaryID: string;
  scope: Scope;
  tmplCtx: TemplateContext;
  onExitTemplate: boolean;
}

export function executeSteps(
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
      'Steps',
      templateScope,
      tmpl,
      holder,
      opts.boundaryID,
      'Running',
      opts.nodeFlag,
    );
  }
  const groups = tmpl.steps ?? [];
  const boundaryID = node.id;
  const kept = stepsScopeFor(op.nodes, node.id, tmpl, (scope, i) => {
    const sgNodeName = `${nodeName}[${i}]`;
    addGroupToScope(op, { boundaryID, scope, tmplCtx }, groups[i], sgNodeName, op.getNodeByName(sgNodeName)!);
  });
  const stepsCtx: StepsContext = {
    boundaryID,
    scope: kept.scope,
    tmplCtx,
    onExitTemplate: opts.onExitTemplate === true,
  };
  op.addWorkflowOutputsToScope(stepsCtx.scope);
  const stepTemplateScope = tmplCtx.templateScope;

  // The settled groups are done with: their nodes, links and scope entries stand as they are.
  for (let i = kept.settled; i < groups.length; i++) {
    const sgNodeName = `${nodeName}[${i}]`;
    const existing = op.getNodeByName(sgNodeName);
    if (!existing) {
      op.initializeNode(sgNodeName, 'StepGroup', stepTemplateScope, {}, stepsCtx.boundaryID, 'Running');
    } else if (!nodeFulfilled(existing)) {
      op.markNodePhase(sgNodeName, 'Running');
    }
    if (i === 0) {
      op.addChildNode(nodeName, sgNodeName);
    } else {
      const prevName = `${nodeName}[${i - 1}]`;
      const prev = op.getNodeByName(prevName)!;
      if (!prev.children?.length) {
        op.addChildNode(prevName, sgNodeName);
      } else {
        for (const childId of prev.children) {
          for (const outId of op.getOutboundNodes(childId)) {
            op.addChildNode(op.nodes[outId].name, sgNodeName);
          }
        }
      }
    }

    let sgNode: NodeStatus;
    try {
      sgNode = executeStepGroup(op, groups[i], sgNodeName, stepsCtx);
    } catch (err) {
      op.markNodeError(sgNodeName, err as Error);
      return node;
    }
    if (!nodeFulfilled(sgNode)) return node;
    if (phaseFailedOrError(sgNode.phase)) {
      updateOutboundNodes(op, nodeName, groups.length);
      const failed = op.markNodePhase(nodeName, 'Failed', sgNode.message ?? '');
      op.killDaemonedChildren(failed.id);
      return failed;
    }

    const read = addGroupToScope(op, stepsCtx, groups[i], sgNodeName, sgNode);
    if (i === kept.settled + kept.pending.length && groupSettled(groups[i], read)) kept.pending.push(i);
  }

  updateOutboundNodes(op, nodeName, groups.length);
  let outputs;
  try {
    outputs = op.templateOutputsFromScope(tmpl, stepsCtx.scope);
  } catch (err) {
    return op.markNodeError(nodeName, err as Error);
  }
  if (outputs) {
    node = op.getNodeByName(nodeName)!;
    node.outputs = outputs;
    op.addOutputsToGlobalScope(outputs);
    op.updated = true;
  }
  const done = op.markNodePhase(nodeName, 'Succeeded');
  op.killDaemonedChildren(done.id);
  return done;
}

/**
 * Adds what a finished step group's steps leave for the steps after them to the scope: each
 * step's id, times, status and outputs (a loop's aggregated). Returns the nodes it read.
 */
function addGroupToScope(
  op: WorkflowOperation,
  stepsCtx: Pick<StepsContext, 'boundaryID' | 'scope' | 'tmplCtx'>,
  group: WorkflowStep[],
  sgNodeName: string,
  sgNode: NodeStatus,
): NodeStatus[] {
  const read: NodeStatus[] = [sgNode];
  for (const step of group) {
    const childNodeName = `${sgNodeName}.${step.name ?? ''}`;
    const childNode = op.getNodeByName(childNodeName);
    if (!childNode) {
      // A loop: its children are `<name>(i:item)` nodes; their outputs aggregate into JSON lists.
      const loopChildren = Object.values(op.nodes).filter(
        (n) =>
          n.boundaryID === stepsCtx.boundaryID &&
          n.name.startsWith(`${childNodeName}(`) &&
          n.type !== 'Skipped',
      );
      if (loopChildren.length > 0)
        op.processAggregateNodeOutputs(stepsCtx.scope, 'steps', step.name ?? '', loopChildren);
      op.buildLocalScope(stepsCtx.scope, 'steps', step.name ?? '', sgNode);
      read.push(...loopChildren);
    } else {
      op.buildLocalScope(stepsCtx.scope, 'steps', step.name ?? '', childNode);
      op.addSkippedNodeOutputsToScope(
        stepsCtx.tmplCtx,
        stepsCtx.scope,
        'steps',
        step.name ?? '',
        childNode,
        step,
      );
      read.push(childNode);
      const lastTry = op.lastRetryChild(childNode);
      if (lastTry) read.push(lastTry);
    }
  }
  return read;
}

/**
 * Whether a finished group can be skipped by every later pass: what it put in the scope cannot
 * change (no node it read is still running, as a daemon is, or waiting for its outputs), and no
 * step has hooks, whose expressions every pass evaluates again.
 */
function groupSettled(group: WorkflowStep[], read: NodeStatus[]): boolean {
  if (group.some((s) => s.hooks !== undefined || s.onExit !== undefined)) return false;
  return read.every((n) => phaseFulfilled(n.phase) && !n.daemoned && n.taskResultSynced !== false);
}

/** The last initialised step group's outbound nodes are the steps node's outbound nodes. */
function updateOutboundNodes(op: WorkflowOperation, nodeName: string, groupCount: number): void {
  let last: NodeStatus | undefined;
  for (let i = groupCount - 1; i >= 0; i--) {
    last = op.getNodeByName(`${nodeName}[${i}]`);
    if (last) break;
  }
  if (!last) return;
  const outbound: string[] = [];
  for (const childId of last.children ?? []) outbound.push(...op.getOutboundNodes(childId));
  const node = op.getNodeByName(nodeName)!;
  if (JSON.stringify(node.outboundNodes ?? []) !== JSON.stringify(outbound)) {
    node.outboundNodes = outbound;
    op.updated = true;
  }
}

function executeStepGroup(
  op: WorkflowOperation,
  stepGroup: WorkflowStep[],
  sgNodeName: string,
  stepsCtx: StepsContext,
): NodeStatus {
  let node = op.getNodeByName(sgNodeName)!;
  if (nodeFulfilled(node) && op.childrenFulfilled(node)) return node;

  let resolved: WorkflowStep[];
  try {
    resolved = stepGroup.map((s) => resolveStepReferences(op, s, stepsCtx.scope));
  } catch (err) {
    if (err instanceof UnresolvedVariableError) {
      op.requeueAfter(1000);
      return node;
    }
    return op.markNodeError(sgNodeName, new Error(`failed to resolve references: ${(err as Error).message}`));
  }

  let expansion: GroupExpansion;
  try {
    expansion = expansionOf(op.nodes, sgNodeName, resolved, () =>
      expandStepGroup(op, sgNodeName, resolved, stepsCtx),
    );
  } catch (err) {
    return op.markNodeError(sgNodeName, err as Error);
  }
  const expanded = expansion.items;

  // A group with no hooks and no exit handlers (a plain fan-out) does nothing more for a child
  // that has finished than note its status in the scope, which no one reads before the group is
  // done (then addGroupToScope records every child): its finished children are passed over, and
  // a pass over a wide fan-out costs a lookup per finished item.
  const quiet = resolved.every((s) => s.hooks === undefined && s.onExit === undefined);
  const finishedLocks = new Map<string, boolean>();
  const nodeSteps = new Map<string, WorkflowStep>();
  const stepTemplateScope = stepsCtx.tmplCtx.templateScope;
  // Items before passedItems were found finished by an earlier pass: they are passed over unseen.
  for (let i = quiet ? expansion.passedItems : 0; i < expanded.length; i++) {
    const { step, nodeName: childNodeName } = expanded[i];
    if (quiet && step.when === undefined) {
      const existing = op.getNodeByName(childNodeName);
      if (existing && nodeFulfilled(existing) && !holdsLockWhenDone(op, step, stepsCtx, finishedLocks)) {
        if (i === expansion.passedItems) expansion.passedItems++;
        continue;
      }
    }
    let proceed: boolean;
    try {
      proceed = shouldExecute(step.when);
    } catch (err) {
      if (!op.getNodeByName(childNodeName)) {
        op.initializeNode(
          childNodeName,
          'Skipped',
          stepTemplateScope,
          step,
          stepsCtx.boundaryID,
          'Error',
          undefined,
          (err as Error).message,
        );
      }
      op.addChildNode(sgNodeName, childNodeName);
      op.markNodeError(childNodeName, err as Error);
      return op.markNodeError(sgNodeName, err as Error);
    }
    if (!proceed) {
      if (!op.getNodeByName(childNodeName)) {
        op.initializeNode(
          childNodeName,
          'Skipped',
          stepTemplateScope,
          step,
          stepsCtx.boundaryID,
          'Skipped',
          undefined,
          `when '${step.when ?? ''}' evaluated false`,
        );
        op.addChildNode(sgNodeName, childNodeName);
      }
      continue;
    }
    // An item waiting for room under the workflow's parallelism, like one already held back in
    // this pass, would resolve to the same HELD_BACK: a wide fan-out's waiting items skip that.
    const probe = op.getNodeByName(childNodeName) ? undefined : probeOf(expanded[i], stepTemplateScope);
    if (probe !== undefined && op.knownHeldBack(probe)) continue;
    const child = op.executeTemplate(childNodeName, step, stepsCtx.tmplCtx, step.arguments ?? {}, {
      boundaryID: stepsCtx.boundaryID,
      onExitTemplate: stepsCtx.onExitTemplate,
      holderKind: 'step',
      heldBackProbe: probe,
    });
    if (child === HELD_BACK) continue;
    if (child) {
      nodeSteps.set(child.name, step);
      op.addChildNode(sgNodeName, childNodeName);
    }
  }

  node = op.getNodeByName(sgNodeName)!;
  let completed = true;
  const children = node.children ?? [];
  for (let i = quiet ? expansion.fulfilledChildren : 0; i < children.length; i++) {
    const child = op.nodes[children[i]];
    if (!child) continue;
    if (quiet) {
      if (!nodeFulfilled(child)) completed = false;
      else if (i === expansion.fulfilledChildren) expansion.fulfilledChildren++;
      continue;
    }
    const step = nodeSteps.get(child.name);
    if (step) {
      stepsCtx.scope.set(`steps.${step.name ?? ''}.status`, child.phase ?? '');
      let hooksDone: boolean | HeldBack;
      try {
        hooksDone = executeTemplateHooks(
          op,
          stepsCtx.scope,
          step.hooks,
          child,
          stepsCtx.boundaryID,
          stepsCtx.tmplCtx,
          'steps',
          step.name ?? '',
        );
      } catch (err) {
        op.markNodeError(sgNodeName, err as Error);
        hooksDone = true;
      }
      if (hooksDone === HELD_BACK || !hooksDone) return node;
    }
    if (!nodeFulfilled(child)) {
      completed = false;
    } else if (phaseCompleted(child.phase) && step) {
      const exit = runOnExitNode(
        op,
        exitHookOf(step, op.execSpec.arguments),
        child,
        stepsCtx.boundaryID,
        stepsCtx.tmplCtx,
        'steps',
        step.name ?? '',
        stepsCtx.scope,
      );
      if (exit === HELD_BACK || (exit.has && (!exit.node || !nodeFulfilled(exit.node)))) completed = false;
    }
  }
  if (!completed) {
    if (phaseFulfilled(node.phase)) return op.markNodePhase(sgNodeName, 'Running');
    return node;
  }
  let stepOfNode: Map<string, WorkflowStep> | undefined;
  for (const childId of node.children ?? []) {
    const child = op.nodes[childId];
    if (!stepOfNode) {
      // The first item of a name, as a search of the expansion would find it.
      stepOfNode = new Map();
      for (const e of expanded) if (!stepOfNode.has(e.nodeName)) stepOfNode.set(e.nodeName, e.step);
    }
    const step = nodeSteps.get(child.name) ?? stepOfNode.get(child.name);
    if (phaseFailedOrError(child.phase) && !continuesOn(step?.continueOn, child.phase)) {
      return op.markNodePhase(sgNodeName, 'Failed', `child '${childId}' failed`);
    }
  }
  return op.markNodePhase(sgNodeName, 'Succeeded');
}

/**
 * The item's held-back probe key (see held-back.ts), kept on the item for the passes that reuse
 * it: a fan-out's waiting items are each looked up on every pass, and a key built once keeps its
 * hash. Kept with the template scope it was made in.
 */
function probeOf(item: ExpandedStep, templateScope: string): string | undefined {
  if (item.probe === undefined || item.probe.scope !== templateScope)
    item.probe = { scope: templateScope, key: heldBackProbeKey(item.step, templateScope) };
  return item.probe.key;
}

/**
 * Whether a finished step's template holds a lock that executeTemplate releases once the node is
 * done (it then must visit the node), answered once per template name for the group's pass; a
 * templateRef or an inline template is always visited.
 */
function holdsLockWhenDone(
  op: WorkflowOperation,
  step: WorkflowStep,
  stepsCtx: StepsContext,
  known: Map<string, boolean>,
): boolean {
  if (step.templateRef !== undefined || step.inline !== undefined || step.template === undefined) return true;
  let holds = known.get(step.template);
  if (holds === undefined) {
    holds = op.templateHoldsLock({ template: step.template }, stepsCtx.tmplCtx);
    known.set(step.template, holds);
  }
  return holds;
}

/** Substitutes the outputs of earlier steps into a step; a false `when` short-circuits the rest. */
function resolveStepReferences(op: WorkflowOperation, step: WorkflowStep, scope: Scope): WorkflowStep {
  const { hooks, ...rest } = step;
  const vars = scope.vars(op.globals);
  const strict = { allowUnresolved: true, strictPrefixes: ['steps', 'tasks'] };
  const shouldExpand =
    step.withItems !== undefined || step.withParam !== undefined || step.withSequence !== undefined;
  if (rest.when) {
    const when = renderTemplate(rest.when, vars, strict);
    try {
      if (!shouldExecute(when)) return { ...rest, when, ...(hooks ? { hooks } : {}) };
    } catch (err) {
      if (!shouldExpand) throw err;
    }
  }
  const marked = markAbsentOptionalArgs(rest as WorkflowStep, scope);
  const out: WorkflowStep = renderObject(marked, vars, strict);
  if (hooks) out.hooks = hooks;
  if (out.arguments?.artifacts) {
    const arts = [];
    for (const art of out.arguments.artifacts) {
      if (!art.from && !art.fromExpression) {
        arts.push(art);
        continue;
      }
      try {
        const r = scope.resolveArtifact(art)!;
        r.name = art.name;
        arts.push(r);
      } catch (err) {
        if (art.optional) continue;
        throw new Error(`unable to resolve references: ${(err as Error).message}`);
      }
    }
    out.arguments.artifacts = arts;
  }
  return out;
}

function expandStepGroup(
  op: WorkflowOperation,
  sgNodeName: string,
  stepGroup: WorkflowStep[],
  stepsCtx: StepsContext,
): WorkflowStep[] {
  const out: WorkflowStep[] = [];
  for (const step of stepGroup) {
    if (step.withItems === undefined && step.withParam === undefined && step.withSequence === undefined) {
      out.push(step);
      continue;
    }
    const expanded = expandItems(step, stepsCtx.scope.vars(op.globals));
    if (expanded.length === 0) {
      const childNodeName = `${sgNodeName}.${step.name ?? ''}`;
      if (!op.getNodeByName(childNodeName)) {
        op.initializeNode(
          childNodeName,
          'Skipped',
          stepsCtx.tmplCtx.templateScope,
          step,
          stepsCtx.boundaryID,
          'Skipped',
          undefined,
          'Skipped, empty params',
        );
        op.addChildNode(sgNodeName, childNodeName);
      }
    }
    out.push(...expanded);
  }
  return out;
}
