// Kubernetes label and field selectors: parsing (with errors that name the bad part) and matching.
// Pure: used by every store implementation and by the server when it filters for clients.
import type { KubeObject, LabelSelector } from '../model/meta.js';
import { InvalidError } from './types.js';
import { checkLabelValue, checkQualifiedName } from './validation.js';

export type LabelOperator = '=' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';

/** One comma-separated term of a label selector; all terms must hold (AND). */
export interface LabelRequirement {
  key: string;
  operator: LabelOperator;
  /** One value for '=', '!=', 'gt', 'lt'; one or more for 'in'/'notin'; none for 'exists'/'!'. */
  values: string[];
}

export type FieldOperator = '=' | '!=';

export interface FieldRequirement {
  /** Dotted path into the object, e.g. `metadata.name` or `status.phase`. */
  path: string;
  operator: FieldOperator;
  value: string;
}

// ---------------------------------------------------------------------------------------------
// Label selectors

type Token =
  | { kind: 'ident'; text: string; at: number }
  | { kind: 'op'; text: '=' | '==' | '!=' | '>' | '<' | '!'; at: number }
  | { kind: 'punct'; text: '(' | ')' | ','; at: number }
  | { kind: 'end'; at: number };

const SPECIAL = new Set(['=', '!', '(', ')', ',', '>', '<']);

function tokenize(input: string, fail: (msg: string) => never): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i];
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === '(' || ch === ')' || ch === ',') {
      tokens.push({ kind: 'punct', text: ch, at: i });
      i++;
    } else if (ch === '=' || ch === '!') {
      const two = input.slice(i, i + 2);
      if (two === '==' || two === '!=') {
        tokens.push({ kind: 'op', text: two, at: i });
        i += 2;
      } else {
        tokens.push({ kind: 'op', text: ch, at: i });
        i++;
      }
    } else if (ch === '>' || ch === '<') {
      tokens.push({ kind: 'op', text: ch, at: i });
      i++;
    } else {
      const start = i;
      while (i < input.length && !SPECIAL.has(input[i]) && !/\s/.test(input[i])) i++;
      tokens.push({ kind: 'ident', text: input.slice(start, i), at: start });
    }
  }
  if (tokens.length === 0 && input.length > 0) fail('empty selector');
  tokens.push({ kind: 'end', at: input.length });
  return tokens;
}

function describe(tok: Token): string {
  return tok.kind === 'end' ? 'end of selector' : `"${tok.text}"`;
}

/** Parses `a=b,c!=d,e in (x,y),f notin (z),g,!h,n>1`. The empty string selects everything. */
export function parseLabelSelector(selector: string): LabelRequirement[] {
  const fail = (msg: string): never => {
    throw new InvalidError(`invalid label selector "${selector}": ${msg}`);
  };
  if (selector.trim() === '') return [];
  const tokens = tokenize(selector, fail);
  let pos = 0;
  const peek = (): Token => tokens[pos];
  const next = (): Token => tokens[pos++];

  const checkKey = (key: string): void => {
    const bad = checkQualifiedName(key);
    if (bad) fail(`key "${key}": ${bad}`);
  };
  const checkValue = (key: string, value: string): void => {
    const bad = checkLabelValue(value);
    if (bad) fail(`value "${value}" for key "${key}": ${bad}`);
  };

  const parseSet = (key: string, operator: 'in' | 'notin'): LabelRequirement => {
    const open = next();
    if (open.kind !== 'punct' || open.text !== '(') {
      fail(`expected "(" after "${key} ${operator}", found ${describe(open)}`);
    }
    const values = new Set<string>();
    // A value may be empty, as in `a in (x,)`: Kubernetes accepts that and it means the empty string.
    let expectValue = true;
    while (true) {
      const tok = next();
      if (tok.kind === 'ident' && expectValue) {
        checkValue(key, tok.text);
        values.add(tok.text);
        expectValue = false;
      } else if (tok.kind === 'punct' && tok.text === ',') {
        if (expectValue) values.add('');
        expectValue = true;
      } else if (tok.kind === 'punct' && tok.text === ')') {
        if (expectValue && values.size > 0) values.add('');
        break;
      } else {
        fail(`expected a value, "," or ")" in the set for "${key}", found ${describe(tok)}`);
      }
    }
    if (values.size === 0) fail(`the set of values for "${key} ${operator}" must not be empty`);
    return { key, operator, values: [...values] };
  };

  const parseRequirement = (): LabelRequirement => {
    const first = next();
    if (first.kind === 'op' && first.text === '!') {
      const key = next();
      if (key.kind !== 'ident') fail(`expected a label key after "!", found ${describe(key)}`);
      const k = (key as { text: string }).text;
      checkKey(k);
      return { key: k, operator: '!', values: [] };
    }
    if (first.kind !== 'ident') fail(`expected a label key, found ${describe(first)}`);
    const key = (first as { text: string }).text;
    checkKey(key);
    const op = peek();
    if (op.kind === 'end' || (op.kind === 'punct' && op.text === ',')) {
      return { key, operator: 'exists', values: [] };
    }
    if (op.kind === 'ident' && (op.text === 'in' || op.text === 'notin')) {
      next();
      return parseSet(key, op.text);
    }
    if (op.kind !== 'op' || op.text === '!') {
      fail(`expected an operator (=, ==, !=, in, notin, >, <) after "${key}", found ${describe(op)}`);
    }
    next();
    const opText = (op as { text: string }).text;
    // `a=` and `a=,b` select an empty value, as Kubernetes does.
    const valueTok = peek();
    let value = '';
    if (valueTok.kind === 'ident') {
      value = valueTok.text;
      next();
    } else if (!(valueTok.kind === 'end' || (valueTok.kind === 'punct' && valueTok.text === ','))) {
      fail(`expected a value after "${key}${opText}", found ${describe(valueTok)}`);
    }
    if (opText === '>' || opText === '<') {
      if (!/^-?\d+$/.test(value)) fail(`value "${value}" for "${key}${opText}" must be an integer`);
      return { key, operator: opText === '>' ? 'gt' : 'lt', values: [value] };
    }
    checkValue(key, value);
    return { key, operator: opText === '!=' ? '!=' : '=', values: [value] };
  };

  const requirements: LabelRequirement[] = [];
  while (true) {
    requirements.push(parseRequirement());
    const sep = next();
    if (sep.kind === 'end') break;
    if (sep.kind !== 'punct' || sep.text !== ',') {
      fail(`expected "," or end of selector after a requirement, found ${describe(sep)}`);
    }
    if (peek().kind === 'end') fail('expected a requirement after ","');
  }
  return requirements;
}

