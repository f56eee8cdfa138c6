// The govaluate expression language (Knetic/govaluate), which Argo uses for `when` after
// substitution: its lexer (quotes of either kind close a string, bare words are variables,
// strings that look like dates become timestamps), its token-transition syntax check, its
// precedence levels and its typed evaluation with govaluate's error messages.
import { LOCAL, parseLayout } from './time.js';
import { formatGoFloat, formatV } from './values.js';
import { goRegExp } from './goregex.js';

export type Kind =
  | 'UNKNOWN'
  | 'PREFIX'
  | 'NUMERIC'
  | 'BOOLEAN'
  | 'STRING'
  | 'PATTERN'
  | 'TIME'
  | 'VARIABLE'
  | 'FUNCTION'
  | 'SEPARATOR'
  | 'ACCESSOR'
  | 'COMPARATOR'
  | 'LOGICALOP'
  | 'MODIFIER'
  | 'CLAUSE'
  | 'CLAUSE_CLOSE'
  | 'TERNARY';

export interface GovToken {
  kind: Kind;
  /** number for NUMERIC/TIME, boolean, string, string[] for ACCESSOR, RegExp for PATTERN. */
  value: unknown;
}

export class GovaluateError extends Error {
  override readonly name = 'GovaluateError';
}

const COMPARATORS = new Set(['==', '!=', '>', '>=', '<', '<=', '=~', '!~', 'in']);
const LOGICAL = new Set(['&&', '||']);
const MODIFIERS = new Set(['+', '-', '*', '/', '%', '**', '&', '|', '^', '>>', '<<']);
const PREFIXES = new Set(['-', '!', '~']);
const TERNARIES = new Set(['?', ':', '??']);

const VALID_NEXT: Record<Kind, Kind[]> = {
  UNKNOWN: [
    'PREFIX',
    'NUMERIC',
    'BOOLEAN',
    'VARIABLE',
    'PATTERN',
    'FUNCTION',
    'ACCESSOR',
    'STRING',
    'TIME',
    'CLAUSE',
  ],
  CLAUSE: [
    'PREFIX',
    'NUMERIC',
    'BOOLEAN',
    'VARIABLE',
    'PATTERN',
    'FUNCTION',
    'ACCESSOR',
    'STRING',
    'TIME',
    'CLAUSE',
    'CLAUSE_CLOSE',
  ],
  CLAUSE_CLOSE: [
    'COMPARATOR',
    'MODIFIER',
    'NUMERIC',
    'BOOLEAN',
    'VARIABLE',
    'STRING',
    'PATTERN',
    'TIME',
    'CLAUSE',
    'CLAUSE_CLOSE',
    'LOGICALOP',
    'TERNARY',
    'SEPARATOR',
  ],
  NUMERIC: ['MODIFIER', 'COMPARATOR', 'LOGICALOP', 'CLAUSE_CLOSE', 'TERNARY', 'SEPARATOR'],
  BOOLEAN: ['MODIFIER', 'COMPARATOR', 'LOGICALOP', 'CLAUSE_CLOSE', 'TERNARY', 'SEPARATOR'],
  STRING: ['MODIFIER', 'COMPARATOR', 'LOGICALOP', 'CLAUSE_CLOSE', 'TERNARY', 'SEPARATOR'],
  TIME: ['MODIFIER', 'COMPARATOR', 'LOGICALOP', 'CLAUSE_CLOSE', 'SEPARATOR'],
  PATTERN: ['MODIFIER', 'COMPARATOR', 'LOGICALOP', 'CLAUSE_CLOSE', 'SEPARATOR'],
  VARIABLE: ['MODIFIER', 'COMPARATOR', 'LOGICALOP', 'CLAUSE_CLOSE', 'TERNARY', 'SEPARATOR'],
  MODIFIER: [
    'PREFIX',
    'NUMERIC',
    'VARIABLE',
    'FUNCTION',
    'ACCESSOR',
    'STRING',
    'BOOLEAN',
    'CLAUSE',
    'CLAUSE_CLOSE',
  ],
  COMPARATOR: [
    'PREFIX',
    'NUMERIC',
    'BOOLEAN',
    'VARIABLE',
    'FUNCTION',
    'ACCESSOR',
    'STRING',
    'TIME',
    'CLAUSE',
    'CLAUSE_CLOSE',
    'PATTERN',
  ],
  LOGICALOP: [
    'PREFIX',
    'NUMERIC',
    'BOOLEAN',
    'VARIABLE',
    'FUNCTION',
    'ACCESSOR',
    'STRING',
    'TIME',
    'CLAUSE',
    'CLAUSE_CLOSE',
  ],
  PREFIX: ['NUMERIC', 'BOOLEAN', 'VARIABLE', 'FUNCTION', 'ACCESSOR', 'CLAUSE', 'CLAUSE_CLOSE'],
  TERNARY: [
    'PREFIX',
    'NUMERIC',
    'BOOLEAN',
    'STRING',
    'TIME',
    'VARIABLE',
    'FUNCTION',
    'ACCESSOR',
    'CLAUSE',
    'SEPARATOR',
  ],
  FUNCTION: ['CLAUSE'],
  ACCESSOR: ['CLAUSE', 'MODIFIER', 'COMPARATOR', 'LOGICALOP', 'CLAUSE_CLOSE', 'TERNARY', 'SEPARATOR'],
  SEPARATOR: ['PREFIX', 'NUMERIC', 'BOOLEAN', 'STRING', 'TIME', 'VARIABLE', 'FUNCTION', 'ACCESSOR', 'CLAUSE'],
};

