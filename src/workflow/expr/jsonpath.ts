// JSONPath queries for Argo's `jsonpath(json, path)` function, following the semantics of the
// Go library Argo uses: a path of plain keys/indices yields a value; wildcards, filters, ranges,
// unions and recursive descent yield arrays, and later steps map over their elements.
import { fault } from './errors.js';
import { goRegexMatch } from './goregex.js';
import { equal, formatV, goTypeName, hasKey, isMap, isNumber, type ExprMap } from './values.js';

type Step =
  | { kind: 'key'; key: string }
  | { kind: 'index'; index: number }
  | { kind: 'wildcard' }
  | { kind: 'recursive' }
  | { kind: 'union'; keys: Array<string | number> }
  | { kind: 'range'; from?: number; to?: number; step?: number }
  | { kind: 'filter'; expr: FilterExpr; text: string }
  | { kind: 'length' };

type FilterExpr =
  | { t: 'lit'; v: unknown }
  | { t: 'path'; root: '@' | '$'; steps: Step[] }
  | { t: 'not'; e: FilterExpr }
  | { t: 'bin'; op: string; l: FilterExpr; r: FilterExpr };

const cache = new Map<string, Step[]>();

function compilePath(path: string): Step[] {
  const hit = cache.get(path);
  if (hit) return hit;
  const p = new PathParser(path);
  const steps = p.parseRoot();
  if (cache.size > 500) cache.clear();
  cache.set(path, steps);
  return steps;
}

class PathParser {
  i = 0;
  constructor(readonly s: string) {}

  fail(msg: string): never {
    return fault(`invalid JSONPath ${JSON.stringify(this.s)}: ${msg} at ${this.i}`);
  }

  parseRoot(): Step[] {
    if (this.s[this.i] !== '$') this.fail("path must start with '$'");
    this.i++;
    const steps = this.parseSteps(false);
    if (this.i < this.s.length) this.fail(`unexpected ${JSON.stringify(this.s[this.i])}`);
    return steps;
  }

  /** Steps until the end of the path (or, inside a filter, until something that is not a step). */
  parseSteps(inFilter: boolean): Step[] {
    const steps: Step[] = [];
    for (;;) {
      const c = this.s[this.i];
      if (c === '.' && this.s[this.i + 1] === '.') {
        // `..` applies the rest of the path at every node below; `..name` is `..` then `.name`.
        this.i += 2;
        steps.push({ kind: 'recursive' });
        if (this.s[this.i] === '*') {
          this.i++;
          steps.push({ kind: 'wildcard' });
        } else if (this.s[this.i] !== '[') {
          const name = this.name(inFilter);
          steps.push(name === 'length' ? { kind: 'length' } : { kind: 'key', key: name });
        }
      } else if (c === '.') {
        this.i++;
        if (this.s[this.i] === '*') {
          this.i++;
          steps.push({ kind: 'wildcard' });
        } else {
          const name = this.name(inFilter);
          steps.push(name === 'length' ? { kind: 'length' } : { kind: 'key', key: name });
        }
      } else if (c === '[') {
        steps.push(this.bracket());
      } else if (!inFilter && c !== undefined) {
        this.fail(`unexpected ${JSON.stringify(c)}`);
      } else {
        return steps;
      }
    }
  }

