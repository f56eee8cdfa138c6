// Public API of the expression language (the expr-lang subset Argo users write).
import { walk, type Node } from './ast.js';
import './builtins.js';
import { bindGlobals, compileTree, type Frame, type Program } from './compile.js';
import { ExprError } from './errors.js';
import { parse } from './parser.js';
import { goJsonMarshal, goTypeName, toHost } from './values.js';

export { ExprError } from './errors.js';
export { argoExprEnv, expandDotted, hasPath, ARGO_FUNCTIONS } from './env.js';
export { queryJsonPath } from './jsonpath.js';
export { GoDuration, GoLocation, GoTime } from './time.js';
export { fromHost, toHost, formatV, goJsonMarshal } from './values.js';

export interface CompiledExpr {
  readonly source: string;
  /** Free variables the expression reads from its environment, in order of first use. */
  readonly variables: readonly string[];
  /** Evaluates and returns the value in the expression model (ints as bigint, see values.ts). */
  runRaw(env?: Readonly<Record<string, unknown>>): unknown;
  /** Evaluates and returns plain JS values (ints as numbers, times as Dates). */
  run(env?: Readonly<Record<string, unknown>>): unknown;
}

interface Entry extends CompiledExpr {
  readonly ast: Node;
}

const CACHE_LIMIT = 5000;
const cache = new Map<string, Entry>();

function build(source: string): Entry {
  const ast = parse(source);
  const program: Program = compileTree(ast, source);
  const runRaw = (env: Readonly<Record<string, unknown>> = {}): unknown => {
    const frame: Frame = {
      globals: bindGlobals(program, env as Record<string, unknown>, source),
      locals: new Array(program.localCount),
      scopes: [],
    };
    return program.run(frame);
  };
  return {
    source,
    ast,
    variables: program.globals.map((g) => g.name),
    runRaw,
    run: (env) => toHost(runRaw(env)),
  };
}

function entry(source: string): Entry {
  let e = cache.get(source);
  if (e) return e;
  e = build(source);
  // First in, first out: reordering on every hit costs more than the rare re-compile it saves.
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(source, e);
  return e;
}

/** Parses and compiles an expression (cached by source). Throws ExprError on a syntax error. */
export function compile(source: string): CompiledExpr {
  return entry(source);
}

/** Evaluates to plain JS values. Throws ExprError. */
export function evaluate(source: string, env: Readonly<Record<string, unknown>> = {}): unknown {
  return entry(source).run(env);
}

/** Evaluates to the expression model (ints are bigint, floats number). Throws ExprError. */
export function evaluateRaw(source: string, env: Readonly<Record<string, unknown>> = {}): unknown {
  return entry(source).runRaw(env);
}

/** Argo's EvalBool: the result must be a bool. */
export function evaluateBool(source: string, env: Readonly<Record<string, unknown>> = {}): boolean {
  const v = entry(source).runRaw(env);
  if (typeof v !== 'boolean') {
    throw new ExprError(`unable to cast expression result '${describeResult(v)}' to bool`, source);
  }
  return v;
}

function describeResult(v: unknown): string {
  try {
    return typeof v === 'string' ? v : goJsonMarshal(v);
  } catch {
    return goTypeName(v);
  }
}

/**
 * How Argo writes an expression result into a template: strings as they are, anything else as
 * Go's json.Marshal output (so 0.5, 3, true, ["a"], {"k":"v"} with keys sorted).
 */
export function formatResult(value: unknown): string {
  if (typeof value === 'string') return value;
  let json: string;
  try {
    json = goJsonMarshal(value);
  } catch (e) {
    throw new Error((e as Error).message);
  }
  // A value that marshals to a JSON string (a time) is written without its quotes.
  return json.length > 1 && json.startsWith('"') && json.endsWith('"') ? (JSON.parse(json) as string) : json;
}

/**
 * Dotted paths of the variables an expression reads, the way Argo's template engine lists them
 * to decide whether an expression can be evaluated yet: every identifier and every member chain
 * of plain names (`inputs.parameters.x`, `steps['a-b'].outputs`). Chains on the left of `??` or
 * before a `?.` are optional and left out; let-bound names and `$env` are not variables.
 */
export function referencedVariables(source: string): string[] {
  const ast = entry(source).ast;
  const guarded = new Set<Node>();
  walk(ast, (n) => {
    if (n.type === 'binary' && n.op === '??') {
      walk(n.left, (m) => {
        if (m.type === 'member') guarded.add(m);
      });
    } else if (n.type === 'member' && n.optional && n.object.type === 'member') {
      guarded.add(n.object);
    }
  });
  const letNames = new Set<string>();
  walk(ast, (n) => {
    if (n.type === 'let') letNames.add(n.name);
  });
  const out: string[] = [];
  const seen = new Set<string>();
  const add = (p: string): void => {
    if (!seen.has(p)) {
      seen.add(p);
      out.push(p);
    }
  };
  walk(ast, (n) => {
    if (guarded.has(n)) return;
    if (n.type === 'ident' && !letNames.has(n.name) && n.name !== '$env') add(n.name);
    if (n.type === 'member') {
      const path = memberPath(n);
      if (path !== undefined && !letNames.has(path.split('.')[0])) add(path);
    }
  });
  return out;
}

function memberPath(n: Node): string | undefined {
  const parts: string[] = [];
  let cur: Node = n;
  for (;;) {
    if (cur.type === 'chain') cur = cur.node;
    if (cur.type !== 'member' || cur.optional || cur.property.type !== 'string') return undefined;
    parts.unshift(cur.property.value);
    const obj: Node = cur.object.type === 'chain' ? cur.object.node : cur.object;
    if (obj.type === 'ident') {
      parts.unshift(obj.name);
      return parts.join('.');
    }
    cur = obj;
  }
}
