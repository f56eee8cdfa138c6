// DAG templates: task names and dependencies, then each task's references, which may use the
// outputs of the tasks it depends on (directly or not).
import type { DAGTask, Template } from '../../model/template.js';
import { DependsError, parseDepends, TASK_RESULTS } from '../depends.js';
import { checkArguments } from './arguments.js';
import { ValidationFailure, wrapping } from './failure.js';
import { fieldNamesProblem, isParameterReference } from './names.js';
import { argumentsProvider, hasExitHook, type ResolvedTemplate, type Run } from './run.js';
import { childScope, resolveAllVariables, type Scope } from './scope.js';
import { checkNonLeaf } from './steps.js';
import { addItemsToScope, addOutputsToScope, validateTemplateHolder } from './template.js';

const TASK_REFERENCE = /([a-zA-Z0-9][-a-zA-Z0-9]*?\.[A-Z][a-zA-Z]+)|([a-zA-Z0-9][-a-zA-Z0-9]*)/g;
const TASK_RESULT = /([a-zA-Z0-9][-a-zA-Z0-9]*?\.[A-Z][a-zA-Z]+)/g;
const KNOWN_RESULTS: ReadonlySet<string> = new Set(TASK_RESULTS);

type DependencyKind = 'task' | 'items';

function fail(message: string, path: string): never {
  throw new ValidationFailure(message, path);
}

/** `(A.Succeeded || A.Skipped || A.Daemoned)`, plus the results A continues on. */
function expandDependency(name: string, task: DAGTask | undefined): string {
  const results = [`${name}.Succeeded`, `${name}.Skipped`, `${name}.Daemoned`];
  if (task?.continueOn?.error) results.push(`${name}.Errored`);
  if (task?.continueOn?.failed) results.push(`${name}.Failed`);
  return `(${results.join(' || ')})`;
}

/** The tasks a task waits for, read from `depends` (or `dependencies`) as Argo reads them. */
function taskDependencies(task: DAGTask, tasks: Map<string, DAGTask>): Map<string, DependencyKind> {
  const logic = task.depends
    ? task.depends
    : (task.dependencies ?? []).map((d) => expandDependency(d, tasks.get(d))).join(' && ');
  const deps = new Map<string, DependencyKind>();
  for (const m of logic.matchAll(TASK_REFERENCE)) {
    if (m[1] !== undefined) {
      const [name, result] = m[1].split('.');
      if (result === 'AnySucceeded' || result === 'AllFailed') deps.set(name, 'items');
      else if (!deps.has(name)) deps.set(name, 'task');
    } else if (m[2] !== undefined) deps.set(m[2], 'task');
  }
  return deps;
}

/** Topological order (Kahn), roots in written order; Argo's errors for duplicates, unknowns, cycles. */
function sortTasks(tasks: DAGTask[], deps: (t: DAGTask) => string[]): DAGTask[] {
  const byName = new Map<string, DAGTask>();
  for (const t of tasks) {
    if (byName.has(t.name)) throw new Error(`duplicated nodeName ${t.name}`);
    byName.set(t.name, t);
  }
  const pending = new Map<string, number>();
  const next = new Map<string, string[]>();
  for (const t of tasks) {
    const d = deps(t);
    pending.set(t.name, d.length);
    for (const dep of d) {
      if (!byName.has(dep)) throw new Error(`invalid dependency ${dep}`);
      next.set(dep, [...(next.get(dep) ?? []), t.name]);
    }
  }
  const queue = tasks.filter((t) => pending.get(t.name) === 0);
  for (let head = 0; head < queue.length; head++) {
    for (const n of next.get(queue[head].name) ?? []) {
      const left = pending.get(n)! - 1;
      pending.set(n, left);
      if (left === 0) queue.push(byName.get(n)!);
    }
  }
  if (queue.length < tasks.length) throw new Error('graph with cycle');
  return queue;
}

/** Every task the named one waits for, directly or not. */
function ancestry(name: string, depsOf: (n: string) => string[]): string[] {
  const seen = new Set<string>();
  const visit = (n: string): void => {
    if (seen.has(n)) return;
    for (const d of depsOf(n)) visit(d);
    if (n !== name) seen.add(n);
  };
  visit(name);
  return [...seen];
}