const EOF_OK: Partial<Record<Kind, boolean>> = {
  CLAUSE_CLOSE: true,
  NUMERIC: true,
  BOOLEAN: true,
  STRING: true,
  TIME: true,
  PATTERN: true,
  VARIABLE: true,
  ACCESSOR: true,
};

const TIME_LAYOUTS = [
  'Mon Jan _2 15:04:05 2006',
  'Mon Jan _2 15:04:05 MST 2006',
  'Mon Jan 02 15:04:05 -0700 2006',
  '3:04PM',
  '2006-01-02T15:04:05Z07:00',
  '2006-01-02T15:04:05.999999999Z07:00',
  '2006-01-02',
  '2006-01-02 15:04',
  '2006-01-02 15:04:05',
  '2006-01-02 15:04:05-07:00',
  '2006-01-02T15Z0700',
  '2006-01-02T15:04Z0700',
  '2006-01-02T15:04:05Z0700',
  '2006-01-02T15:04:05.999999999Z0700',
];

/** A quoted string that parses as a date is a TIME token holding Unix seconds. */
function tryParseTime(s: string): number | undefined {
  if (!/[0-9]/.test(s)) return undefined;
  for (const layout of TIME_LAYOUTS) {
    try {
      return Math.floor(parseLayout(layout, s, LOCAL).ms / 1000);
    } catch {
      // not this layout
    }
  }
  return undefined;
}

const isDigit = (c: string): boolean => /^\p{Nd}$/u.test(c);
const isLetter = (c: string): boolean => /^\p{L}$/u.test(c);
const isSpace = (c: string): boolean => /^\s$/u.test(c);
const isNumeric = (c: string): boolean => isDigit(c) || c === '.';
const isQuote = (c: string): boolean => c === "'" || c === '"';
const isVariableName = (c: string): boolean => isLetter(c) || isDigit(c) || c === '_' || c === '.';
const isNotAlphanumeric = (c: string): boolean =>
  !(isDigit(c) || isLetter(c) || c === '(' || c === ')' || c === '[' || c === ']' || isQuote(c));