export function matchesLabels(
  requirements: readonly LabelRequirement[],
  labels: Readonly<Record<string, string>> | undefined,
): boolean {
  for (const req of requirements) {
    const has = labels !== undefined && Object.prototype.hasOwnProperty.call(labels, req.key);
    const value = has ? labels![req.key] : undefined;
    switch (req.operator) {
      case '=':
      case 'in':
        if (!has || !req.values.includes(value!)) return false;
        break;
      // Kubernetes: `a!=b` and `a notin (b)` also select objects without the label.
      case '!=':
      case 'notin':
        if (has && req.values.includes(value!)) return false;
        break;
      case 'exists':
        if (!has) return false;
        break;
      case '!':
        if (has) return false;
        break;
      case 'gt':
      case 'lt': {
        if (!has || !/^-?\d+$/.test(value!)) return false;
        const n = Number(value);
        const bound = Number(req.values[0]);
        if (req.operator === 'gt' ? !(n > bound) : !(n < bound)) return false;
        break;
      }
    }
  }
  return true;
}

/** Converts a metav1.LabelSelector (matchLabels/matchExpressions) as found in specs. */
export function labelRequirementsFrom(selector: LabelSelector): LabelRequirement[] {
  const reqs: LabelRequirement[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    reqs.push({ key, operator: '=', values: [value] });
  }
  for (const expr of selector.matchExpressions ?? []) {
    const values = expr.values ?? [];
    switch (expr.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) {
          throw new InvalidError(
            `invalid label selector: values for operator ${expr.operator} on "${expr.key}" must not be empty`,
          );
        }
        reqs.push({ key: expr.key, operator: expr.operator === 'In' ? 'in' : 'notin', values });
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) {
          throw new InvalidError(
            `invalid label selector: operator ${expr.operator} on "${expr.key}" takes no values`,
          );
        }
        reqs.push({ key: expr.key, operator: expr.operator === 'Exists' ? 'exists' : '!', values: [] });
        break;
      default:
        throw new InvalidError(
          `invalid label selector: "${expr.operator}" is not a valid operator for "${expr.key}" (In, NotIn, Exists, DoesNotExist)`,
        );
    }
  }
  for (const req of reqs) {
    const bad = checkQualifiedName(req.key);
    if (bad) throw new InvalidError(`invalid label selector: key "${req.key}": ${bad}`);
  }
  return reqs;
}

/** The string form, which parses back to the same requirements. */
export function formatLabelSelector(requirements: readonly LabelRequirement[]): string {
  return requirements.map(formatRequirement).join(',');
}

