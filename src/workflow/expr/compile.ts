// Turns a syntax tree into a tree of closures, so a cached expression evaluates without
// re-walking or re-checking its syntax.
import type { Node, NodeOf } from './ast.js';
import { BUILTINS, sortValues } from './builtins.js';
import { EvalFault, ExprError, fault } from './errors.js';
import { goRegexMatch } from './goregex.js';
import { GoDuration, GoLocation, GoTime, durationMethod, timeMethod } from './time.js';
import {
  add,
  asBool,
  compare,
  divide,
  equal,
  exponent,
  formatV,
  fromHost,
  NATIVE,
  goTypeName,
  hasKey,
  isMap,
  isNumber,
  modulo,
  multiply,
  negate,
  runes,
  setKey,
  subtract,
  toIndex,
  toInt,
  type ExprMap,
} from './values.js';

interface Scope {
  items: unknown[];
  index: number;
  acc: unknown;
}

export interface Frame {
  globals: unknown[];
  locals: unknown[];
  scopes: Scope[];
}

export type Closure = (f: Frame) => unknown;

/** Marks a nil met by `?.`; the enclosing chain node turns it into nil. */
const CHAIN_NIL: unique symbol = Symbol('chain-nil');

export interface Program {
  run: Closure;
  /** Free variables, in first-use order, with the position of their first use. */
  globals: Array<{ name: string; pos: number }>;
  localCount: number;
}

const RANGE_LIMIT = 1_000_000;