/** govaluate's lexer over code points. */
export function tokenize(expression: string): GovToken[] {
  const chars = Array.from(expression);
  let pos = 0;
  const tokens: GovToken[] = [];

  // readUntilFalse: reads while `cond` holds; backslash escapes the next character.
  const readUntil = (
    includeWhitespace: boolean,
    breakWhitespace: boolean,
    cond: (c: string) => boolean,
  ): [string, boolean] => {
    let buf = '';
    while (pos < chars.length) {
      let c = chars[pos++];
      if (c === '\\') {
        c = chars[pos++] ?? '';
        buf += c;
        continue;
      }
      if (isSpace(c)) {
        if (breakWhitespace && buf.length > 0) return [buf, true];
        if (!includeWhitespace) continue;
      }
      if (cond(c)) buf += c;
      else {
        pos--;
        return [buf, true];
      }
    }
    return [buf, false];
  };
  const readToken = (cond: (c: string) => boolean): string => {
    pos--;
    return readUntil(false, true, cond)[0];
  };

  let state: Kind = 'UNKNOWN';
  while (pos < chars.length) {
    let c = chars[pos++];
    if (isSpace(c)) continue;
    let token: GovToken;
    if (isNumeric(c)) {
      let hex: string | undefined;
      if (c === '0' && pos < chars.length) {
        c = chars[pos++];
        if (c === 'x' && pos < chars.length) {
          hex = readUntil(false, true, (x) => /^[0-9a-fA-F]$/.test(x))[0];
        } else {
          pos--;
        }
      }
      if (hex !== undefined) {
        if (hex === '') throw new GovaluateError(`Unable to parse hex value '${hex}' to uint64\n`);
        token = { kind: 'NUMERIC', value: parseInt(hex, 16) };
      } else {
        const text = readToken(isNumeric);
        if (!/^([0-9]+\.?[0-9]*|\.[0-9]+)$/.test(text)) {
          throw new GovaluateError(`Unable to parse numeric value '${text}' to float64\n`);
        }
        token = { kind: 'NUMERIC', value: Number(text) };
      }
    } else if (c === ',') {
      token = { kind: 'SEPARATOR', value: ',' };
    } else if (c === '[') {
      const [name, done] = readUntil(true, false, (x) => x !== ']');
      if (!done) throw new GovaluateError('Unclosed parameter bracket');
      pos++;
      token = { kind: 'VARIABLE', value: name };
    } else if (isLetter(c)) {
      const word = readToken(isVariableName);
      token = { kind: 'VARIABLE', value: word };
      if (word === 'true' || word === 'false') token = { kind: 'BOOLEAN', value: word === 'true' };
      if (word === 'in' || word === 'IN') token = { kind: 'COMPARATOR', value: 'in' };
      if (word.indexOf('.') > 0) {
        if (word.endsWith('.')) throw new GovaluateError(`Hanging accessor on token '${word}'`);
        const parts = word.split('.');
        for (const part of parts.slice(1)) {
          const first = Array.from(part)[0] ?? '';
          if (first.toUpperCase() !== first) {
            throw new GovaluateError(`Unable to access unexported field '${part}' in token '${word}'`);
          }
        }
        token = { kind: 'ACCESSOR', value: parts };
      }
    } else if (isQuote(c)) {
      const [text, done] = readUntil(true, false, (x) => !isQuote(x));
      if (!done) throw new GovaluateError('Unclosed string literal');
      pos++;
      const time = tryParseTime(text);
      token = time === undefined ? { kind: 'STRING', value: text } : { kind: 'TIME', value: time };
    } else if (c === '(') {
      token = { kind: 'CLAUSE', value: '(' };
    } else if (c === ')') {
      token = { kind: 'CLAUSE_CLOSE', value: ')' };
    } else {
      const sym = readToken(isNotAlphanumeric);
      if (VALID_NEXT[state].includes('PREFIX') && PREFIXES.has(sym)) token = { kind: 'PREFIX', value: sym };
      else if (MODIFIERS.has(sym)) token = { kind: 'MODIFIER', value: sym };
      else if (LOGICAL.has(sym)) token = { kind: 'LOGICALOP', value: sym };
      else if (COMPARATORS.has(sym)) token = { kind: 'COMPARATOR', value: sym };
      else if (TERNARIES.has(sym)) token = { kind: 'TERNARY', value: sym };
      else throw new GovaluateError(`Invalid token: '${sym}'`);
    }
    tokens.push(token);
    state = token.kind;
  }
  checkBalance(tokens);
  return tokens;
}

function checkBalance(tokens: GovToken[]): void {
  let parens = 0;
  for (const t of tokens) {
    if (t.kind === 'CLAUSE') parens++;
    else if (t.kind === 'CLAUSE_CLOSE') parens--;
  }
  if (parens !== 0) throw new GovaluateError('Unbalanced parenthesis');
}

function show(v: unknown): string {
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return `[${v.join(' ')}]`;
  if (v instanceof RegExp) return v.source;
  return typeof v === 'number' ? formatGoFloat(v) : formatV(v);
}

/** checkExpressionSyntax: every token must be allowed after the previous one. */
export function checkSyntax(tokens: GovToken[]): void {
  let state: Kind = 'UNKNOWN';
  let last: GovToken | undefined;
  for (const t of tokens) {
    if (!VALID_NEXT[state].includes(t.kind)) {
      if (last?.kind === 'VARIABLE' && t.kind === 'CLAUSE')
        throw new GovaluateError(`Undefined function ${String(last.value)}`);
      throw new GovaluateError(
        `Cannot transition token types from ${state} [${last === undefined ? '<nil>' : show(last.value)}] to ${t.kind} [${show(t.value)}]`,
      );
    }
    state = t.kind;
    last = t;
  }
  if (!EOF_OK[state]) throw new GovaluateError('Unexpected end of expression');
}

