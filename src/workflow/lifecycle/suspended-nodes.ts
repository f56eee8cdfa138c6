// Changes to suspend nodes a user makes by hand: resuming or failing them (`argo resume|stop
// --node-field-selector`) and `argo node set` (phase, message, supplied output parameters).
import { isActiveSuspendNode } from '../../model/node-types.js';
import type { Outputs, Parameter } from '../../model/template.js';
import type { NodePhase, NodeStatus, Workflow } from '../../model/workflow.js';
import { nodeMatchesSelector, parseFieldSelector } from '../node-field-selector.js';
import { phaseCompleted, rfc3339 } from '../phase.js';
import { labelActor, type ActionType, type Actor } from './actor.js';
import { badRequest, LifecycleError } from './errors.js';

// Argo's NodePhase.Fulfilled(taskResultSynced): a completed phase counts once outputs are in.
function fulfilledOnceSynced(phase: NodePhase, node: NodeStatus): boolean {
  return (
    (phaseCompleted(phase) && node.taskResultSynced !== false) || phase === 'Skipped' || phase === 'Omitted'
  );
}

export interface SuspendedNodeValues {
  phase?: NodePhase | '';
  message?: string;
  /** Values for output parameters declared `valueFrom.supplied`. */
  outputParameters?: Record<string, string>;
}

/** Supplied output parameters nobody set take their default; one without a default is an error. */
export function outputParametersWithDefaults(outputs: Outputs | undefined): void {
  for (const p of outputs?.parameters ?? []) {
    if (!p.valueFrom?.supplied) continue;
    if (p.valueFrom.default === undefined) {
      throw new LifecycleError(
        `raw output parameter '${p.name}' has not been set and does not have a default value`,
      );
    }
    p.value = p.valueFrom.default;
    delete p.valueFrom;
  }
}

/** Publishes a node output with a globalName as a workflow output, as the controller would. */
export function addParamToGlobalScope(wf: Workflow, param: Parameter): void {
  if (!param.globalName) return;
  const status = (wf.status ??= {});
  const outputs = (status.outputs ??= {});
  const params = (outputs.parameters ??= []);
  const existing = params.find((p) => p.name === param.globalName);
  if (!existing) {
    params.push(
      param.value === undefined ? { name: param.globalName } : { name: param.globalName, value: param.value },
    );
  } else if (existing.value === undefined || (param.value !== undefined && existing.value !== param.value)) {
    if (param.value === undefined) delete existing.value;
    else existing.value = param.value;
  }
}

function setOutputParameters(wf: Workflow, node: NodeStatus, values: Record<string, string>): void {
  if (!node.outputs) {
    throw new LifecycleError('cannot set output parameters because node is not expecting any raw parameters');
  }
  for (const [name, value] of Object.entries(values)) {
    const param = node.outputs.parameters?.find((p) => p.name === name);
    if (!param) throw new LifecycleError(`node is not expecting output parameter '${name}'`);
    if (!param.valueFrom?.supplied) {
      throw new LifecycleError(
        `cannot set output parameter '${name}' because it does not use valueFrom.raw or it was already set`,
      );
    }
    param.value = value;
    delete param.valueFrom;
    addParamToGlobalScope(wf, param);
  }
}

/**
 * Applies `values` to every active suspend node matching `nodeFieldSelector`. Fails when none
 * matched or nothing was given to change.
 */
export function updateSuspendedNodes(
  wf: Workflow,
  nodeFieldSelector: string,
  values: SuspendedNodeValues,
  action: ActionType,
  now: Date,
  actor?: Actor,
): Workflow {
  const terms = parseFieldSelector(nodeFieldSelector);
  const next = structuredClone(wf);
  let updated = false;
  for (const node of Object.values(next.status?.nodes ?? {})) {
    if (!isActiveSuspendNode(node) || !nodeMatchesSelector(terms, node)) continue;
    if (values.phase) {
      node.phase = values.phase;
      if (fulfilledOnceSynced(values.phase, node)) node.finishedAt = rfc3339(now);
      updated = true;
    }
    if (values.message) {
      node.message = values.message;
      updated = true;
    }
    if (values.outputParameters && Object.keys(values.outputParameters).length > 0) {
      setOutputParameters(next, node, values.outputParameters);
      updated = true;
    }
  }
  if (!updated) {
    throw new LifecycleError(
      `currently, set only targets suspend nodes: no suspend nodes matching nodeFieldSelector: ${nodeFieldSelector}`,
    );
  }
  labelActor(next, action, actor);
  return next;
}

export interface SetWorkflowOptions {
  nodeFieldSelector?: string;
  /** Succeeded, Failed or Error; empty leaves the phase alone. */
  phase?: string;
  message?: string;
  /** A JSON object of output parameter names to values, as the API carries it. */
  outputParameters?: string;
  actor?: Actor;
}

const SETTABLE_PHASES = new Set(['Succeeded', 'Failed', 'Error', '']);

/** `argo node set`: the Argo Server's SetWorkflow. */
export function setWorkflow(wf: Workflow, opts: SetWorkflowOptions, now: Date): Workflow {
  const phase = opts.phase ?? '';
  if (!SETTABLE_PHASES.has(phase)) throw badRequest(`${phase} is an invalid phase to set to`);
  let outputParameters: Record<string, string> = {};
  if (opts.outputParameters) {
    try {
      outputParameters = parseStringMap(opts.outputParameters);
    } catch (err) {
      throw badRequest(`unable to parse output parameter set request: ${(err as Error).message}`);
    }
  }
  if (!opts.nodeFieldSelector) {
    throw new LifecycleError(
      "'set' currently only targets suspend nodes, use a node field selector to target them",
    );
  }
  return updateSuspendedNodes(
    wf,
    opts.nodeFieldSelector,
    { phase: phase as NodePhase | '', message: opts.message, outputParameters },
    '',
    now,
    opts.actor,
  );
}

// encoding/json names JSON types this way in its errors.
function goJsonType(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  return typeof v;
}

function parseStringMap(json: string): Record<string, string> {
  const value: unknown = JSON.parse(json);
  if (value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw new Error(`json: cannot unmarshal ${goJsonType(value)} into Go value of type map[string]string`);
  for (const v of Object.values(value)) {
    if (typeof v !== 'string' && v !== null)
      throw new Error(`json: cannot unmarshal ${goJsonType(v)} into Go value of type string`);
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, (v as string | null) ?? '']));
}