export function compileTree(root: Node, src: string): Program {
  const globals: Array<{ name: string; pos: number }> = [];
  const globalSlots = new Map<string, number>();
  const lets: Array<{ name: string; slot: number }> = [];
  let localCount = 0;

  const located = (pos: number, e: unknown): ExprError => {
    if (e instanceof ExprError) return e;
    if (e instanceof EvalFault || e instanceof Error) return new ExprError(e.message, src, pos + 1);
    return new ExprError(String(e), src, pos + 1);
  };
  const guard =
    (pos: number, fn: Closure): Closure =>
    (f) => {
      try {
        return fn(f);
      } catch (e) {
        throw located(pos, e);
      }
    };

  const compile = (node: Node): Closure => {
    switch (node.type) {
      case 'nil':
        return () => null;
      case 'bool':
      case 'int':
      case 'float':
      case 'string': {
        const v = node.value;
        return () => v;
      }
      case 'ident':
        return compileIdent(node);
      case 'pointer':
        return compilePointer(node);
      case 'member':
        return compileMember(node);
      case 'chain': {
        const inner = compile(node.node);
        return (f) => {
          const v = inner(f);
          return v === CHAIN_NIL ? null : v;
        };
      }
      case 'slice':
        return compileSlice(node);
      case 'call':
        return compileCall(node);
      case 'builtin':
        return compileBuiltin(node);
      case 'predicate':
        return compile(node.body);
      case 'unary':
        return compileUnary(node);
      case 'binary':
        return compileBinary(node);
      case 'conditional': {
        const cond = compile(node.cond);
        const then = compile(node.then);
        const otherwise = compile(node.else);
        const pos = node.pos;
        return (f) => {
          let c: boolean;
          try {
            c = asBool(cond(f), 'condition');
          } catch (e) {
            throw located(pos, e);
          }
          return c ? then(f) : otherwise(f);
        };
      }
      case 'array': {
        const items = node.items.map(compile);
        return (f) => items.map((c) => c(f));
      }
      case 'map': {
        const entries = node.entries.map(([k, v]) => [compile(k), compile(v)] as const);
        return (f) => {
          const out: ExprMap = {};
          for (const [k, v] of entries) {
            const key = k(f);
            setKey(out, typeof key === 'string' ? key : formatV(key), v(f));
          }
          return out;
        };
      }
      case 'sequence': {
        const parts = node.nodes.map(compile);
        return (f) => {
          let v: unknown = null;
          for (const p of parts) v = p(f);
          return v;
        };
      }
      case 'let': {
        const value = compile(node.value);
        const slot = localCount++;
        lets.push({ name: node.name, slot });
        const body = compile(node.body);
        lets.pop();
        return (f) => {
          f.locals[slot] = value(f);
          return body(f);
        };
      }
    }
  };

  const compileIdent = (node: NodeOf<'ident'>): Closure => {
    for (let i = lets.length - 1; i >= 0; i--) {
      if (lets[i].name === node.name) {
        const slot = lets[i].slot;
        return (f) => f.locals[slot];
      }
    }
    let slot = globalSlots.get(node.name);
    if (slot === undefined) {
      slot = globals.length;
      globals.push({ name: node.name, pos: node.pos });
      globalSlots.set(node.name, slot);
    }
    const s = slot;
    return (f) => f.globals[s];
  };

  const compilePointer = (node: NodeOf<'pointer'>): Closure => {
    const current = (f: Frame): Scope => {
      const s = f.scopes[f.scopes.length - 1];
      if (!s) throw located(node.pos, new EvalFault('# used outside of a predicate'));
      return s;
    };
    if (node.name === 'index') return (f) => BigInt(current(f).index);
    if (node.name === 'acc') return (f) => current(f).acc;
    return (f) => {
      const s = current(f);
      return s.items[s.index];
    };
  };

  const compileMember = (node: NodeOf<'member'>): Closure => {
    const object = compile(node.object);
    const property = compile(node.property);
    const optional = node.optional;
    return guard(node.pos, (f) => {
      const obj = object(f);
      if (obj === CHAIN_NIL) return CHAIN_NIL;
      if (optional && (obj === null || obj === undefined)) return CHAIN_NIL;
      return fetch(obj, property(f));
    });
  };

  const compileSlice = (node: NodeOf<'slice'>): Closure => {
    const object = compile(node.object);
    const from = node.from ? compile(node.from) : undefined;
    const to = node.to ? compile(node.to) : undefined;
    return guard(node.pos, (f) => {
      const obj = object(f);
      const items = typeof obj === 'string' ? runes(obj) : Array.isArray(obj) ? obj : undefined;
      if (!items) return fault(`cannot slice ${goTypeName(obj)}`);
      const len = items.length;
      let a = from ? toIndex(from(f)) : 0;
      let b = to ? toIndex(to(f)) : len;
      if (a < 0) a += len;
      if (a < 0) a = 0;
      if (b < 0) b += len;
      if (b < 0) b = 0;
      if (b > len) b = len;
      if (a > b) a = b;
      const out = items.slice(a, b);
      return typeof obj === 'string' ? out.join('') : out;
    });
  };

  const compileCall = (node: NodeOf<'call'>): Closure => {
    const callee = compile(node.callee);
    const args = node.args.map(compile);
    const name =
      node.callee.type === 'ident'
        ? node.callee.name
        : node.callee.type === 'member'
          ? describeMember(node.callee)
          : 'function';
    return guard(node.pos, (f) => {
      const fn = callee(f);
      if (fn === CHAIN_NIL) return CHAIN_NIL;
      if (typeof fn !== 'function') return fault(`${name} is not a function (type ${goTypeName(fn)})`);
      return (fn as (...a: unknown[]) => unknown)(...args.map((a) => a(f)));
    });
  };

  const compileUnary = (node: NodeOf<'unary'>): Closure => {
    const operand = compile(node.operand);
    switch (node.op) {
      case '!':
        return guard(node.pos, (f) => !asBool(operand(f), 'not'));
      case '-':
        return guard(node.pos, (f) => negate(operand(f)));
      default:
        return guard(node.pos, (f) => {
          const v = operand(f);
          return isNumber(v) || v instanceof GoDuration ? v : fault(`invalid operation: + ${goTypeName(v)}`);
        });
    }
  };

  const compileBinary = (node: NodeOf<'binary'>): Closure => {
    if (node.op === '&&' || node.op === '||') return compileLogicalChain(node);
    const left = compile(node.left);
    const right = compile(node.right);
    const pos = node.pos;
    switch (node.op) {
      case '??':
        return (f) => {
          const l = left(f);
          return l === null || l === undefined || l === CHAIN_NIL ? right(f) : l;
        };
    }
    const op = BINARY_OPS[node.op];
    if (!op) throw new ExprError(`unknown operator ${node.op}`, src, pos + 1);
    return guard(pos, (f) => op(left(f), right(f)));
  };

  /**
   * `a && b`, `a || b`, and the chains they make nested to the left (`a && b && c` is
   * `(a && b) && c`): a DAG task with thousands of dependencies has a depends expression thousands
   * deep, whose compilation and evaluation by recursion overflowed the stack. The chain is walked
   * down its left side once and run as a loop, with the nested form's values and errors: each
   * link's left value must be a bool (an error there is located at that link's operator), a link
   * short-circuits to false (&&) or true (||) or takes its right operand's value, and an error in
   * a right operand is located at the next link's operator, as the enclosing link would locate it.
   */
  const compileLogicalChain = (node: NodeOf<'binary'>): Closure => {
    const spine: NodeOf<'binary'>[] = [];
    let leftmost: Node = node;
    while (leftmost.type === 'binary' && (leftmost.op === '&&' || leftmost.op === '||')) {
      spine.push(leftmost);
      leftmost = leftmost.left;
    }
    spine.reverse();
    const first = compile(leftmost);
    const links = spine.map((n) => ({ and: n.op === '&&', op: n.op, pos: n.pos, right: compile(n.right) }));
    return (f) => {
      let v: unknown;
      try {
        v = first(f);
      } catch (e) {
        throw located(links[0].pos, e);
      }
      for (let i = 0; i < links.length; i++) {
        const link = links[i];
        let l: boolean;
        try {
          l = asBool(v, link.op);
        } catch (e) {
          throw located(link.pos, e);
        }
        if (link.and !== l) {
          v = l; // false for &&, true for ||: the right operand is not evaluated
          continue;
        }
        if (i + 1 === links.length) return link.right(f);
        try {
          v = link.right(f);
        } catch (e) {
          throw located(links[i + 1].pos, e);
        }
      }
      return v;
    };
  };

  const compileBuiltin = (node: NodeOf<'builtin'>): Closure => {
    const args = node.args.map(compile);
    const pos = node.pos;
    const name = node.name;
    const predicate = PREDICATE_IMPLS[name];
    if (predicate) {
      const [collection, body, extra] = args;
      return guard(pos, (f) => predicate(f, collection(f), body, extra));
    }
    const builtin = BUILTINS[name];
    const [min, max] = builtin.arity;
    if (args.length < min || (max >= 0 && args.length > max)) {
      const expected = min === max ? `${min}` : max < 0 ? `at least ${min}` : `${min} or ${max}`;
      throw new ExprError(
        `invalid number of arguments for ${name} (expected ${expected}, got ${args.length})`,
        src,
        pos + 1,
      );
    }
    return guard(pos, (f) => builtin.fn(args.map((a) => a(f))));
  };

  const run = compile(root);
  return { run, globals, localCount };
}