/** optimizeTokens: a string right of =~ or !~ is compiled to a pattern up front. */
export function compilePatterns(tokens: GovToken[]): GovToken[] {
  return tokens.map((t, i) => {
    const prev = tokens[i - 1];
    if (t.kind === 'STRING' && prev?.kind === 'COMPARATOR' && (prev.value === '=~' || prev.value === '!~')) {
      return { kind: 'PATTERN', value: goRegExp(String(t.value)) };
    }
    return t;
  });
}

// ---------------------------------------------------------------------------------------------
// Planning and evaluation

export type Stage =
  | { op: 'literal'; value: unknown }
  | { op: 'variable'; name: string }
  | { op: 'accessor'; path: string[] }
  | { op: 'group'; inner: Stage | null }
  | { op: 'prefix' | 'binary'; symbol: string; left: Stage | null; right: Stage | null };

const LEVELS: Array<{ kinds: Kind[]; symbols: Set<string> }> = [
  { kinds: ['SEPARATOR'], symbols: new Set([',']) },
  { kinds: ['TERNARY'], symbols: TERNARIES },
  { kinds: ['LOGICALOP'], symbols: new Set(['||']) },
  { kinds: ['LOGICALOP'], symbols: new Set(['&&']) },
  { kinds: ['COMPARATOR'], symbols: COMPARATORS },
  { kinds: ['MODIFIER'], symbols: new Set(['&', '|', '^']) },
  { kinds: ['MODIFIER'], symbols: new Set(['>>', '<<']) },
  { kinds: ['MODIFIER'], symbols: new Set(['+', '-']) },
  { kinds: ['MODIFIER'], symbols: new Set(['*', '/', '%']) },
  { kinds: ['MODIFIER'], symbols: new Set(['**']) },
];

export function planStages(tokens: GovToken[]): Stage | null {
  let i = 0;
  const peek = (): GovToken | undefined => tokens[i];
  const level = (n: number): Stage | null => {
    if (n === LEVELS.length) return value();
    let left = level(n + 1);
    for (;;) {
      const t = peek();
      const spec = LEVELS[n];
      if (!t || !spec.kinds.includes(t.kind) || typeof t.value !== 'string' || !spec.symbols.has(t.value))
        return left;
      i++;
      const right = level(n + 1);
      left = { op: 'binary', symbol: t.value, left, right };
    }
  };
  const value = (): Stage | null => {
    const t = peek();
    if (!t) return null;
    i++;
    switch (t.kind) {
      case 'CLAUSE': {
        const inner = i < tokens.length ? level(0) : null;
        i++; // the closing parenthesis (balance was checked)
        return { op: 'group', inner };
      }
      case 'CLAUSE_CLOSE':
        i--;
        return null;
      case 'VARIABLE':
        return { op: 'variable', name: String(t.value) };
      case 'ACCESSOR':
        return { op: 'accessor', path: t.value as string[] };
      case 'NUMERIC':
      case 'STRING':
      case 'PATTERN':
      case 'BOOLEAN':
      case 'TIME':
        return { op: 'literal', value: t.value };
      case 'PREFIX':
        return { op: 'prefix', symbol: String(t.value), left: null, right: value() };
      default:
        throw new GovaluateError(`Unable to plan token kind: '${t.kind}', value: '${show(t.value)}'`);
    }
  };
  if (tokens.length === 0) return null;
  return level(0);
}

const LOGICAL_FMT = "Value '%v' cannot be used with the logical operator '%s', it is not a bool";
const MODIFIER_FMT = "Value '%v' cannot be used with the modifier '%s', it is not a number";
const COMPARATOR_FMT = "Value '%v' cannot be used with the comparator '%s', it is not a number";
const TERNARY_FMT = "Value '%v' cannot be used with the ternary operator '%s', it is not a bool";
const PREFIX_FMT = "Value '%v' cannot be used with the prefix '%s'";

function typeError(format: string, v: unknown, symbol: string): never {
  throw new GovaluateError(format.replace('%v', show(v)).replace('%s', symbol));
}

const isNum = (v: unknown): v is number => typeof v === 'number';
const isStr = (v: unknown): v is string => typeof v === 'string';
const isBool = (v: unknown): v is boolean => typeof v === 'boolean';

function deepEqual(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (a instanceof RegExp && b instanceof RegExp) return a.source === b.source && a.flags === b.flags;
  return a === b;
}

const SHORT_CIRCUITED = Symbol('short-circuit');

