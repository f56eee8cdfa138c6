// expr-lang's builtin functions (the ones that take no predicate), with Go semantics.
import { fault } from './errors.js';
import { registerBuiltinNames } from './parser.js';
import {
  GoDuration,
  GoLocation,
  GoTime,
  UTC,
  loadLocation,
  parseDuration,
  parseLayout,
  type Zone,
} from './time.js';
import {
  asArray,
  asString,
  byteOffset,
  compare,
  equal,
  exprTypeName,
  floatToInt,
  formatV,
  goJsonMarshal,
  goJsonUnmarshal,
  goTypeName,
  isMap,
  isNumber,
  runes,
  setKey,
  toFloat64,
  toInt,
  hasKey,
  type ExprMap,
} from './values.js';

export interface Builtin {
  /** Allowed argument counts [min, max]; max -1 means unbounded. */
  arity: [number, number];
  fn: (args: unknown[]) => unknown;
}

const MEMORY_BUDGET = 1_000_000;

/** builtin.Int: Go's strconv.Atoi for strings, truncation for floats. */
export function exprInt(x: unknown): bigint {
  if (typeof x === 'bigint') return x;
  if (typeof x === 'number') return floatToInt(x);
  if (typeof x === 'string') {
    if (!/^[+-]?[0-9]+$/.test(x)) fault(`invalid operation: int(${x})`);
    const v = BigInt(x);
    if (v > (1n << 63n) - 1n || v < -(1n << 63n)) fault(`invalid operation: int(${x})`);
    return v;
  }
  return fault(`invalid operation: int(${goTypeName(x)})`);
}

/** builtin.Float: Go's strconv.ParseFloat for strings. */
export function exprFloat(x: unknown): number {
  if (isNumber(x)) return Number(x);
  if (typeof x === 'string') {
    const f = parseGoFloat(x);
    if (f === undefined) fault(`invalid operation: float(${x})`);
    return f!;
  }
  return fault(`invalid operation: float(${goTypeName(x)})`);
}