function describeMember(n: NodeOf<'member'>): string {
  const prop = n.property.type === 'string' ? n.property.value : '[...]';
  const base =
    n.object.type === 'ident' ? n.object.name : n.object.type === 'member' ? describeMember(n.object) : '';
  return base ? `${base}.${prop}` : prop;
}

/** runtime.Fetch */
export function fetch(obj: unknown, key: unknown): unknown {
  if (obj === null || obj === undefined) return fault(`cannot fetch ${formatV(key)} from <nil>`);
  if (Array.isArray(obj) || typeof obj === 'string') {
    if (!isNumber(key)) return fault(`invalid operation: int(${goTypeName(key)})`);
    const items = typeof obj === 'string' ? runes(obj) : obj;
    let i = Number(toInt(key));
    const len = items.length;
    if (i < 0) i += len;
    if (i < 0 || i >= len) return fault(`index out of range: ${i} (array length is ${len})`);
    return items[i] ?? null;
  }
  if (obj instanceof GoTime || obj instanceof GoDuration) {
    const m =
      typeof key === 'string'
        ? obj instanceof GoTime
          ? timeMethod(obj, key)
          : durationMethod(obj, key)
        : undefined;
    if (m) return m;
    return fault(`cannot fetch ${formatV(key)} from ${goTypeName(obj)}`);
  }
  if (obj instanceof GoLocation) {
    if (key === 'String') return () => obj.toString();
    return fault(`cannot fetch ${formatV(key)} from ${goTypeName(obj)}`);
  }
  if (isMap(obj)) {
    if (typeof key !== 'string')
      return fault(`cannot fetch ${formatV(key)} from ${goTypeName(obj)}: key is not a string`);
    return hasKey(obj, key) ? (obj[key] ?? null) : null;
  }
  return fault(`cannot fetch ${formatV(key)} from ${goTypeName(obj)}`);
}