/** Evaluates a planned expression; variables and accessors have no parameters to read. */
export function evaluateStage(stage: Stage | null): unknown {
  if (stage === null) return null;
  switch (stage.op) {
    case 'literal':
      return stage.value;
    case 'group':
      return evaluateStage(stage.inner);
    case 'variable':
      throw new GovaluateError(`No parameter '${stage.name}' found.`);
    case 'accessor':
      throw new GovaluateError(`No parameter '${stage.path[0]}' found.`);
  }
  const s = stage as Extract<Stage, { symbol: string }>;
  const sym = s.symbol;
  if (s.op === 'prefix') {
    const right = evaluateStage(s.right);
    switch (sym) {
      case '-':
        if (!isNum(right)) typeError(PREFIX_FMT, right, '-');
        return -(right as number);
      case '!':
        if (!isBool(right)) typeError(PREFIX_FMT, right, '!');
        return !right;
      default:
        if (!isNum(right)) typeError(PREFIX_FMT, right, '~');
        return Number(~BigInt.asIntN(64, BigInt(Math.trunc(right as number))));
    }
  }
  const left = evaluateStage(s.left);
  let right: unknown;
  switch (sym) {
    case '&&':
      if (left === false) return false;
      break;
    case '||':
      if (left === true) return true;
      break;
    case '??':
      if (left !== null && left !== undefined) return left;
      break;
    case '?':
      if (left === false) right = SHORT_CIRCUITED;
      break;
    case ':':
      if (left !== null && left !== undefined) right = SHORT_CIRCUITED;
      break;
  }
  if (right !== SHORT_CIRCUITED) right = evaluateStage(s.right);
  switch (sym) {
    case '==':
      return deepEqual(left, right);
    case '!=':
      return !deepEqual(left, right);
    case '>':
    case '<':
    case '>=':
    case '<=': {
      if (!((isNum(left) && isNum(right)) || (isStr(left) && isStr(right))))
        typeError(COMPARATOR_FMT, left, sym);
      const a = left as number | string;
      const b = right as number | string;
      return sym === '>' ? a > b : sym === '<' ? a < b : sym === '>=' ? a >= b : a <= b;
    }
    case '=~':
    case '!~': {
      if (!isStr(left)) typeError(COMPARATOR_FMT, left, sym);
      if (!isStr(right) && !(right instanceof RegExp)) typeError(COMPARATOR_FMT, right, sym);
      let re: RegExp;
      if (right instanceof RegExp) re = right;
      else {
        try {
          re = goRegExp(right as string);
        } catch (e) {
          throw new GovaluateError(
            `Unable to compile regexp pattern '${String(right)}': ${(e as Error).message}`,
          );
        }
      }
      re.lastIndex = 0;
      const m = re.test(left as string);
      return sym === '=~' ? m : !m;
    }
    case 'in':
      if (!Array.isArray(right)) typeError(COMPARATOR_FMT, right, 'in');
      return (right as unknown[]).some((x) => x === left);
    case '&&':
    case '||':
      if (!isBool(left)) typeError(LOGICAL_FMT, left, sym);
      if (!isBool(right)) typeError(LOGICAL_FMT, right, sym);
      return sym === '&&' ? left && right : left || right;
    case '?':
      if (!isBool(left)) typeError(TERNARY_FMT, left, '?');
      return left ? right : null;
    case ':':
    case '??':
      return left !== null && left !== undefined ? left : right;
    case ',':
      return Array.isArray(left) ? [...left, right] : [left, right];
    case '+':
      if (isNum(left) && isNum(right)) return left + right;
      if (!isStr(left) && !isStr(right)) typeError(MODIFIER_FMT, left, '+');
      return show(left) + show(right);
  }
  if (!isNum(left)) typeError(MODIFIER_FMT, left, sym);
  if (!isNum(right)) typeError(MODIFIER_FMT, right, sym);
  const a = left as number;
  const b = right as number;
  const int = (x: number): bigint => BigInt.asIntN(64, BigInt(Math.trunc(x)));
  const uint = (x: number): bigint => BigInt.asUintN(64, BigInt(Math.trunc(x)));
  switch (sym) {
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return a / b;
    case '%':
      return a % b;
    case '**':
      return Math.pow(a, b);
    case '&':
      return Number(int(a) & int(b));
    case '|':
      return Number(int(a) | int(b));
    case '^':
      return Number(int(a) ^ int(b));
    case '<<':
      return Number(BigInt.asUintN(64, uint(a) << uint(b)));
    case '>>':
      return Number(uint(a) >> uint(b));
  }
  throw new GovaluateError(`unknown operator ${sym}`);
}

/** Go's %v of a govaluate result, for error messages. */
export function showValue(v: unknown): string {
  return show(v);
}