export function checkDag(run: Run, scope: Scope, resolved: ResolvedTemplate, tmpl: Template): void {
  const { path, base } = resolved;
  const name = tmpl.name ?? '';
  checkNonLeaf(tmpl, path);
  const written = tmpl.dag?.tasks ?? [];
  if (written.length === 0) fail(`templates.${name} must have at least one task`, `${path}.dag.tasks`);
  const usingDepends = written.some((t) => !!t.depends);
  const tasks = new Map(written.map((t) => [t.name, t]));
  const indexOf = new Map(written.map((t, i) => [t.name, i]));
  const depCache = new Map<string, Map<string, DependencyKind>>();
  const depsWithKinds = (n: string): Map<string, DependencyKind> => {
    let d = depCache.get(n);
    if (!d) {
      const task = tasks.get(n);
      d = task ? taskDependencies(task, tasks) : new Map();
      depCache.set(n, d);
    }
    return d;
  };
  const depsOf = (n: string): string[] => [...depsWithKinds(n).keys()];

  let sorted: DAGTask[];
  try {
    sorted = sortTasks(written, (t) => [...taskDependencies(t, tasks).keys()]);
  } catch (e) {
    fail(`templates.${name} sorting failed: ${(e as Error).message}`, `${path}.dag.tasks`);
  }
  const namesProblem = fieldNamesProblem(sorted, false);
  if (namesProblem) fail(`templates.${name}.tasks${namesProblem}`, `${path}.dag.tasks`);
  const taskPath = (t: DAGTask): string => `${path}.dag.tasks[${indexOf.get(t.name) ?? 0}]`;

  const targets = new Map<string, ResolvedTemplate | undefined>();
  for (const task of sorted) {
    const at = taskPath(task);
    const prefix = `templates.${name}.tasks.${task.name}`;
    if ((usingDepends || (task.dependencies ?? []).length > 0) && /^[0-9]/.test(task.name)) {
      fail(
        `${prefix} name cannot begin with a digit when using either 'depends' or 'dependencies'`,
        `${at}.name`,
      );
    }
    if (usingDepends && (task.dependencies ?? []).length > 0) {
      fail(
        `templates.${name} cannot use both 'depends' and 'dependencies' in the same DAG template`,
        `${at}.dependencies`,
      );
    }
    if (usingDepends && task.continueOn != null) {
      fail(
        `templates.${name} cannot use 'continueOn' when using 'depends'. Instead use 'dep-task.Failed'/'dep-task.Errored'`,
        `${at}.continueOn`,
      );
    }
    const target = wrapping(prefix, () => validateTemplateHolder(run, task, at, base, run.fakeArguments()));
    targets.set(task.name, target);
    const aggregate = (task.withItems ?? []).length > 0 || !!task.withParam;
    addOutputsToScope(run, target?.template, 'tasks', task.name, scope, aggregate, false);
    if (task.depends) {
      for (const m of task.depends.matchAll(TASK_RESULT)) {
        const [dep, result] = m[1].split('.');
        if (!KNOWN_RESULTS.has(result))
          fail(`${prefix} task result '${result}' for task '${dep}' is invalid`, `${at}.depends`);
      }
      // Argo finds a malformed expression only when the DAG runs; the runtime's parser finds it now.
      try {
        parseDepends(task.depends);
      } catch (e) {
        if (!(e instanceof DependsError)) throw e;
        fail(`${prefix} ${e.message}`, `${at}.depends`);
      }
    }
    for (const [dep, kind] of depsWithKinds(task.name)) {
      const depTask = tasks.get(dep);
      if (!depTask) fail(`templates.${name}.tasks. dependency '${dep}' not defined`, `${at}.depends`);
      if (
        kind === 'items' &&
        (depTask.withItems ?? []).length === 0 &&
        !depTask.withParam &&
        depTask.withSequence == null
      ) {
        fail(
          `${prefix} dependency '${dep}' uses an items-based condition such as .AnySucceeded or .AllFailed but does not contain any items`,
          `${at}.depends`,
        );
      }
    }
  }

  const target = tmpl.dag?.target ?? '';
  wrapping(`templates.${name}.targets`, () =>
    resolveAllVariables(
      scope,
      run.globals,
      target,
      run.opts.workflowTemplateValidation,
      `${path}.dag.target`,
    ),
  );
  if (target !== '') {
    for (const t of target.split(' ')) {
      if (isParameterReference(t)) continue;
      if (!tasks.has(t))
        fail(`templates.${name}.targets: target '${t}' is not defined`, `${path}.dag.target`);
    }
  }

  for (const task of sorted) {
    const at = taskPath(task);
    const prefix = `templates.${name}.tasks.${task.name}`;
    const resolvedTask = targets.get(task.name)?.template;
    if (task.hooks != null) scope.add(`tasks.${task.name}.status`);
    addOutputsToScope(run, resolvedTask, 'tasks', task.name, scope, false, false);
    if (hasExitHook(task)) addOutputsToScope(run, resolvedTask, 'tasks', task.name, scope, false, false);
    const taskScope: Scope = childScope(scope);
    const ancestors = ancestry(task.name, depsOf);
    for (const a of ancestors) {
      const ancestorTask = tasks.get(a);
      const aggregate = (ancestorTask?.withItems ?? []).length > 0 || !!ancestorTask?.withParam;
      addOutputsToScope(run, targets.get(a)?.template, 'tasks', a, taskScope, aggregate, true);
    }
    for (const p of task.inline?.inputs?.parameters ?? []) taskScope.add(`inputs.parameters.${p.name}`);
    wrapping(prefix, () => {
      addItemsToScope(task.withItems, task.withParam, task.withSequence, taskScope, at);
      resolveAllVariables(
        taskScope,
        run.globals,
        JSON.stringify(task),
        run.opts.workflowTemplateValidation,
        at,
      );
    });
    checkArguments(`${prefix}.arguments.`, task.arguments, false, `${at}.arguments`);
    wrapping(prefix, () => checkArgumentDependencies(task, new Set(ancestors), at));
    wrapping(prefix, () => validateTemplateHolder(run, task, at, base, argumentsProvider(task.arguments)));
  }
}

/** An argument taken from `{{tasks.X...}}` needs X among the task's dependencies. */
function checkArgumentDependencies(task: DAGTask, ancestors: Set<string>, at: string): void {
  for (const p of task.arguments?.parameters ?? []) {
    if (p.value !== undefined && p.value.startsWith('{{tasks.')) {
      const ref = p.value.split('.')[1];
      if (!ancestors.has(ref))
        fail(`missing dependency '${ref}' for parameter '${p.name}'`, `${at}.arguments`);
    }
  }
  for (const a of task.arguments?.artifacts ?? []) {
    if (a.from?.startsWith('{{tasks.')) {
      const ref = a.from.split('.')[1];
      if (!ancestors.has(ref))
        fail(`missing dependency '${ref}' for artifact '${a.name}'`, `${at}.arguments`);
    }
  }
}