/** runtime.In */
export function inOp(needle: unknown, haystack: unknown): boolean {
  if (haystack === null || haystack === undefined) return false;
  if (Array.isArray(haystack)) return haystack.some((x) => equal(x, needle));
  if (isMap(haystack)) return typeof needle === 'string' && hasKey(haystack, needle);
  return fault(`operator "in" not defined on ${goTypeName(haystack)}`);
}

function stringOp(
  name: string,
  test: (a: string, b: string) => boolean,
): (a: unknown, b: unknown) => boolean {
  return (a, b) => {
    if (a === null || a === undefined || b === null || b === undefined) return false;
    if (typeof a !== 'string' || typeof b !== 'string') {
      return fault(`invalid operation: ${goTypeName(a)} ${name} ${goTypeName(b)}`);
    }
    return test(a, b);
  };
}

const BINARY_OPS: Record<string, (a: unknown, b: unknown) => unknown> = {
  '==': (a, b) => equal(a, b),
  '!=': (a, b) => !equal(a, b),
  '<': (a, b) => compare(a, b, '<') < 0,
  '>': (a, b) => compare(a, b, '>') > 0,
  '<=': (a, b) => compare(a, b, '<=') <= 0,
  '>=': (a, b) => compare(a, b, '>=') >= 0,
  '+': add,
  '-': subtract,
  '*': multiply,
  '/': divide,
  '%': modulo,
  '**': exponent,
  in: inOp,
  contains: stringOp('contains', (a, b) => a.includes(b)),
  startsWith: stringOp('startsWith', (a, b) => a.startsWith(b)),
  endsWith: stringOp('endsWith', (a, b) => a.endsWith(b)),
  matches: stringOp('matches', (a, b) => goRegexMatch(b, a)),
  '..': (a, b) => {
    const lo = toInt(a);
    const hi = toInt(b);
    const size = hi - lo + 1n;
    if (size <= 0n) return [];
    if (size > BigInt(RANGE_LIMIT)) return fault('memory budget exceeded');
    const out: bigint[] = [];
    for (let v = lo; v <= hi; v++) out.push(v);
    return out;
  },
};

type PredicateImpl = (f: Frame, collection: unknown, body: Closure, extra?: Closure) => unknown;

function loop(
  f: Frame,
  collection: unknown,
  name: string,
  step: (scope: Scope, i: number) => boolean | void,
  acc: unknown = null,
): Scope {
  if (!Array.isArray(collection)) {
    fault(`cannot use ${goTypeName(collection)} in ${name}: expected an array`);
  }
  const scope: Scope = { items: collection as unknown[], index: 0, acc };
  f.scopes.push(scope);
  try {
    for (let i = 0; i < scope.items.length; i++) {
      scope.index = i;
      if (step(scope, i) === false) break;
    }
  } finally {
    f.scopes.pop();
  }
  return scope;
}

const test = (v: unknown, name: string): boolean => asBool(v, `predicate of ${name}`);

