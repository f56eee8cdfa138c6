// DAG `depends` logic: `A && (B.Failed || !C.Succeeded)`. A bare task name means the task
// finished well: `(A.Succeeded || A.Skipped || A.Daemoned)`, plus `A.Errored` / `A.Failed`
// when that task has continueOn error / failed. Like Argo, nothing is decided until every
// referenced task is fulfilled (finished, skipped, omitted, or a started daemon).

export const TASK_RESULTS = [
  'Succeeded',
  'Failed',
  'Errored',
  'Skipped',
  'Omitted',
  'Daemoned',
  'AnySucceeded',
  'AllFailed',
] as const;

export type TaskResult = (typeof TASK_RESULTS)[number];

export type DependsNode =
  /** `result` is absent for a bare task name. */
  | { kind: 'task'; task: string; result?: TaskResult }
  | { kind: 'not'; operand: DependsNode }
  | { kind: 'and' | 'or'; left: DependsNode; right: DependsNode };

export interface DependsExpr {
  readonly source: string;
  readonly ast: DependsNode;
  /** Referenced task names in order of first appearance. */
  readonly tasks: readonly string[];
}

/** What the DAG knows about a dependency's node. */
export interface TaskOutcome {
  /** Node phase: Pending, Running, Succeeded, Failed, Error, Skipped, Omitted (undefined: not started). */
  phase?: string;
  /** The node runs a daemon (NodeStatus.daemoned). */
  daemoned?: boolean;
  /**
   * Overrides the fulfilled check, e.g. false while the task's result is not synced or its hooks
   * are still running. By default a node is fulfilled when it succeeded, failed, errored, was
   * skipped or omitted, or is a daemon past Pending.
   */
  fulfilled?: boolean;
  /** For an expanded task (withItems/withParam/withSequence): the phases of its children. */
  children?: ReadonlyArray<string | undefined>;
  /** The task's continueOn, which widens what a bare reference to it accepts. */
  continueOn?: { failed?: boolean; error?: boolean };
}

export class DependsError extends Error {
  override readonly name = 'DependsError';
}

type Tok = { t: 'ref'; task: string; result?: string; pos: number } | { t: 'op'; v: string; pos: number };

function lex(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const two = src.slice(i, i + 2);
    if (two === '&&' || two === '||') {
      out.push({ t: 'op', v: two, pos: i });
      i += 2;
      continue;
    }
    if (c === '!' || c === '(' || c === ')') {
      out.push({ t: 'op', v: c, pos: i });
      i++;
      continue;
    }
    const m = /^([a-zA-Z0-9][-a-zA-Z0-9]*)(?:\.([A-Za-z][A-Za-z]*))?/.exec(src.slice(i));
    if (!m)
      throw new DependsError(
        `invalid depends expression ${JSON.stringify(src)}: unexpected '${c}' at ${i + 1}`,
      );
    out.push({ t: 'ref', task: m[1], result: m[2], pos: i });
    i += m[0].length;
  }
  return out;
}

/** Parses a depends expression; throws DependsError for bad syntax or an unknown task result. */
export function parseDepends(source: string): DependsExpr {
  const toks = lex(source);
  let i = 0;
  const tasks: string[] = [];
  const fail = (msg: string): never => {
    throw new DependsError(`invalid depends expression ${JSON.stringify(source)}: ${msg}`);
  };
  const describe = (tok: Tok | undefined): string =>
    tok === undefined
      ? 'end of expression'
      : tok.t === 'op'
        ? `'${tok.v}' at ${tok.pos + 1}`
        : `'${tok.task}' at ${tok.pos + 1}`;
  const isOp = (v: string): boolean => {
    const tok = toks[i];
    return tok !== undefined && tok.t === 'op' && tok.v === v;
  };
  const or = (): DependsNode => {
    let left = and();
    while (isOp('||')) {
      i++;
      left = { kind: 'or', left, right: and() };
    }
    return left;
  };
  const and = (): DependsNode => {
    let left = unary();
    while (isOp('&&')) {
      i++;
      left = { kind: 'and', left, right: unary() };
    }
    return left;
  };
  const unary = (): DependsNode => {
    if (isOp('!')) {
      i++;
      return { kind: 'not', operand: unary() };
    }
    const tok = toks[i];
    if (isOp('(')) {
      i++;
      const inner = or();
      if (!isOp(')')) fail(`expected ')' but found ${describe(toks[i])}`);
      i++;
      return inner;
    }
    if (tok === undefined || tok.t !== 'ref') return fail(`unexpected ${describe(tok)}`);
    i++;
    if (!tasks.includes(tok.task)) tasks.push(tok.task);
    if (tok.result === undefined) return { kind: 'task', task: tok.task };
    if (!(TASK_RESULTS as readonly string[]).includes(tok.result)) {
      throw new DependsError(`task result '${tok.result}' for task '${tok.task}' is invalid`);
    }
    return { kind: 'task', task: tok.task, result: tok.result as TaskResult };
  };
  if (toks.length === 0) fail('it is empty');
  const ast = or();
  if (i < toks.length) fail(`unexpected ${describe(toks[i])}`);
  return { source, ast, tasks };
}

