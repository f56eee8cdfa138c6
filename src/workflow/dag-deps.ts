// DAG task dependencies: what a task waits for, and the `depends` logic it waits on, with the
// `dependencies:` list and bare task names expanded as Argo expands them.
import type { DAGTask } from '../model/template.js';

const TASK_NAME = /([a-zA-Z0-9][-a-zA-Z0-9]*?\.[A-Z][a-zA-Z]+)|([a-zA-Z0-9][-a-zA-Z0-9]*)/g;

export interface TaskDependencies {
  /** Names of the tasks this one depends on. */
  names: string[];
  /** The depends expression with every bare task name expanded to explicit results. */
  logic: string;
  /**
   * The `dependencies:` list as written (undefined for a `depends` expression): its logic is a
   * plain conjunction, which the controller decides without building or compiling the expression.
   */
  listed?: readonly string[];
}

/** The results of a task that `depends` can name (`A.Succeeded`, `A.AnySucceeded`, ...). */
export type DependencyResult =
  'Succeeded' | 'Failed' | 'Errored' | 'Skipped' | 'Omitted' | 'Daemoned' | 'AnySucceeded' | 'AllFailed';

/** The results of `task` that satisfy a task naming it bare: Succeeded, Skipped, Daemoned, and Errored/Failed when it continues on them. */
export function satisfyingResults(task: DAGTask | undefined): DependencyResult[] {
  const results: DependencyResult[] = ['Succeeded', 'Skipped', 'Daemoned'];
  if (task?.continueOn?.error) results.push('Errored');
  if (task?.continueOn?.failed) results.push('Failed');
  return results;
}

/** `(A.Succeeded || A.Skipped || A.Daemoned)`, plus `A.Errored`/`A.Failed` when A continues on them. */
export function expandDependency(name: string, task: DAGTask | undefined): string {
  return `(${satisfyingResults(task)
    .map((r) => `${name}.${r}`)
    .join(' || ')})`;
}

export function taskDependencies(
  task: DAGTask,
  getTask: (name: string) => DAGTask | undefined,
): TaskDependencies {
  if (!task.depends) {
    // A `dependencies:` list names its tasks outright: nothing to parse (this runs for every
    // task of a DAG on every reconciliation).
    // The logic is built when asked for: a task with thousands of dependencies is asked for its
    // names on every pass, and for its logic only once its dependencies are done.
    const listed = task.dependencies ?? [];
    let logic: string | undefined;
    return {
      names: [...new Set(listed)],
      listed,
      get logic() {
        return (logic ??= listed.map((d) => expandDependency(d, getTask(d))).join(' && '));
      },
    };
  }
  const depends = task.depends;
  const names = new Set<string>();
  const bare: { name: string; start: number; end: number }[] = [];
  for (const m of depends.matchAll(TASK_NAME)) {
    if (m[1]) {
      names.add(m[1].split('.')[0]);
    } else if (m[2]) {
      // Keywords of the expression language are not task names.
      if (m[2] === 'true' || m[2] === 'false' || m[2] === 'and' || m[2] === 'or' || m[2] === 'not') continue;
      names.add(m[2]);
      bare.push({ name: m[2], start: m.index!, end: m.index! + m[2].length });
    }
  }
  let logic = depends;
  for (const b of bare.sort((x, y) => y.start - x.start)) {
    logic = logic.slice(0, b.start) + expandDependency(b.name, getTask(b.name)) + logic.slice(b.end);
  }
  return { names: [...names], logic };
}

/** The depends expression in the form the expression evaluator takes: task names with `_` for `-`. */
export function evaluableDependsLogic(logic: string): string {
  return logic.replaceAll('-', '_');
}

/** Task names no other task depends on: the DAG's default targets, sorted. */
export function leafTaskNames(tasks: DAGTask[], depsOf: (name: string) => string[]): string[] {
  const isLeaf = new Map<string, boolean>();
  for (const t of tasks) {
    if (!isLeaf.has(t.name)) isLeaf.set(t.name, true);
    for (const d of depsOf(t.name)) isLeaf.set(d, false);
  }
  return [...isLeaf.entries()]
    .filter(([, leaf]) => leaf)
    .map(([n]) => n)
    .sort();
}

/** Every task `taskName` transitively depends on, ordered by when they finished (earliest first). */
export function taskAncestry(
  taskName: string,
  depsOf: (name: string) => string[],
  finishedAt: (name: string) => number,
): string[] {
  const visited = new Map<string, number>();
  const entered = new Set<string>();
  const visit = (t: string): void => {
    if (visited.has(t) || entered.has(t)) return;
    entered.add(t);
    for (const d of depsOf(t)) visit(d);
    if (t !== taskName && !visited.has(t)) visited.set(t, finishedAt(t));
  };
  visit(taskName);
  return [...visited.entries()].sort((a, b) => a[1] - b[1]).map(([n]) => n);
}
