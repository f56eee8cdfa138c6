// Exit handlers (`onExit`, `hooks.exit`) and lifecycle hooks (`hooks.<name>.expression`) of the
// workflow, of steps and of DAG tasks.
import type { Arguments, LifecycleHook, LifecycleHooks } from '../model/template.js';
import type { NodeStatus } from '../model/workflow.js';
import { evaluateBool } from '../workflow/expr/index.js';
import { nodeFulfilled } from '../workflow/phase.js';
import type { TemplateContext } from '../workflow/template-context.js';
import { expressionEnv, renderObject } from '../workflow/template-string.js';
import { markAbsentOptionalArgs } from './expand.js';
import { HELD_BACK, type HeldBack, type WorkflowOperation } from './operator.js';
import { Scope } from './scope.js';

export const EXIT_HOOK = 'exit';

/** The exit hook of a step, task or workflow spec: `onExit`, else `hooks.exit` (with `args` when it has none). */
export function exitHookOf(
  holder: { onExit?: string; hooks?: LifecycleHooks },
  args: Arguments | undefined,
): LifecycleHook | undefined {
  if (holder.onExit) return { template: holder.onExit, arguments: args };
  const hook = holder.hooks?.[EXIT_HOOK];
  if (!hook) return undefined;
  const copy = structuredClone(hook);
  if (!copy.arguments || (!copy.arguments.parameters?.length && !copy.arguments.artifacts?.length))
    copy.arguments = args;
  return copy;
}

/** Stop runs exit handlers, Terminate runs nothing more. */
export function shutdownAllows(op: WorkflowOperation, onExit: boolean): boolean {
  const s = op.execSpec.shutdown;
  if (!s) return true;
  if (s === 'Terminate') return false;
  if (s === 'Stop') return onExit;
  return true;
}

/** A hook's arguments with the parent node's outputs (as `steps.<name>.outputs...`) substituted. */
function resolveHookArguments(
  op: WorkflowOperation,
  args: Arguments,
  prefix: 'steps' | 'tasks',
  name: string,
  parent: NodeStatus,
  scope: Scope | undefined,
): Arguments {
  const s = scope ?? new Scope();
  const outputs = (op.lastRetryChild(parent) ?? parent).outputs;
  for (const p of outputs?.parameters ?? [])
    s.set(`${prefix}.${name}.outputs.parameters.${p.name}`, p.value ?? '');
  for (const a of outputs?.artifacts ?? []) s.setArtifact(`${prefix}.${name}.outputs.artifacts.${a.name}`, a);
  const marked = markAbsentOptionalArgs({ name, arguments: args }, s).arguments ?? {};
  const out = renderObject(marked, s.vars(op.globals), { allowUnresolved: true });
  if (out.artifacts) {
    out.artifacts = out.artifacts.flatMap((art) => {
      if (!art.from && !art.fromExpression) return [art];
      try {
        const r = s.resolveArtifact(art)!;
        r.name = art.name;
        return [r];
      } catch (err) {
        if (art.optional) return [];
        throw new Error(`unable to resolve references: ${(err as Error).message}`);
      }
    });
  }
  return out;
}

/** Runs the exit hook of a completed step/task node; `has` says whether there is one to wait for. */
export function runOnExitNode(
  op: WorkflowOperation,
  exitHook: LifecycleHook | undefined,
  parent: NodeStatus,
  boundaryID: string | undefined,
  tmplCtx: TemplateContext,
  prefix: 'steps' | 'tasks',
  name: string,
  scope: Scope | undefined,
): { has: boolean; node?: NodeStatus } | HeldBack {
  if (!exitHook || !shutdownAllows(op, true)) return { has: false };
  if (exitHook.expression) {
    const env = expressionEnv((scope ?? new Scope()).vars(op.globals));
    if (!evaluateBool(exitHook.expression, env)) return { has: false };
  }
  const onExitName = `${parent.name}.onExit`;
  let args = exitHook.arguments ?? {};
  if (args.parameters?.length || args.artifacts?.length)
    args = resolveHookArguments(op, args, prefix, name, parent, scope);
  const node = op.executeTemplate(
    onExitName,
    { template: exitHook.template, templateRef: exitHook.templateRef },
    tmplCtx,
    args,
    {
      boundaryID,
      onExitTemplate: true,
      nodeFlag: { hooked: true },
    },
  );
  if (node === HELD_BACK) return HELD_BACK;
  op.addChildNode(parent.name, onExitName);
  return { has: true, node };
}

/**
 * Runs the expression hooks of a step/task node; true once every triggered hook has finished,
 * HELD_BACK when parallelism holds one back (the hooks after it wait for the next pass).
 */
export function executeTemplateHooks(
  op: WorkflowOperation,
  scope: Scope,
  hooks: LifecycleHooks | undefined,
  parent: NodeStatus,
  boundaryID: string | undefined,
  tmplCtx: TemplateContext,
  prefix: 'steps' | 'tasks',
  name: string,
): boolean | HeldBack {
  const started: (NodeStatus | undefined)[] = [];
  for (const [hookName, hook] of Object.entries(hooks ?? {})) {
    if (hookName === EXIT_HOOK) continue;
    const hookNodeName = `${parent.name}.hooks.${hookName}`;
    if (!hook.expression) throw new Error(`Expression required for hook ${hookNodeName}`);
    const already = op.getNodeByName(hookNodeName);
    const execute = evaluateBool(hook.expression, expressionEnv(scope.vars(op.globals)));
    if (!execute && !already) continue;
    let args = hook.arguments ?? {};
    if ((args.parameters?.length || args.artifacts?.length) && parent.outputs) {
      args = resolveHookArguments(op, args, prefix, name, parent, scope);
    }
    const node = op.executeTemplate(
      hookNodeName,
      { template: hook.template, templateRef: hook.templateRef },
      tmplCtx,
      args,
      {
        boundaryID,
        nodeFlag: { hooked: true },
      },
    );
    if (node === HELD_BACK) return HELD_BACK;
    op.addChildNode(parent.name, hookNodeName);
    started.push(node);
  }
  return started.every((n) => n === undefined || nodeFulfilled(n));
}

/** The workflow's own expression hooks (`spec.hooks`, other than exit); true once they are done. */
export function executeWorkflowHooks(op: WorkflowOperation): boolean | HeldBack {
  const started: (NodeStatus | undefined)[] = [];
  for (const [hookName, hook] of Object.entries(op.execSpec.hooks ?? {})) {
    if (hookName === EXIT_HOOK) continue;
    const hookNodeName = `${op.name}.hooks.${hookName}`;
    if (!hook.expression) throw new Error(`Expression required for hook ${hookNodeName}`);
    const already = op.getNodeByName(hookNodeName);
    const execute = evaluateBool(hook.expression, expressionEnv(op.globals));
    if (!execute && !already) continue;
    const node = op.executeTemplate(
      hookNodeName,
      { template: hook.template, templateRef: hook.templateRef },
      op.rootCtx,
      hook.arguments ?? {},
      {
        nodeFlag: { hooked: true },
      },
    );
    if (node === HELD_BACK) return HELD_BACK;
    op.addChildNode(op.name, hookNodeName);
    started.push(node);
  }
  return started.every((n) => n === undefined || nodeFulfilled(n));
}