/** The task names a depends expression refers to. */
export function dependsTaskNames(source: string): string[] {
  return [...parseDepends(source).tasks];
}

/** `dependencies: [A, B]` is the depends expression `A && B`. */
export function dependenciesToDepends(deps: readonly string[]): string {
  return deps.join(' && ');
}

const FINISHED = new Set(['Succeeded', 'Failed', 'Error', 'Skipped', 'Omitted']);

function isFulfilled(o: TaskOutcome): boolean {
  if (o.fulfilled !== undefined) return o.fulfilled;
  return (o.phase !== undefined && FINISHED.has(o.phase)) || (o.daemoned === true && o.phase !== 'Pending');
}

function results(o: TaskOutcome): Record<TaskResult, boolean> {
  const children = o.children;
  return {
    Succeeded: o.phase === 'Succeeded',
    Failed: o.phase === 'Failed',
    Errored: o.phase === 'Error',
    Skipped: o.phase === 'Skipped',
    Omitted: o.phase === 'Omitted',
    Daemoned: o.daemoned === true && o.phase !== 'Pending',
    AnySucceeded: children !== undefined && children.some((p) => p === 'Succeeded'),
    AllFailed: children !== undefined && children.length > 0 && children.every((p) => p === 'Failed'),
  };
}

function collectTasks(n: DependsNode, into: Set<string>): Set<string> {
  if (n.kind === 'task') into.add(n.task);
  else if (n.kind === 'not') collectTasks(n.operand, into);
  else {
    collectTasks(n.left, into);
    collectTasks(n.right, into);
  }
  return into;
}

/**
 * Evaluates depends logic. Returns undefined while any referenced task has no node yet or is not
 * fulfilled; otherwise whether the dependent task should run.
 */
export function evaluateDepends(
  expr: DependsExpr | DependsNode | string,
  lookup: (task: string) => TaskOutcome | undefined,
): boolean | undefined {
  const ast = typeof expr === 'string' ? parseDepends(expr).ast : 'ast' in expr ? expr.ast : expr;
  const known = new Map<string, Record<TaskResult, boolean> & { continueOn?: TaskOutcome['continueOn'] }>();
  for (const task of collectTasks(ast, new Set())) {
    const o = lookup(task);
    if (o === undefined || !isFulfilled(o)) return undefined;
    known.set(task, { ...results(o), continueOn: o.continueOn });
  }
  const evalNode = (n: DependsNode): boolean => {
    switch (n.kind) {
      case 'task': {
        const r = known.get(n.task)!;
        if (n.result !== undefined) return r[n.result];
        return (
          r.Succeeded ||
          r.Skipped ||
          r.Daemoned ||
          (r.continueOn?.error === true && r.Errored) ||
          (r.continueOn?.failed === true && r.Failed)
        );
      }
      case 'not':
        return !evalNode(n.operand);
      case 'and':
        return evalNode(n.left) && evalNode(n.right);
      case 'or':
        return evalNode(n.left) || evalNode(n.right);
    }
  };
  return evalNode(ast);
}