  name(inFilter = false): string {
    const m = (inFilter ? /^[^.[\]()\s=!<>&|,'"+\-*/%~]+/ : /^[^.[\]()\s=!<>&|,'"]+/).exec(
      this.s.slice(this.i),
    );
    if (!m) this.fail('expected a key');
    this.i += m![0].length;
    return m![0];
  }

  quoted(): string {
    const q = this.s[this.i];
    let out = '';
    this.i++;
    while (this.i < this.s.length && this.s[this.i] !== q) {
      if (this.s[this.i] === '\\' && this.i + 1 < this.s.length) this.i++;
      out += this.s[this.i++];
    }
    if (this.s[this.i] !== q) this.fail('unterminated string');
    this.i++;
    return out;
  }

  bracket(): Step {
    this.i++; // [
    this.ws();
    if (this.s.startsWith('?(', this.i)) {
      this.i += 2;
      const start = this.i;
      const expr = this.filterOr();
      this.ws();
      if (this.s[this.i] !== ')') this.fail("expected ')'");
      const text = this.s.slice(start, this.i);
      this.i++;
      this.ws();
      if (this.s[this.i] !== ']') this.fail("expected ']'");
      this.i++;
      return { kind: 'filter', expr, text };
    }
    if (this.s[this.i] === '*') {
      this.i++;
      this.ws();
      this.expectClose();
      return { kind: 'wildcard' };
    }
    const parts: Array<string | number | undefined> = [];
    const seps: string[] = [];
    for (;;) {
      this.ws();
      const c = this.s[this.i];
      if (c === "'" || c === '"') parts.push(this.quoted());
      else {
        const m = /^-?[0-9]+/.exec(this.s.slice(this.i));
        if (m) {
          parts.push(Number(m[0]));
          this.i += m[0].length;
        } else parts.push(undefined);
      }
      this.ws();
      const sep = this.s[this.i];
      if (sep === ',' || sep === ':') {
        seps.push(sep);
        this.i++;
        continue;
      }
      this.expectClose();
      break;
    }
    if (seps.includes(':')) {
      if (seps.includes(',') || parts.length > 3 || parts.some((x) => typeof x === 'string'))
        this.fail('invalid range');
      const [from, to, step] = parts as Array<number | undefined>;
      return { kind: 'range', from, to, step };
    }
    if (parts.some((x) => x === undefined)) this.fail('invalid subscript');
    if (parts.length > 1) return { kind: 'union', keys: parts as Array<string | number> };
    const only = parts[0]!;
    return typeof only === 'number' ? { kind: 'index', index: only } : { kind: 'key', key: only };
  }

  expectClose(): void {
    if (this.s[this.i] !== ']') this.fail("expected ']'");
    this.i++;
  }

  ws(): void {
    while (this.s[this.i] === ' ') this.i++;
  }

  filterOr(): FilterExpr {
    let l = this.filterAnd();
    for (;;) {
      this.ws();
      if (!this.s.startsWith('||', this.i)) return l;
      this.i += 2;
      l = { t: 'bin', op: '||', l, r: this.filterAnd() };
    }
  }

  filterAnd(): FilterExpr {
    let l = this.filterCmp();
    for (;;) {
      this.ws();
      if (!this.s.startsWith('&&', this.i)) return l;
      this.i += 2;
      l = { t: 'bin', op: '&&', l, r: this.filterCmp() };
    }
  }

  filterCmp(): FilterExpr {
    const l = this.filterAdd();
    this.ws();
    const m = /^(==|!=|<=|>=|=~|<|>|not in\b|in\b)/.exec(this.s.slice(this.i));
    if (!m) return l;
    this.i += m[0].length;
    return { t: 'bin', op: m[0], l, r: this.filterAdd() };
  }

  filterAdd(): FilterExpr {
    let l = this.filterMul();
    for (;;) {
      this.ws();
      const c = this.s[this.i];
      if ((c !== '+' && c !== '-') || this.s[this.i + 1] === c) return l;
      this.i++;
      l = { t: 'bin', op: c, l, r: this.filterMul() };
    }
  }

  filterMul(): FilterExpr {
    let l = this.filterUnary();
    for (;;) {
      this.ws();
      const m = /^(\*\*|\*|\/|%)/.exec(this.s.slice(this.i));
      if (!m) return l;
      this.i += m[0].length;
      l = { t: 'bin', op: m[0], l, r: this.filterUnary() };
    }
  }

  filterUnary(): FilterExpr {
    this.ws();
    if (this.s[this.i] === '!' && this.s[this.i + 1] !== '=') {
      this.i++;
      return { t: 'not', e: this.filterUnary() };
    }
    return this.filterPrimary();
  }

  filterPrimary(): FilterExpr {
    this.ws();
    const c = this.s[this.i];
    if (c === '(') {
      this.i++;
      const e = this.filterOr();
      this.ws();
      if (this.s[this.i] !== ')') this.fail("expected ')'");
      this.i++;
      return e;
    }
    if (c === '@' || c === '$') {
      this.i++;
      return { t: 'path', root: c, steps: this.parseSteps(true) };
    }
    if (c === "'" || c === '"') return { t: 'lit', v: this.quoted() };
    if (c === '[') {
      this.i++;
      const items: unknown[] = [];
      for (;;) {
        this.ws();
        if (this.s[this.i] === ']') break;
        const e = this.filterPrimary();
        if (e.t !== 'lit') this.fail('array literals may only hold constants');
        items.push(e.v);
        this.ws();
        if (this.s[this.i] === ',') this.i++;
      }
      this.i++;
      return { t: 'lit', v: items };
    }
    const num = /^-?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?/.exec(this.s.slice(this.i));
    if (num) {
      this.i += num[0].length;
      return { t: 'lit', v: Number(num[0]) };
    }
    const word = /^(true|false|null|nil)\b/.exec(this.s.slice(this.i));
    if (word) {
      this.i += word[0].length;
      return { t: 'lit', v: word[0] === 'true' ? true : word[0] === 'false' ? false : null };
    }
    return this.fail('invalid filter expression');
  }
}

const NOT_FOUND = Symbol('not-found');

function applySteps(root: unknown, current: unknown, steps: Step[], strict: boolean): unknown {
  if (steps.length === 0) return current;
  const [step, ...next] = steps;
  const nextOf = (v: unknown): unknown => applySteps(root, v, next, strict);
  const collect = (elements: unknown[]): unknown => {
    if (next.length > 0 && next[0].kind === 'index') return applySteps(root, elements, next, strict);
    const out: unknown[] = [];
    for (const e of elements) {
      if (next.length === 0) {
        out.push(e);
        continue;
      }
      let r: unknown;
      try {
        r = applySteps(root, e, next, true);
      } catch {
        continue;
      }
      if (r !== null && r !== undefined && r !== NOT_FOUND) out.push(r);
    }
    return out;
  };
  switch (step.kind) {
    case 'key':
      if (!isMap(current)) {
        return fault(`key: invalid token target. expected [map] got [${kindName(current)}]`);
      }
      if (!hasKey(current, step.key)) return fault(`key: invalid token key '${step.key}' not found`);
      return nextOf(current[step.key]);
    case 'index': {
      if (!Array.isArray(current))
        return fault(`index: invalid token target. expected [array slice] got [${kindName(current)}]`);
      const i = step.index < 0 ? current.length + step.index : step.index;
      if (i < 0 || i >= current.length) return fault('index: invalid token out of range');
      return nextOf(current[i]);
    }
    case 'length':
      if (isMap(current) && hasKey(current, 'length')) return nextOf(current.length);
      if (Array.isArray(current)) return nextOf(current.length);
      if (typeof current === 'string') return nextOf(Array.from(current).length);
      if (isMap(current)) return nextOf(Object.keys(current).length);
      return fault(
        `length: invalid token target. expected [array map slice string] got [${kindName(current)}]`,
      );
    case 'wildcard':
      return collect(elementsOf(current, 'wildcard'));
    case 'union': {
      const picked: unknown[] = [];
      for (const k of step.keys) {
        if (typeof k === 'number') {
          if (!Array.isArray(current))
            return fault(`union: invalid token target. expected [array slice] got [${kindName(current)}]`);
          const i = k < 0 ? current.length + k : k;
          if (i < 0 || i >= current.length) return fault('union: invalid token out of range');
          picked.push(current[i]);
        } else {
          if (!isMap(current))
            return fault(`union: invalid token target. expected [map] got [${kindName(current)}]`);
          if (!hasKey(current, k)) return fault(`union: invalid token key '${k}' not found`);
          picked.push(current[k]);
        }
      }
      return collect(picked);
    }
    case 'range': {
      if (!Array.isArray(current))
        return fault(`range: invalid token target. expected [array slice] got [${kindName(current)}]`);
      const len = current.length;
      const clamp = (v: number): number => Math.min(Math.max(v < 0 ? len + v : v, 0), len);
      const from = step.from === undefined ? 0 : clamp(step.from);
      const to = step.to === undefined ? len : clamp(step.to);
      const by = step.step ?? 1;
      if (by === 0) return fault('range: invalid token out of range');
      const picked: unknown[] = [];
      if (by > 0) for (let i = from; i < to; i += by) picked.push(current[i]);
      else for (let i = to - 1; i >= from; i += by) picked.push(current[i]);
      return collect(picked);
    }
    case 'filter': {
      const elements = elementsOf(current, 'filter');
      const kept = elements.filter((e) => {
        let v: unknown;
        try {
          v = evalFilter(step.expr, root, e);
        } catch {
          return false;
        }
        return truthy(v);
      });
      return collect(kept);
    }
    case 'recursive': {
      const found: unknown[] = [];
      const visit = (v: unknown): void => {
        if (next.length === 0) {
          found.push(v);
        } else {
          let r: unknown;
          try {
            r = applySteps(root, v, next, true);
          } catch {
            r = undefined;
          }
          if (Array.isArray(r)) found.push(...r);
          else if (r !== null && r !== undefined) found.push(r);
        }
        for (const c of childrenOf(v)) visit(c);
      };
      visit(current);
      return found;
    }
  }
}

function childrenOf(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (isMap(v))
    return Object.keys(v)
      .sort()
      .map((k) => v[k]);
  return [];
}

function elementsOf(v: unknown, token: string): unknown[] {
  if (Array.isArray(v)) return v;
  if (isMap(v))
    return Object.keys(v)
      .sort()
      .map((k) => v[k]);
  return fault(`${token}: invalid token target. expected [array map slice] got [${kindName(v)}]`);
}

function kindName(v: unknown): string {
  if (v === null || v === undefined) return 'nil';
  if (Array.isArray(v)) return 'slice';
  if (isMap(v)) return 'map';
  if (typeof v === 'number') return 'float64';
  return goTypeName(v);
}

function truthy(v: unknown): boolean {
  if (v === null || v === undefined || v === NOT_FOUND) return false;
  if (typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.length > 0;
  if (isMap(v)) return Object.keys(v).length > 0;
  if (typeof v === 'string') return v.replace(/^(['"])(.*)\1$/s, '$2') !== '';
  if (typeof v === 'number') return v !== 0;
  return true;
}

function evalFilter(e: FilterExpr, root: unknown, current: unknown): unknown {
  switch (e.t) {
    case 'lit':
      return e.v;
    case 'path':
      try {
        return applySteps(root, e.root === '@' ? current : root, e.steps, true);
      } catch {
        return NOT_FOUND;
      }
    case 'not':
      return !truthy(evalFilter(e.e, root, current));
    case 'bin': {
      if (e.op === '&&')
        return truthy(evalFilter(e.l, root, current)) && truthy(evalFilter(e.r, root, current));
      if (e.op === '||')
        return truthy(evalFilter(e.l, root, current)) || truthy(evalFilter(e.r, root, current));
      const l = evalFilter(e.l, root, current);
      const r = evalFilter(e.r, root, current);
      if (l === NOT_FOUND || r === NOT_FOUND) return fault('missing value');
      switch (e.op) {
        case '==':
          return equal(l, r);
        case '!=':
          return !equal(l, r);
        case '<':
        case '>':
        case '<=':
        case '>=': {
          if (typeof l !== typeof r || (typeof l !== 'number' && typeof l !== 'string'))
            return fault('not comparable');
          const a = l as number | string;
          const b = r as number | string;
          return e.op === '<' ? a < b : e.op === '>' ? a > b : e.op === '<=' ? a <= b : a >= b;
        }
        case '=~':
          return typeof l === 'string' && typeof r === 'string' && goRegexMatch(r, l);
        case 'in':
        case 'not in': {
          const hay = Array.isArray(r)
            ? r
            : isMap(r)
              ? Object.values(r as ExprMap)
              : fault('not a collection');
          const found = (hay as unknown[]).some((x) => equal(x, l));
          return e.op === 'in' ? found : !found;
        }
        default: {
          if (!isNumber(l) || !isNumber(r))
            return fault(`invalid arithmetic on ${formatV(l)} and ${formatV(r)}`);
          const a = Number(l);
          const b = Number(r);
          switch (e.op) {
            case '+':
              return a + b;
            case '-':
              return a - b;
            case '*':
              return a * b;
            case '/':
              return a / b;
            case '%':
              return a % b;
            default:
              return a ** b;
          }
        }
      }
    }
  }
}

/** Runs a JSONPath query against already-decoded JSON data. */
export function queryJsonPath(path: string, data: unknown): unknown {
  return applySteps(data, data, compilePath(path), false);
}
