// Argo's expression environment: its flat variable map ("inputs.parameters.x") expanded into
// nested maps, plus the functions Argo adds (asInt, asFloat, jsonpath, toJson, sprig).
import { exprFloat, exprInt } from './builtins.js';
import { fault } from './errors.js';
import { queryJsonPath } from './jsonpath.js';
import { SPRIG } from './sprig.js';
import {
  NATIVE,
  fromHost,
  setKey,
  goJsonMarshal,
  goJsonUnmarshal,
  goTypeName,
  isMap,
  type ExprMap,
} from './values.js';

/**
 * Expands dotted keys into nested maps: {"a.b": 1, "a.c": 2} -> {a: {b: 1, c: 2}}. A key that is
 * the parent of another ("item" beside "item.name") is dropped, as Argo does, so the nested
 * form wins. Values are converted with fromHost.
 */
export function expandDotted(flat: Readonly<Record<string, unknown>>): ExprMap {
  return expandKeys(flat, Object.keys(flat));
}

function expandKeys(flat: Readonly<Record<string, unknown>>, unsorted: readonly string[]): ExprMap {
  const keys = [...unsorted].sort();
  const parents = new Set<string>();
  for (const k of keys) {
    for (let i = k.indexOf('.'); i >= 0; i = k.indexOf('.', i + 1)) parents.add(k.slice(0, i));
  }
  const root: ExprMap = {};
  for (const k of keys) {
    if (parents.has(k)) continue;
    const parts = k.split('.');
    let node = root;
    for (let i = 0; i < parts.length - 1; i++) {
      const next = node[parts[i]];
      if (isMap(next)) {
        node = next;
      } else {
        const created: ExprMap = {};
        setKey(node, parts[i], created);
        node = created;
      }
    }
    setKey(node, parts[parts.length - 1], fromHost(flat[k]));
  }
  return root;
}

function jsonpath(json: unknown, path: unknown): unknown {
  if (typeof json !== 'string')
    return fault(`jsonpath: reflect: Call using ${goTypeName(json)} as type string`);
  if (typeof path !== 'string')
    return fault(`jsonpath: reflect: Call using ${goTypeName(path)} as type string`);
  return queryJsonPath(path, goJsonUnmarshal(json));
}

/** Argo's extra functions, shared by every environment built here. */
export const ARGO_FUNCTIONS: Readonly<Record<string, unknown>> = {
  asInt: (v: unknown) => exprInt(v),
  asFloat: (v: unknown) => exprFloat(v),
  jsonpath,
  toJson: (v: unknown) => goJsonMarshal(v),
  sprig: SPRIG,
};

/**
 * Argo's GetFuncMap: the environment `{{= ...}}`, hooks, retry expressions and
 * valueFrom.expression are evaluated in. `vars` is the flat variable map; null marks an absent
 * optional value (a skipped node's output), which `??` can replace.
 */
export function argoExprEnv(vars: Readonly<Record<string, unknown>>): ExprMap {
  // Each top-level name is expanded the first time it is read: an expression reads a few of
  // them, while a workflow scope holds hundreds of variables.
  const groups = new Map<string, string[]>();
  for (const k of Object.keys(vars)) {
    const dot = k.indexOf('.');
    const top = dot < 0 ? k : k.slice(0, dot);
    const g = groups.get(top);
    if (g) g.push(k);
    else groups.set(top, [k]);
  }
  const env: ExprMap = {};
  for (const [top, keys] of groups) {
    if (keys.length === 1 && keys[0] === top) {
      env[top] = fromHost(vars[top]);
      continue;
    }
    Object.defineProperty(env, top, {
      configurable: true,
      enumerable: true,
      get() {
        const value = expandKeys(vars, keys)[top];
        Object.defineProperty(env, top, { value, configurable: true, enumerable: true, writable: true });
        return value;
      },
      set(value: unknown) {
        Object.defineProperty(env, top, { value, configurable: true, enumerable: true, writable: true });
      },
    });
  }
  Object.assign(env, ARGO_FUNCTIONS);
  // Its values are already expression values: evaluation need not convert them again.
  NATIVE.add(env);
  return env;
}

/** Argo's hasVarInEnv: is the dotted path present (a nil leaf counts as present)? */
export function hasPath(env: Readonly<Record<string, unknown>>, path: string): boolean {
  if (Object.prototype.hasOwnProperty.call(env, path)) return true;
  const parts = path.split('.');
  let current: unknown = env;
  let rest = parts;
  for (let i = parts.length; i > 0; i--) {
    const prefix = parts.slice(0, i).join('.');
    if (Object.prototype.hasOwnProperty.call(env, prefix)) {
      current = env[prefix];
      rest = parts.slice(i);
      break;
    }
  }
  for (const part of rest) {
    if (!isMap(current) || !Object.prototype.hasOwnProperty.call(current, part)) return false;
    current = current[part];
  }
  return true;
}