/** strconv.ParseFloat(s, 64); undefined when Go would return an error. */
export function parseGoFloat(s: string): number | undefined {
  const t = s.replace(/_/g, (m, i: number) => (i > 0 && /[0-9a-fA-F]/.test(s[i - 1]) ? '' : m));
  if (/^[+-]?(inf|infinity)$/i.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (/^nan$/i.test(t)) return NaN;
  if (/^[+-]?(([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?)$/.test(t)) {
    const f = Number(t);
    return Number.isFinite(f) ? f : undefined;
  }
  if (/^[+-]?0[xX]/.test(t)) {
    const f = Number(t.replace(/^[+-]/, ''));
    if (!Number.isNaN(f)) return t.startsWith('-') ? -f : f;
  }
  return undefined;
}

function goSplit(s: string, sep: string, n: number, after: boolean): string[] {
  if (n === 0) return [];
  if (sep === '') {
    const chars = runes(s);
    if (n > 0 && chars.length > n) return [...chars.slice(0, n - 1), chars.slice(n - 1).join('')];
    return chars;
  }
  const out: string[] = [];
  let rest = s;
  while (n < 0 || out.length < n - 1) {
    const idx = rest.indexOf(sep);
    if (idx < 0) break;
    out.push(rest.slice(0, idx + (after ? sep.length : 0)));
    rest = rest.slice(idx + sep.length);
  }
  out.push(rest);
  return out;
}

/** strings.Split / SplitN */
export function splitN(s: string, sep: string, n = -1): string[] {
  return goSplit(s, sep, n, false);
}

/** strings.Replace with Go's behaviour for an empty `old` (insert between runes). */
export function goReplace(s: string, old: string, repl: string, n = -1): string {
  if (n === 0) return s;
  if (old === '') {
    const chars = runes(s);
    let out = '';
    let count = 0;
    for (let i = 0; i <= chars.length; i++) {
      if (n < 0 || count < n) {
        out += repl;
        count++;
      }
      if (i < chars.length) out += chars[i];
    }
    return out;
  }
  if (n < 0) return s.split(old).join(repl);
  let out = '';
  let rest = s;
  for (let i = 0; i < n; i++) {
    const idx = rest.indexOf(old);
    if (idx < 0) break;
    out += rest.slice(0, idx) + repl;
    rest = rest.slice(idx + old.length);
  }
  return out + rest;
}

const GO_SPACE = /^[\s\u0085]+|[\s\u0085]+$/gu;

/** strings.TrimSpace */
export function trimSpace(s: string): string {
  return s.replace(GO_SPACE, '');
}

/** strings.Trim(s, cutset) */
export function trimCutset(s: string, cutset: string): string {
  const set = new Set(runes(cutset));
  const chars = runes(s);
  let a = 0;
  let b = chars.length;
  while (a < b && set.has(chars[a])) a++;
  while (b > a && set.has(chars[b - 1])) b--;
  return chars.slice(a, b).join('');
}

function toBase64(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64');
}

/** base64.StdEncoding.DecodeString: strict, padded. */
export function fromBase64(s: string): string {
  const clean = s.replace(/[\r\n]/g, '');
  const bad = clean.search(/[^A-Za-z0-9+/=]/);
  if (bad >= 0) fault(`illegal base64 data at input byte ${bad}`);
  if (clean.length % 4 !== 0) fault(`illegal base64 data at input byte ${clean.length - (clean.length % 4)}`);
  const pad = clean.indexOf('=');
  if (pad >= 0 && !/^=*$/.test(clean.slice(pad))) fault(`illegal base64 data at input byte ${pad}`);
  return Buffer.from(clean, 'base64').toString('utf8');
}

function numericArgs(name: string, args: unknown[], depth = 0): unknown[] {
  if (depth > 100) fault('max depth exceeded');
  const out: unknown[] = [];
  for (const a of args) {
    if (isNumber(a)) out.push(a);
    else if (Array.isArray(a)) out.push(...numericArgs(name, a, depth + 1));
    else fault(`invalid argument for ${name} (type ${goTypeName(a)})`);
  }
  return out;
}

function minMax(name: string, args: unknown[], pickLess: boolean): unknown {
  if (args.length === 1 && !isNumber(args[0]) && !Array.isArray(args[0])) return args[0];
  let best: unknown = null;
  for (const v of numericArgs(name, args)) {
    if (best === null || (pickLess ? compare(v, best, '<') < 0 : compare(v, best, '>') > 0)) best = v;
  }
  return best;
}

function take(from: unknown, i: unknown, name: string): unknown {
  if (from === null || from === undefined) return null;
  if (Array.isArray(from) || typeof from === 'string') {
    const items = typeof from === 'string' ? runes(from) : from;
    let idx = Number(toInt(i));
    if (idx < 0) idx += items.length;
    return idx >= 0 && idx < items.length ? items[idx] : null;
  }
  if (isMap(from)) return typeof i === 'string' && hasKey(from, i) ? from[i] : null;
  return fault(`cannot fetch ${formatV(i)} from ${goTypeName(from)} in ${name}`);
}

function flatten(v: unknown[], depth: number): unknown[] {
  if (depth > 100) fault('max depth exceeded');
  const out: unknown[] = [];
  for (const x of v) {
    if (Array.isArray(x)) out.push(...flatten(x, depth + 1));
    else out.push(x);
  }
  return out;
}

/** runtime.Sort / SortBy ordering. */
export function sortValues(items: unknown[], keys: unknown[], order: unknown): unknown[] {
  let desc = false;
  if (order !== undefined) {
    if (typeof order !== 'string') fault(`sort order argument must be a string (got ${goTypeName(order)})`);
    if (order === 'desc') desc = true;
    else if (order !== 'asc') fault(`invalid order ${order}, expected asc or desc`);
  }
  const idx = items.map((_, i) => i);
  idx.sort((x, y) => (desc ? compare(keys[y], keys[x], '<') : compare(keys[x], keys[y], '<')));
  return idx.map((i) => items[i]);
}

const DATE_LAYOUTS = [
  '2006-01-02',
  '15:04:05',
  '2006-01-02 15:04:05',
  '2006-01-02T15:04:05Z07:00',
  '02 Jan 06 15:04 MST',
  'Monday, 02-Jan-06 15:04:05 MST',
  'Mon, 02 Jan 2006 15:04:05 MST',
];

function date(args: unknown[]): GoTime {
  let zone: Zone | undefined;
  if (args[0] instanceof GoLocation) {
    zone = args[0].zone;
    args = args.slice(1);
  }
  if (args.length < 1 || args.length > 3)
    fault(`invalid number of arguments (expected 1 to 3, got ${args.length})`);
  const value = asString(args[0], 'date');
  if (args.length === 2) return parseLayout(asString(args[1], 'date'), value, zone ?? UTC);
  if (args.length === 3) {
    const tzName = asString(args[2], 'date');
    let tz: Zone;
    try {
      tz = loadLocation(tzName);
    } catch {
      return fault(`unknown time zone ${tzName}`);
    }
    return parseLayout(asString(args[1], 'date'), value, tz);
  }
  for (const layout of DATE_LAYOUTS) {
    try {
      return parseLayout(layout, value, zone ?? UTC);
    } catch {
      // try the next layout
    }
  }
  return fault(`invalid date ${value}`);
}

function keysOf(v: unknown, what: string): string[] {
  if (!isMap(v)) fault(`cannot get ${what} from ${goTypeName(v)}`);
  return Object.keys(v as ExprMap);
}

function bitArgs(name: string, args: unknown[]): bigint[] {
  return args.map((a) =>
    typeof a === 'bigint' ? a : fault(`invalid argument for ${name} (type ${goTypeName(a)})`),
  );
}

function shift(name: string, args: unknown[], f: (x: bigint, y: bigint) => bigint): bigint {
  const [x, y] = bitArgs(name, args);
  if (y < 0n) fault(`invalid operation: negative shift count ${y} (type int)`);
  return BigInt.asIntN(64, f(x, y));
}

export const BUILTINS: Record<string, Builtin> = {
  len: {
    arity: [1, 1],
    fn: ([x]) => {
      if (typeof x === 'string') return BigInt(runes(x).length);
      if (Array.isArray(x)) return BigInt(x.length);
      if (isMap(x)) return BigInt(Object.keys(x).length);
      return fault(`invalid argument for len (type ${goTypeName(x)})`);
    },
  },
  type: { arity: [1, 1], fn: ([x]) => exprTypeName(x) },
  abs: {
    arity: [1, 1],
    fn: ([x]) => {
      if (typeof x === 'bigint') return x < 0n ? -x : x;
      if (typeof x === 'number') return Math.abs(x);
      return fault(`invalid argument for abs (type ${goTypeName(x)})`);
    },
  },
  ceil: { arity: [1, 1], fn: ([x]) => Math.ceil(roundArg('ceil', x)) },
  floor: { arity: [1, 1], fn: ([x]) => Math.floor(roundArg('floor', x)) },
  round: {
    arity: [1, 1],
    fn: ([x]) => {
      const f = roundArg('round', x);
      return f < 0 ? -Math.round(-f) : Math.round(f);
    },
  },
  int: { arity: [1, 1], fn: ([x]) => exprInt(x) },
  float: { arity: [1, 1], fn: ([x]) => exprFloat(x) },
  string: { arity: [1, 1], fn: ([x]) => formatV(x) },
  trim: {
    arity: [1, 2],
    fn: (a) =>
      a.length === 1
        ? trimSpace(asString(a[0], 'trim'))
        : trimCutset(asString(a[0], 'trim'), asString(a[1], 'trim')),
  },
  trimPrefix: {
    arity: [1, 2],
    fn: (a) => {
      const s = asString(a[0], 'trimPrefix');
      const p = a.length === 2 ? asString(a[1], 'trimPrefix') : ' ';
      return s.startsWith(p) ? s.slice(p.length) : s;
    },
  },
  trimSuffix: {
    arity: [1, 2],
    fn: (a) => {
      const s = asString(a[0], 'trimSuffix');
      const p = a.length === 2 ? asString(a[1], 'trimSuffix') : ' ';
      return p !== '' && s.endsWith(p) ? s.slice(0, s.length - p.length) : s;
    },
  },
  upper: { arity: [1, 1], fn: ([s]) => asString(s, 'upper').toUpperCase() },
  lower: { arity: [1, 1], fn: ([s]) => asString(s, 'lower').toLowerCase() },
  split: {
    arity: [2, 3],
    fn: (a) =>
      splitN(asString(a[0], 'split'), asString(a[1], 'split'), a.length === 3 ? Number(toInt(a[2])) : -1),
  },
  splitAfter: {
    arity: [2, 3],
    fn: (a) =>
      goSplit(
        asString(a[0], 'splitAfter'),
        asString(a[1], 'splitAfter'),
        a.length === 3 ? Number(toInt(a[2])) : -1,
        true,
      ),
  },
  replace: {
    arity: [3, 4],
    fn: (a) =>
      goReplace(
        asString(a[0], 'replace'),
        asString(a[1], 'replace'),
        asString(a[2], 'replace'),
        a.length === 4 ? Number(toInt(a[3])) : -1,
      ),
  },
  repeat: {
    arity: [2, 2],
    fn: ([s, n]) => {
      const count = Number(toInt(n));
      if (count < 0) fault(`invalid argument for repeat (expected positive integer, got ${count})`);
      if (count > MEMORY_BUDGET) fault('memory budget exceeded');
      return asString(s, 'repeat').repeat(count);
    },
  },
  join: {
    arity: [1, 2],
    fn: (a) => {
      const glue = a.length === 2 ? asString(a[1], 'join') : '';
      const items = asArray(a[0], 'join');
      return items
        .map((x) =>
          typeof x === 'string'
            ? x
            : fault(`interface conversion: interface {} is ${goTypeName(x)}, not string`),
        )
        .join(glue);
    },
  },
  indexOf: {
    arity: [2, 2],
    fn: ([s, sub]) => {
      const str = asString(s, 'indexOf');
      return BigInt(byteOffset(str, str.indexOf(asString(sub, 'indexOf'))));
    },
  },
  lastIndexOf: {
    arity: [2, 2],
    fn: ([s, sub]) => {
      const str = asString(s, 'lastIndexOf');
      return BigInt(byteOffset(str, str.lastIndexOf(asString(sub, 'lastIndexOf'))));
    },
  },
  hasPrefix: { arity: [2, 2], fn: ([s, p]) => asString(s, 'hasPrefix').startsWith(asString(p, 'hasPrefix')) },
  hasSuffix: { arity: [2, 2], fn: ([s, p]) => asString(s, 'hasSuffix').endsWith(asString(p, 'hasSuffix')) },
  max: { arity: [1, -1], fn: (a) => minMax('max', a, false) },
  min: { arity: [1, -1], fn: (a) => minMax('min', a, true) },
  mean: {
    arity: [1, -1],
    fn: (a) => {
      const nums = numericArgs('mean', a);
      return nums.length === 0 ? 0 : nums.reduce((s: number, v) => s + Number(v), 0) / nums.length;
    },
  },
  median: {
    arity: [1, -1],
    fn: (a) => {
      const nums = numericArgs('median', a)
        .map(Number)
        .sort((x, y) => x - y);
      const n = nums.length;
      if (n === 0) return 0;
      return n % 2 === 1 ? nums[(n - 1) / 2] : (nums[n / 2 - 1] + nums[n / 2]) / 2;
    },
  },
  toJSON: { arity: [1, 1], fn: ([v]) => goJsonMarshal(v, { indent: '  ' }) },
  fromJSON: { arity: [1, 1], fn: ([s]) => goJsonUnmarshal(asString(s, 'fromJSON')) },
  toBase64: { arity: [1, 1], fn: ([s]) => toBase64(asString(s, 'toBase64')) },
  fromBase64: { arity: [1, 1], fn: ([s]) => fromBase64(asString(s, 'fromBase64')) },
  now: {
    arity: [0, 1],
    fn: (a) => {
      const t = GoTime.now();
      if (a.length === 0) return t;
      if (a[0] instanceof GoLocation) return new GoTime(t.ms, t.subNs, a[0].zone);
      return fault(`invalid number of arguments (expected 0, got ${a.length})`);
    },
  },
  duration: { arity: [1, 1], fn: ([s]) => new GoDuration(parseDuration(asString(s, 'duration'))) },
  date: { arity: [1, 4], fn: (a) => date(a) },
  timezone: { arity: [1, 1], fn: ([s]) => new GoLocation(loadLocation(asString(s, 'timezone'))) },
  first: { arity: [1, 1], fn: ([a]) => (Array.isArray(a) ? (a.length ? a[0] : null) : tryTake(a, 0n)) },
  last: {
    arity: [1, 1],
    fn: ([a]) => (Array.isArray(a) ? (a.length ? a[a.length - 1] : null) : tryTake(a, -1n)),
  },
  get: { arity: [2, 2], fn: ([from, i]) => take(from, i, 'get') },
  take: {
    arity: [2, 2],
    fn: ([a, n]) => {
      const items = asArray(a, 'take from');
      if (typeof n !== 'bigint') fault(`cannot take ${goTypeName(n)} elements`);
      const count = Number(n);
      return items.slice(0, Math.max(0, Math.min(count, items.length)));
    },
  },
  keys: { arity: [1, 1], fn: ([m]) => keysOf(m, 'keys') },
  values: { arity: [1, 1], fn: ([m]) => keysOf(m, 'values').map((k) => (m as ExprMap)[k]) },
  toPairs: { arity: [1, 1], fn: ([m]) => keysOf(m, 'pairs').map((k) => [k, (m as ExprMap)[k]]) },
  fromPairs: {
    arity: [1, 1],
    fn: ([a]) => {
      const out: ExprMap = {};
      for (const pair of asArray(a, 'transform from pairs')) {
        if (!Array.isArray(pair)) fault(`invalid pair ${formatV(pair)}`);
        if ((pair as unknown[]).length !== 2) fault(`invalid pair length ${formatV(pair)}`);
        const [k, v] = pair as unknown[];
        setKey(out, typeof k === 'string' ? k : formatV(k), v);
      }
      return out;
    },
  },
  reverse: { arity: [1, 1], fn: ([a]) => [...asArray(a, 'reverse')].reverse() },
  uniq: {
    arity: [1, 1],
    fn: ([a]) => {
      const out: unknown[] = [];
      for (const x of asArray(a, 'uniq')) if (!out.some((y) => equal(x, y))) out.push(x);
      return out;
    },
  },
  concat: {
    arity: [1, -1],
    fn: (a) => {
      const out: unknown[] = [];
      for (const x of a) out.push(...asArray(x, 'concat'));
      return out;
    },
  },
  flatten: { arity: [1, 1], fn: ([a]) => flatten(asArray(a, 'flatten'), 0) },
  sort: {
    arity: [1, 2],
    fn: (a) => {
      const items = asArray(a[0], 'sort');
      return sortValues(items, items, a[1]);
    },
  },
  bitand: { arity: [2, 2], fn: (a) => bitArgs('bitand', a).reduce((x, y) => x & y) },
  bitor: { arity: [2, 2], fn: (a) => bitArgs('bitor', a).reduce((x, y) => x | y) },
  bitxor: { arity: [2, 2], fn: (a) => bitArgs('bitxor', a).reduce((x, y) => x ^ y) },
  bitnand: { arity: [2, 2], fn: (a) => bitArgs('bitnand', a).reduce((x, y) => x & ~y) },
  bitnot: { arity: [1, 1], fn: (a) => ~bitArgs('bitnot', a)[0] },
  bitshl: { arity: [2, 2], fn: (a) => shift('bitshl', a, (x, y) => x << y) },
  bitshr: { arity: [2, 2], fn: (a) => shift('bitshr', a, (x, y) => x >> y) },
  bitushr: { arity: [2, 2], fn: (a) => shift('bitushr', a, (x, y) => BigInt.asUintN(64, x) >> y) },
};

function tryTake(a: unknown, i: bigint): unknown {
  try {
    return typeof a === 'string' ? take(a, i, 'first') : null;
  } catch {
    return null;
  }
}

function roundArg(name: string, x: unknown): number {
  if (isNumber(x)) return toFloat64(x);
  return fault(`invalid argument for ${name} (type ${goTypeName(x)})`);
}

registerBuiltinNames(Object.keys(BUILTINS));