const PREDICATE_IMPLS: Record<string, PredicateImpl> = {
  all: (f, c, body) => {
    let ok = true;
    loop(f, c, 'all', () => (ok = test(body(f), 'all')));
    return ok;
  },
  any: (f, c, body) => {
    let ok = false;
    loop(f, c, 'any', () => !(ok = test(body(f), 'any')));
    return ok;
  },
  none: (f, c, body) => {
    let ok = true;
    loop(f, c, 'none', () => (ok = !test(body(f), 'none')));
    return ok;
  },
  one: (f, c, body) => {
    let n = 0;
    loop(f, c, 'one', () => {
      if (test(body(f), 'one')) n++;
      return n <= 1;
    });
    return n === 1;
  },
  filter: (f, c, body) => {
    const out: unknown[] = [];
    loop(f, c, 'filter', (s, i) => {
      if (test(body(f), 'filter')) out.push(s.items[i]);
    });
    return out;
  },
  map: (f, c, body) => {
    const out: unknown[] = [];
    loop(f, c, 'map', () => {
      out.push(body(f));
    });
    return out;
  },
  count: (f, c, body) => {
    let n = 0n;
    loop(f, c, 'count', (s, i) => {
      if (test(body ? body(f) : s.items[i], 'count')) n++;
    });
    return n;
  },
  sum: (f, c, body) => {
    let total: unknown = 0n;
    loop(f, c, 'sum', (s, i) => {
      total = add(body ? body(f) : s.items[i], total);
    });
    return total;
  },
  find: (f, c, body) => {
    let found: unknown = null;
    loop(f, c, 'find', (s, i) => {
      if (test(body(f), 'find')) {
        found = s.items[i];
        return false;
      }
    });
    return found;
  },
  findIndex: (f, c, body) => {
    let found = -1n;
    loop(f, c, 'findIndex', (_s, i) => {
      if (test(body(f), 'findIndex')) {
        found = BigInt(i);
        return false;
      }
    });
    return found;
  },
  findLast: (f, c, body) => {
    let found: unknown = null;
    loop(f, c, 'findLast', (s, i) => {
      if (test(body(f), 'findLast')) found = s.items[i];
    });
    return found;
  },
  findLastIndex: (f, c, body) => {
    let found = -1n;
    loop(f, c, 'findLastIndex', (_s, i) => {
      if (test(body(f), 'findLastIndex')) found = BigInt(i);
    });
    return found;
  },
  groupBy: (f, c, body) => {
    const out: ExprMap = {};
    loop(f, c, 'groupBy', (s, i) => {
      const key = body(f);
      if (Array.isArray(key) || isMap(key))
        fault(`cannot use ${goTypeName(key)} as a key for groupBy: type is not comparable`);
      const k = typeof key === 'string' ? key : formatV(key);
      ((out[k] ??= []) as unknown[]).push(s.items[i]);
    });
    return out;
  },
  sortBy: (f, c, body, order) => {
    const keys: unknown[] = [];
    const scope = loop(f, c, 'sortBy', () => {
      keys.push(body(f));
    });
    return sortValues(scope.items, keys, order ? order(f) : undefined);
  },
  reduce: (f, c, body, init) => {
    if (!Array.isArray(c)) fault(`cannot use ${goTypeName(c)} in reduce: expected an array`);
    const items = c as unknown[];
    let start = 0;
    let acc: unknown;
    if (init) acc = init(f);
    else {
      if (items.length === 0) fault('reduce of empty array with no initial value');
      acc = items[0];
      start = 1;
    }
    const scope: Scope = { items, index: 0, acc };
    f.scopes.push(scope);
    try {
      for (let i = start; i < items.length; i++) {
        scope.index = i;
        scope.acc = body(f);
      }
    } finally {
      f.scopes.pop();
    }
    return scope.acc;
  },
};

/** Resolves a program's free variables against an environment, as expr's compiler does. */
export function bindGlobals(program: Program, env: Record<string, unknown>, src: string): unknown[] {
  const native = NATIVE.has(env);
  return program.globals.map(({ name, pos }) => {
    if (name === '$env') return native ? env : fromHost(env);
    if (!Object.prototype.hasOwnProperty.call(env, name)) {
      throw new ExprError(`unknown name ${name}`, src, pos + 1);
    }
    const v = env[name];
    return native ? (v ?? null) : fromHost(v);
  });
}