/** One requirement as Kubernetes prints it. */
export function formatRequirement(r: LabelRequirement): string {
  switch (r.operator) {
    case 'exists':
      return r.key;
    case '!':
      return `!${r.key}`;
    case 'in':
    case 'notin':
      return `${r.key} ${r.operator} (${r.values.join(',')})`;
    case 'gt':
      return `${r.key}>${r.values[0]}`;
    case 'lt':
      return `${r.key}<${r.values[0]}`;
    default:
      return `${r.key}${r.operator}${r.values[0]}`;
  }
}

// ---------------------------------------------------------------------------------------------
// Field selectors

const FIELD_PATH = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

/** Splits on a separator that is not escaped with a backslash; keeps the escapes. */
function splitUnescaped(s: string, sep: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === sep) {
      parts.push(s.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(s.slice(start));
  return parts;
}

function unescapeValue(v: string, fail: (msg: string) => never): string {
  let out = '';
  for (let i = 0; i < v.length; i++) {
    if (v[i] === '\\') {
      const next = v[i + 1];
      if (next !== '\\' && next !== ',' && next !== '=') {
        fail(
          `invalid escape sequence "\\${next ?? ''}" in value "${v}" (only \\\\, \\, and \\= are allowed)`,
        );
      }
      out += next;
      i++;
    } else if (v[i] === ',' || v[i] === '=') {
      fail(`value "${v}" must escape "${v[i]}" as "\\${v[i]}"`);
    } else {
      out += v[i];
    }
  }
  return out;
}

/** Parses `metadata.name=x,status.phase!=Running,spec.nodeName=`. The empty string selects everything. */
export function parseFieldSelector(selector: string): FieldRequirement[] {
  const fail = (msg: string): never => {
    throw new InvalidError(`invalid field selector "${selector}": ${msg}`);
  };
  const reqs: FieldRequirement[] = [];
  for (const term of splitUnescaped(selector, ',')) {
    if (term.trim() === '') continue;
    let opAt = -1;
    let op = '';
    for (let i = 0; i < term.length && opAt < 0; i++) {
      if (term[i] === '\\') {
        i++;
        continue;
      }
      for (const candidate of ['!=', '==', '=']) {
        if (term.startsWith(candidate, i)) {
          opAt = i;
          op = candidate;
          break;
        }
      }
    }
    if (opAt < 0) fail(`term "${term}" has no operator (=, == or !=)`);
    const path = term.slice(0, opAt).trim();
    if (!FIELD_PATH.test(path)) fail(`"${path}" in term "${term}" is not a field path like metadata.name`);
    const value = unescapeValue(term.slice(opAt + op.length), fail);
    reqs.push({ path, operator: op === '!=' ? '!=' : '=', value });
  }
  return reqs;
}

/** The value a field selector compares: scalars as strings, a missing field as ''. */
export function fieldValue(obj: unknown, path: string): string {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return '';
    cur = (cur as Record<string, unknown>)[part];
  }
  if (cur === undefined || cur === null) return '';
  if (typeof cur === 'object') return JSON.stringify(cur);
  return String(cur);
}

export function matchesFields(requirements: readonly FieldRequirement[], obj: unknown): boolean {
  for (const req of requirements) {
    const equal = fieldValue(obj, req.path) === req.value;
    if (equal !== (req.operator === '=')) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Both together, as list and watch take them

export interface CompiledSelector {
  labels: LabelRequirement[];
  fields: FieldRequirement[];
  /** True when neither selector constrains anything. */
  everything: boolean;
  /** `metadata.name=X` in the field selector, so a store can look the name up directly. */
  name?: string;
  /** `metadata.namespace=X` in the field selector. */
  namespace?: string;
  /** Only the labels constrain: a store can test a row's labels without reading the object. */
  labelsOnly: boolean;
  matches(obj: KubeObject): boolean;
}

export function compileSelector(opts: { labelSelector?: string; fieldSelector?: string }): CompiledSelector {
  const labels = parseLabelSelector(opts.labelSelector ?? '');
  const fields = parseFieldSelector(opts.fieldSelector ?? '');
  const eq = (path: string): string | undefined =>
    fields.find((f) => f.path === path && f.operator === '=')?.value;
  return {
    labels,
    fields,
    everything: labels.length === 0 && fields.length === 0,
    name: eq('metadata.name'),
    namespace: eq('metadata.namespace'),
    labelsOnly: fields.length === 0,
    matches: (obj) => matchesLabels(labels, obj.metadata?.labels) && matchesFields(fields, obj),
  };
}
