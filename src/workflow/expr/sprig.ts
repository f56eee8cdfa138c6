// The sprig function library as Argo exposes it to expressions (`sprig.upper(x)`), with the
// behaviour of Masterminds/sprig v3: argument orders made for template pipes, int64 arithmetic,
// spf13/cast conversions, and "return the zero value instead of failing" where sprig does.
import { createHash, randomInt, randomUUID } from 'node:crypto';
import { fromBase64, goReplace, parseGoFloat, splitN, trimCutset, trimSpace } from './builtins.js';
import { fault } from './errors.js';
import { goRegExp, goRegexMatch, goRegexReplaceAll } from './goregex.js';
import {
  GoDuration,
  GoTime,
  LOCAL,
  UTC,
  formatDuration,
  formatLayout,
  goQuote,
  loadLocation,
  parseDuration,
  parseLayout,
  type Zone,
} from './time.js';
import {
  NATIVE,
  deepEqualStrict,
  formatV,
  goJsonMarshal,
  goTypeName,
  hasKey,
  isMap,
  runes,
  wrapInt,
  type ExprFunction,
  type ExprMap,
} from './values.js';

// ---------------------------------------------------------------------------------------------
// spf13/cast conversions

function parseIntBase0(s: string): bigint | undefined {
  const m = /^([+-]?)(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|0[0-7_]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return undefined;
  let body = m[2];
  if (/_/.test(body) && !/^0[xXoObB]?/.test(body)) return undefined;
  body = body.replace(/_/g, '');
  let v: bigint;
  if (/^0[xXoObB]/.test(body)) v = BigInt(body.toLowerCase());
  else if (body.length > 1 && body.startsWith('0')) v = BigInt('0o' + body.slice(1));
  else v = BigInt(body);
  v = m[1] === '-' ? -v : v;
  if (v > (1n << 63n) - 1n || v < -(1n << 63n)) return undefined;
  return v;
}

function trimZeroDecimal(s: string): string {
  let foundZero = false;
  for (let i = s.length; i > 0; i--) {
    const c = s[i - 1];
    if (c === '.') return foundZero ? s.slice(0, i - 1) : s;
    if (c === '0') foundZero = true;
    else return s;
  }
  return s;
}

/** cast.ToInt64 */
export function castInt64(v: unknown): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? wrapInt(BigInt(Math.trunc(v))) : 0n;
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (typeof v === 'string') return parseIntBase0(trimZeroDecimal(v)) ?? 0n;
  return 0n;
}

/** cast.ToFloat64 */
export function castFloat64(v: unknown): number {
  if (typeof v === 'bigint' || typeof v === 'number') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') return parseGoFloat(v) ?? 0;
  return 0;
}

function int(v: unknown, fn: string): number {
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  return fault(`sprig.${fn}: reflect: Call using ${goTypeName(v)} as type int`);
}

function str(v: unknown, fn: string): string {
  if (typeof v === 'string') return v;
  return fault(`sprig.${fn}: reflect: Call using ${goTypeName(v)} as type string`);
}

function dictArg(v: unknown, fn: string): ExprMap {
  if (isMap(v)) return v;
  return fault(`sprig.${fn}: reflect: Call using ${goTypeName(v)} as type map[string]interface {}`);
}

function listArg(v: unknown, what: string): unknown[] {
  if (Array.isArray(v)) return v;
  return fault(`Cannot ${what} on type ${v === null || v === undefined ? 'invalid' : kindOf(v)}`);
}

/** sprig's strval */
export function strval(v: unknown): string {
  return typeof v === 'string' ? v : formatV(v);
}

/** sprig's empty: the Go zero value of its kind. */
export function empty(v: unknown): boolean {
  if (v === null || v === undefined) return true;
  if (typeof v === 'string' || Array.isArray(v)) return v.length === 0;
  if (isMap(v)) return Object.keys(v).length === 0;
  if (typeof v === 'boolean') return !v;
  if (typeof v === 'bigint') return v === 0n;
  if (typeof v === 'number') return v === 0;
  return false;
}

function kindOf(v: unknown): string {
  if (v === null || v === undefined) return 'invalid';
  switch (typeof v) {
    case 'bigint':
      return 'int';
    case 'number':
      return 'float64';
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'function':
      return 'func';
  }
  if (Array.isArray(v)) return 'slice';
  if (v instanceof GoTime) return 'struct';
  if (v instanceof GoDuration) return 'int64';
  return 'map';
}

function untilStep(start: number, stop: number, step: number): bigint[] {
  const out: bigint[] = [];
  if (stop < start) {
    if (step >= 0) return out;
    for (let i = start; i > stop; i += step) out.push(BigInt(i));
    return out;
  }
  if (step <= 0) return out;
  for (let i = start; i < stop; i += step) out.push(BigInt(i));
  return out;
}

function seq(params: number[]): string {
  const join = (v: bigint[]): string => v.join(' ');
  switch (params.length) {
    case 0:
      return '';
    case 1: {
      const end = params[0];
      const inc = end < 1 ? -1 : 1;
      return join(untilStep(1, end + inc, inc));
    }
    case 2: {
      const [start, end] = params;
      const step = end < start ? -1 : 1;
      return join(untilStep(start, end + step, step));
    }
    case 3: {
      const [start, step, end] = params;
      let inc = 1;
      if (end < start) {
        inc = -1;
        if (step > 0) return '';
      }
      return join(untilStep(start, end + inc, step));
    }
    default:
      return '';
  }
}

/** strings.Title: upper-cases the first letter of every word. */
function title(s: string): string {
  let prev = ' ';
  let out = '';
  for (const ch of s) {
    const sep = !/[\p{L}\p{N}_]/u.test(prev);
    out += sep ? ch.toUpperCase() : ch;
    prev = ch;
  }
  return out;
}

function words(s: string): string[] {
  return s
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== '');
}

const ALPHA = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';

function randomFrom(chars: string, count: unknown, fn: string): string {
  const n = int(count, fn);
  let out = '';
  for (let i = 0; i < n; i++) out += chars[randomInt(chars.length)];
  return out;
}

function hash(algo: string, s: unknown, fn: string): string {
  return createHash(algo).update(str(s, fn), 'utf8').digest('hex');
}

function adler32(s: string): string {
  let a = 1;
  let b = 0;
  for (const byte of Buffer.from(s, 'utf8')) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return String(((b << 16) | a) >>> 0);
}

/** Exact decimal arithmetic like shopspring/decimal for the *f functions. */
function decimalOp(values: number[], op: (a: number, b: number) => number): number {
  return values.reduce((acc, v) => Number(op(acc, v).toPrecision(15)));
}

function dateArg(v: unknown): GoTime {
  if (v instanceof GoTime) return v;
  if (typeof v === 'bigint') return new GoTime(Number(v) * 1000, 0, LOCAL);
  return GoTime.now();
}

function dateInZone(layout: unknown, date: unknown, zone: unknown): string {
  let z: Zone;
  try {
    z = loadLocation(str(zone, 'dateInZone'));
  } catch {
    z = UTC;
  }
  const t = dateArg(date);
  return formatLayout(new GoTime(t.ms, t.subNs, z), str(layout, 'date'));
}

function zeroTime(): GoTime {
  const d = new Date(0);
  d.setUTCFullYear(1, 0, 1);
  return new GoTime(d.getTime(), 0, UTC);
}

function regexFindAll(re: string, s: string, n: number): string[] {
  if (n === 0) return [];
  const out: string[] = [];
  for (const m of s.matchAll(goRegExp(re, true))) {
    if (n > 0 && out.length >= n) break;
    out.push(m[0]);
  }
  return out;
}

function regexSplit(re: string, s: string, n: number): string[] {
  if (n === 0) return [];
  if (re.length > 0 && s.length === 0) return [''];
  const out: string[] = [];
  let beg = 0;
  for (const m of s.matchAll(goRegExp(re, true))) {
    if (n > 0 && out.length === n - 1) break;
    const end = m.index!;
    if (m[0].length === 0 && end === 0) continue;
    out.push(s.slice(beg, end));
    beg = end + m[0].length;
  }
  out.push(s.slice(beg));
  return out;
}

function pathBase(p: string): string {
  if (p === '') return '.';
  p = p.replace(/\/+$/, '');
  if (p === '') return '/';
  return p.slice(p.lastIndexOf('/') + 1);
}

function pathClean(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
    } else out.push(part);
  }
  const joined = out.join('/');
  return rooted ? '/' + joined : joined || '.';
}

function pathDir(p: string): string {
  const i = p.lastIndexOf('/');
  return pathClean(p.slice(0, i + 1));
}

function pathExt(p: string): string {
  for (let i = p.length - 1; i >= 0 && p[i] !== '/'; i--) if (p[i] === '.') return p.slice(i);
  return '';
}

function lenient<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch {
    return fallback;
  }
}

const f: Record<string, ExprFunction> = {
  hello: () => 'Hello!',
  // Dates
  now: () => GoTime.now(),
  date: (layout, date) => dateInZone(layout, date, 'Local'),
  dateInZone,
  date_in_zone: dateInZone,
  htmlDate: (date) => dateInZone('2006-01-02', date, 'Local'),
  htmlDateInZone: (date, zone) => dateInZone('2006-01-02', date, zone),
  toDate: (layout, s) =>
    lenient(() => parseLayout(str(layout, 'toDate'), str(s, 'toDate'), LOCAL), zeroTime()),
  mustToDate: (layout, s) => parseLayout(str(layout, 'mustToDate'), str(s, 'mustToDate'), LOCAL),
  unixEpoch: (t) =>
    String(Math.floor((t instanceof GoTime ? t : fault('sprig.unixEpoch: not a time')).ms / 1000)),
  dateModify: (d, t) => {
    const base = t instanceof GoTime ? t : fault('sprig.dateModify: not a time');
    return lenient(
      () => GoTime.fromEpochNs(base.epochNs + parseDuration(str(d, 'dateModify')), base.zone),
      base,
    );
  },
  mustDateModify: (d, t) => {
    const base = t instanceof GoTime ? t : fault('sprig.mustDateModify: not a time');
    return GoTime.fromEpochNs(base.epochNs + parseDuration(str(d, 'mustDateModify')), base.zone);
  },
  duration: (sec) => {
    let n = 0n;
    if (typeof sec === 'string') n = /^[+-]?[0-9]+$/.test(sec) ? BigInt(sec) : 0n;
    else if (typeof sec === 'bigint') n = sec;
    return formatDuration(n * 1_000_000_000n);
  },
  ago: (date) => {
    const t =
      date instanceof GoTime
        ? date
        : typeof date === 'bigint'
          ? new GoTime(Number(date) * 1000, 0, LOCAL)
          : GoTime.now();
    const ns = GoTime.now().epochNs - t.epochNs;
    const sec = 1_000_000_000n;
    const rounded = ((ns + (ns >= 0n ? sec / 2n : -sec / 2n)) / sec) * sec;
    return formatDuration(rounded);
  },
  // Strings
  abbrev: (width, s) => {
    const w = int(width, 'abbrev');
    const v = str(s, 'abbrev');
    if (w < 4 || v.length <= w) return v;
    return v.slice(0, w - 3) + '...';
  },
  trunc: (c, s) => {
    const n = int(c, 'trunc');
    const v = str(s, 'trunc');
    if (n < 0 && v.length + n > 0) return v.slice(v.length + n);
    if (n >= 0 && v.length > n) return v.slice(0, n);
    return v;
  },
  trim: (s) => trimSpace(str(s, 'trim')),
  upper: (s) => str(s, 'upper').toUpperCase(),
  lower: (s) => str(s, 'lower').toLowerCase(),
  title: (s) => title(str(s, 'title')),
  untitle: (s) => {
    const v = str(s, 'untitle');
    return v === '' ? v : v[0].toLowerCase() + v.slice(1);
  },
  substr: (start, end, s) => {
    const a = int(start, 'substr');
    const b = int(end, 'substr');
    const v = str(s, 'substr');
    const slice = (x: number, y: number): string => {
      if (x < 0 || y > v.length || x > y) fault(`runtime error: slice bounds out of range [${x}:${y}]`);
      return v.slice(x, y);
    };
    if (a < 0) return slice(0, b);
    if (b < 0 || b > v.length) return slice(a, v.length);
    return slice(a, b);
  },
  repeat: (count, s) => str(s, 'repeat').repeat(Math.max(0, int(count, 'repeat'))),
  trimall: (a, b) => trimCutset(str(b, 'trimall'), str(a, 'trimall')),
  trimAll: (a, b) => trimCutset(str(b, 'trimAll'), str(a, 'trimAll')),
  trimSuffix: (a, b) => {
    const s = str(b, 'trimSuffix');
    const suffix = str(a, 'trimSuffix');
    return suffix !== '' && s.endsWith(suffix) ? s.slice(0, s.length - suffix.length) : s;
  },
  trimPrefix: (a, b) => {
    const s = str(b, 'trimPrefix');
    const prefix = str(a, 'trimPrefix');
    return s.startsWith(prefix) ? s.slice(prefix.length) : s;
  },
  nospace: (s) => str(s, 'nospace').replace(/\s/gu, ''),
  initials: (s) =>
    str(s, 'initials')
      .split(/\s+/)
      .filter((w) => w !== '')
      .map((w) => runes(w)[0])
      .join(''),
  randAlphaNum: (n) => randomFrom(ALPHA + DIGITS, n, 'randAlphaNum'),
  randAlpha: (n) => randomFrom(ALPHA, n, 'randAlpha'),
  randNumeric: (n) => randomFrom(DIGITS, n, 'randNumeric'),
  randAscii: (n) =>
    randomFrom(Array.from({ length: 94 }, (_, i) => String.fromCharCode(33 + i)).join(''), n, 'randAscii'),
  swapcase: (s) =>
    runes(str(s, 'swapcase'))
      .map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()))
      .join(''),
  snakecase: (s) =>
    words(str(s, 'snakecase'))
      .map((w) => w.toLowerCase())
      .join('_'),
  kebabcase: (s) =>
    words(str(s, 'kebabcase'))
      .map((w) => w.toLowerCase())
      .join('-'),
  camelcase: (s) =>
    words(str(s, 'camelcase'))
      .map((w) => w[0].toUpperCase() + w.slice(1).toLowerCase())
      .join(''),
  contains: (substr, s) => str(s, 'contains').includes(str(substr, 'contains')),
  hasPrefix: (p, s) => str(s, 'hasPrefix').startsWith(str(p, 'hasPrefix')),
  hasSuffix: (p, s) => str(s, 'hasSuffix').endsWith(str(p, 'hasSuffix')),
  quote: (...xs) =>
    xs
      .filter((x) => x !== null && x !== undefined)
      .map((x) => goQuote(strval(x)))
      .join(' '),
  squote: (...xs) =>
    xs
      .filter((x) => x !== null && x !== undefined)
      .map((x) => `'${formatV(x)}'`)
      .join(' '),
  cat: (...xs) =>
    xs
      .filter((x) => x !== null && x !== undefined)
      .map(formatV)
      .join(' '),
  indent: (n, s) => {
    const pad = ' '.repeat(int(n, 'indent'));
    return (
      pad +
      str(s, 'indent')
        .split('\n')
        .join('\n' + pad)
    );
  },
  nindent: (n, s) => {
    const pad = ' '.repeat(int(n, 'nindent'));
    return (
      '\n' +
      pad +
      str(s, 'nindent')
        .split('\n')
        .join('\n' + pad)
    );
  },
  replace: (oldS, newS, src) => goReplace(str(src, 'replace'), str(oldS, 'replace'), str(newS, 'replace')),
  plural: (one, many, count) => (int(count, 'plural') === 1 ? one : many),
  sha1sum: (s) => hash('sha1', s, 'sha1sum'),
  sha256sum: (s) => hash('sha256', s, 'sha256sum'),
  sha512sum: (s) => hash('sha512', s, 'sha512sum'),
  adler32sum: (s) => adler32(str(s, 'adler32sum')),
  toString: (v: unknown) => strval(v),
  // Conversions and arithmetic
  atoi: (s) => {
    const v = str(s, 'atoi');
    return /^[+-]?[0-9]+$/.test(v) ? wrapInt(BigInt(v)) : 0n;
  },
  int64: (v) => castInt64(v),
  int: (v) => castInt64(v),
  float64: (v) => castFloat64(v),
  toDecimal: (v) => {
    const s = formatV(v);
    return /^[+-]?[0-7]+$/.test(s)
      ? BigInt('0o' + s.replace(/^[+-]/, '')) * (s.startsWith('-') ? -1n : 1n)
      : 0n;
  },
  seq: (...params) => seq(params.map((p) => int(p, 'seq'))),
  until: (count) => {
    const n = int(count, 'until');
    return untilStep(0, n, n < 0 ? -1 : 1);
  },
  untilStep: (a, b, c) => untilStep(int(a, 'untilStep'), int(b, 'untilStep'), int(c, 'untilStep')),
  add1: (i) => wrapInt(castInt64(i) + 1n),
  add: (...xs) => xs.reduce((a: bigint, b) => wrapInt(a + castInt64(b)), 0n),
  sub: (a, b) => wrapInt(castInt64(a) - castInt64(b)),
  div: (a, b) => {
    const d = castInt64(b);
    if (d === 0n) fault('runtime error: integer divide by zero');
    return castInt64(a) / d;
  },
  mod: (a, b) => {
    const d = castInt64(b);
    if (d === 0n) fault('runtime error: integer divide by zero');
    return castInt64(a) % d;
  },
  mul: (a, ...xs) => xs.reduce((acc: bigint, b) => wrapInt(acc * castInt64(b)), castInt64(a)),
  randInt: (min, max) => BigInt(randomInt(int(min, 'randInt'), int(max, 'randInt'))),
  add1f: (i) => decimalOp([castFloat64(i), 1], (a, b) => a + b),
  addf: (...xs) => decimalOp([0, ...xs.map(castFloat64)], (a, b) => a + b),
  subf: (a, ...xs) => decimalOp([castFloat64(a), ...xs.map(castFloat64)], (x, y) => x - y),
  mulf: (a, ...xs) => decimalOp([castFloat64(a), ...xs.map(castFloat64)], (x, y) => x * y),
  divf: (a, ...xs) => decimalOp([castFloat64(a), ...xs.map(castFloat64)], (x, y) => x / y),
  biggest: (a, ...xs) => xs.map(castInt64).reduce((m, v) => (v > m ? v : m), castInt64(a)),
  max: (a, ...xs) => xs.map(castInt64).reduce((m, v) => (v > m ? v : m), castInt64(a)),
  min: (a, ...xs) => xs.map(castInt64).reduce((m, v) => (v < m ? v : m), castInt64(a)),
  maxf: (a, ...xs) => xs.map(castFloat64).reduce((m, v) => Math.max(m, v), castFloat64(a)),
  minf: (a, ...xs) => xs.map(castFloat64).reduce((m, v) => Math.min(m, v), castFloat64(a)),
  floor: (a) => Math.floor(castFloat64(a)),
  ceil: (a) => Math.ceil(castFloat64(a)),
  round: (a, p, roundOn) => {
    const on = roundOn === undefined ? 0.5 : castFloat64(roundOn);
    const pow = Math.pow(10, castFloat64(p));
    const digit = pow * castFloat64(a);
    const frac = digit - Math.trunc(digit);
    return (frac >= on ? Math.ceil(digit) : Math.floor(digit)) / pow;
  },
  // Lists of strings
  split: (sep, orig) => {
    const out: ExprMap = {};
    splitN(str(orig, 'split'), str(sep, 'split')).forEach((v, i) => (out[`_${i}`] = v));
    return out;
  },
  splitn: (sep, n, orig) => {
    const out: ExprMap = {};
    splitN(str(orig, 'splitn'), str(sep, 'splitn'), int(n, 'splitn')).forEach((v, i) => (out[`_${i}`] = v));
    return out;
  },
  splitList: (sep, orig) => splitN(str(orig, 'splitList'), str(sep, 'splitList')),
  toStrings: (v) => toStrings(v),
  join: (sep, v) => toStrings(v).join(str(sep, 'join')),
  sortAlpha: (v) => {
    if (!Array.isArray(v)) return [strval(v)];
    return toStrings(v).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  },
  // Defaults and flow
  default: (d, ...given) => (given.length === 0 || empty(given[0]) ? d : given[0]),
  empty: (v) => empty(v),
  coalesce: (...xs) => xs.find((x) => !empty(x)) ?? null,
  all: (...xs) => xs.every((x) => !empty(x)),
  any: (...xs) => xs.some((x) => !empty(x)),
  compact: (l) => listArg(l, 'compact').filter((x) => !empty(x)),
  mustCompact: (l) => listArg(l, 'compact').filter((x) => !empty(x)),
  fromJson: (s) => lenient(() => JSON.parse(str(s, 'fromJson')) as unknown, null),
  mustFromJson: (s) => {
    try {
      return JSON.parse(str(s, 'mustFromJson')) as unknown;
    } catch (e) {
      return fault((e as Error).message);
    }
  },
  toJson: (v) => lenient(() => goJsonMarshal(v), ''),
  mustToJson: (v) => goJsonMarshal(v),
  toPrettyJson: (v) => lenient(() => goJsonMarshal(v, { indent: '  ' }), ''),
  mustToPrettyJson: (v) => goJsonMarshal(v, { indent: '  ' }),
  toRawJson: (v) => goJsonMarshal(v, { escapeHtml: false }),
  mustToRawJson: (v) => goJsonMarshal(v, { escapeHtml: false }),
  ternary: (vt, vf, v) =>
    v === true ? vt : v === false ? vf : fault('sprig.ternary: the condition must be a bool'),
  deepCopy: (v) => structuredCloneValue(v),
  mustDeepCopy: (v) => structuredCloneValue(v),
  fail: (msg) => fault(str(msg, 'fail')),
  // Reflection
  typeOf: (v) => goTypeName(v),
  typeIs: (t, v) => str(t, 'typeIs') === goTypeName(v),
  typeIsLike: (t, v) => {
    const name = str(t, 'typeIsLike');
    return name === goTypeName(v) || name === '*' + goTypeName(v);
  },
  kindOf: (v) => kindOf(v),
  kindIs: (k, v) => str(k, 'kindIs') === kindOf(v),
  deepEqual: (a, b) => deepEqualStrict(a, b),
  // Paths
  base: (p) => pathBase(str(p, 'base')),
  dir: (p) => pathDir(str(p, 'dir')),
  clean: (p) => pathClean(str(p, 'clean')),
  ext: (p) => pathExt(str(p, 'ext')),
  isAbs: (p) => str(p, 'isAbs').startsWith('/'),
  osBase: (p) => pathBase(str(p, 'osBase')),
  osDir: (p) => pathDir(str(p, 'osDir')),
  osClean: (p) => pathClean(str(p, 'osClean')),
  osExt: (p) => pathExt(str(p, 'osExt')),
  osIsAbs: (p) => str(p, 'osIsAbs').startsWith('/'),
  // Encoding
  b64enc: (s) => Buffer.from(str(s, 'b64enc'), 'utf8').toString('base64'),
  b64dec: (s) => {
    try {
      return fromBase64(str(s, 'b64dec'));
    } catch (e) {
      return (e as Error).message;
    }
  },
  b32enc: (s) => base32Encode(Buffer.from(str(s, 'b32enc'), 'utf8')),
  b32dec: (s) => base32Decode(str(s, 'b32dec')),
  // Lists
  list: (...xs) => xs,
  tuple: (...xs) => xs,
  append: (l, v) => [...listArg(l, 'push'), v],
  push: (l, v) => [...listArg(l, 'push'), v],
  mustAppend: (l, v) => [...listArg(l, 'push'), v],
  mustPush: (l, v) => [...listArg(l, 'push'), v],
  prepend: (l, v) => [v, ...listArg(l, 'prepend')],
  mustPrepend: (l, v) => [v, ...listArg(l, 'prepend')],
  first: (l) => listArg(l, 'find first')[0] ?? null,
  mustFirst: (l) => listArg(l, 'find first')[0] ?? null,
  last: (l) => {
    const a = listArg(l, 'find last');
    return a.length ? a[a.length - 1] : null;
  },
  mustLast: (l) => {
    const a = listArg(l, 'find last');
    return a.length ? a[a.length - 1] : null;
  },
  rest: (l) => {
    const a = listArg(l, 'find rest');
    return a.length ? a.slice(1) : null;
  },
  mustRest: (l) => {
    const a = listArg(l, 'find rest');
    return a.length ? a.slice(1) : null;
  },
  initial: (l) => {
    const a = listArg(l, 'find initial');
    return a.length ? a.slice(0, -1) : null;
  },
  mustInitial: (l) => {
    const a = listArg(l, 'find initial');
    return a.length ? a.slice(0, -1) : null;
  },
  reverse: (l) => [...listArg(l, 'find reverse')].reverse(),
  mustReverse: (l) => [...listArg(l, 'find reverse')].reverse(),
  uniq: (l) => uniq(listArg(l, 'find uniq')),
  mustUniq: (l) => uniq(listArg(l, 'find uniq')),
  without: (l, ...omit) => listArg(l, 'find without').filter((x) => !omit.some((o) => deepEqualStrict(o, x))),
  mustWithout: (l, ...omit) =>
    listArg(l, 'find without').filter((x) => !omit.some((o) => deepEqualStrict(o, x))),
  has: (needle, l) =>
    l === null || l === undefined ? false : listArg(l, 'find has').some((x) => deepEqualStrict(x, needle)),
  mustHas: (needle, l) =>
    l === null || l === undefined ? false : listArg(l, 'find has').some((x) => deepEqualStrict(x, needle)),
  slice: (l, ...idx) => {
    const a = listArg(l, 'slice');
    const start = idx.length > 0 ? int(idx[0], 'slice') : 0;
    const end = idx.length > 1 ? int(idx[1], 'slice') : a.length;
    if (start < 0 || end > a.length || start > end)
      fault(`runtime error: slice bounds out of range [${start}:${end}]`);
    return a.slice(start, end);
  },
  concat: (...ls) => ls.flatMap((l) => listArg(l, 'concat')),
  chunk: (size, l) => {
    const n = int(size, 'chunk');
    const a = listArg(l, 'chunk');
    const out: unknown[][] = [];
    for (let i = 0; i < a.length; i += n) out.push(a.slice(i, i + n));
    return out;
  },
  // Dicts
  dict: (...kv) => {
    const out: ExprMap = {};
    for (let i = 0; i < kv.length; i += 2) out[strval(kv[i])] = i + 1 < kv.length ? kv[i + 1] : '';
    return out;
  },
  get: (d, key) => {
    const m = dictArg(d, 'get');
    const k = str(key, 'get');
    return hasKey(m, k) ? m[k] : '';
  },
  set: (d, key, value) => {
    const m = dictArg(d, 'set');
    m[str(key, 'set')] = value;
    return m;
  },
  unset: (d, key) => {
    const m = dictArg(d, 'unset');
    delete m[str(key, 'unset')];
    return m;
  },
  hasKey: (d, key) => hasKey(dictArg(d, 'hasKey'), str(key, 'hasKey')),
  pluck: (key, ...ds) => {
    const k = str(key, 'pluck');
    return ds
      .map((d) => dictArg(d, 'pluck'))
      .filter((d) => hasKey(d, k))
      .map((d) => d[k]);
  },
  keys: (...ds) => ds.flatMap((d) => Object.keys(dictArg(d, 'keys'))),
  values: (d) => Object.values(dictArg(d, 'values')),
  pick: (d, ...ks) => {
    const m = dictArg(d, 'pick');
    const out: ExprMap = {};
    for (const k of ks.map((x) => str(x, 'pick'))) if (hasKey(m, k)) out[k] = m[k];
    return out;
  },
  omit: (d, ...ks) => {
    const m = dictArg(d, 'omit');
    const drop = new Set(ks.map((x) => str(x, 'omit')));
    const out: ExprMap = {};
    for (const k of Object.keys(m)) if (!drop.has(k)) out[k] = m[k];
    return out;
  },
  merge: (dst, ...srcs) =>
    mergeInto(
      dictArg(dst, 'merge'),
      srcs.map((s) => dictArg(s, 'merge')),
      false,
    ),
  mustMerge: (dst, ...srcs) =>
    mergeInto(
      dictArg(dst, 'mustMerge'),
      srcs.map((s) => dictArg(s, 'mustMerge')),
      false,
    ),
  mergeOverwrite: (dst, ...srcs) =>
    mergeInto(
      dictArg(dst, 'mergeOverwrite'),
      srcs.map((s) => dictArg(s, 'mergeOverwrite')),
      true,
    ),
  mustMergeOverwrite: (dst, ...srcs) =>
    mergeInto(
      dictArg(dst, 'mustMergeOverwrite'),
      srcs.map((s) => dictArg(s, 'mustMergeOverwrite')),
      true,
    ),
  dig: (...ps) => {
    if (ps.length < 3) fault('dig needs at least three arguments');
    let d = dictArg(ps[ps.length - 1], 'dig');
    const def = ps[ps.length - 2];
    const ks = ps.slice(0, -2).map((k) => str(k, 'dig'));
    for (let i = 0; i < ks.length; i++) {
      if (!hasKey(d, ks[i])) return def;
      if (i === ks.length - 1) return d[ks[i]];
      d = dictArg(d[ks[i]], 'dig');
    }
    return def;
  },
  // UUIDs
  uuidv4: () => randomUUID(),
  // Regular expressions
  regexMatch: (re, s) => lenient(() => goRegexMatch(str(re, 'regexMatch'), str(s, 'regexMatch')), false),
  mustRegexMatch: (re, s) => goRegexMatch(str(re, 'mustRegexMatch'), str(s, 'mustRegexMatch')),
  regexFindAll: (re, s, n) =>
    regexFindAll(str(re, 'regexFindAll'), str(s, 'regexFindAll'), int(n, 'regexFindAll')),
  mustRegexFindAll: (re, s, n) =>
    regexFindAll(str(re, 'mustRegexFindAll'), str(s, 'mustRegexFindAll'), int(n, 'mustRegexFindAll')),
  regexFind: (re, s) => goRegExp(str(re, 'regexFind')).exec(str(s, 'regexFind'))?.[0] ?? '',
  mustRegexFind: (re, s) => goRegExp(str(re, 'mustRegexFind')).exec(str(s, 'mustRegexFind'))?.[0] ?? '',
  regexReplaceAll: (re, s, repl) =>
    goRegexReplaceAll(str(re, 'regexReplaceAll'), str(s, 'regexReplaceAll'), str(repl, 'regexReplaceAll')),
  mustRegexReplaceAll: (re, s, repl) =>
    goRegexReplaceAll(
      str(re, 'mustRegexReplaceAll'),
      str(s, 'mustRegexReplaceAll'),
      str(repl, 'mustRegexReplaceAll'),
    ),
  regexReplaceAllLiteral: (re, s, repl) =>
    goRegexReplaceAll(
      str(re, 'regexReplaceAllLiteral'),
      str(s, 'regexReplaceAllLiteral'),
      str(repl, 'regexReplaceAllLiteral'),
      true,
    ),
  mustRegexReplaceAllLiteral: (re, s, repl) =>
    goRegexReplaceAll(
      str(re, 'mustRegexReplaceAllLiteral'),
      str(s, 'mustRegexReplaceAllLiteral'),
      str(repl, 'mustRegexReplaceAllLiteral'),
      true,
    ),
  regexSplit: (re, s, n) => regexSplit(str(re, 'regexSplit'), str(s, 'regexSplit'), int(n, 'regexSplit')),
  mustRegexSplit: (re, s, n) =>
    regexSplit(str(re, 'mustRegexSplit'), str(s, 'mustRegexSplit'), int(n, 'mustRegexSplit')),
  regexQuoteMeta: (s) => str(s, 'regexQuoteMeta').replace(/[\\.+*?()|[\]{}^$]/g, '\\$&'),
};

function toStrings(v: unknown): string[] {
  if (Array.isArray(v)) return v.filter((x) => x !== null && x !== undefined).map(strval);
  if (v === null || v === undefined) return [];
  return [strval(v)];
}

function uniq(a: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const x of a) if (!out.some((y) => deepEqualStrict(x, y))) out.push(x);
  return out;
}

function mergeInto(dst: ExprMap, srcs: ExprMap[], overwrite: boolean): ExprMap {
  for (const src of srcs) {
    for (const [k, v] of Object.entries(src)) {
      if (isMap(dst[k]) && isMap(v)) mergeInto(dst[k] as ExprMap, [v], overwrite);
      else if (!hasKey(dst, k) || (overwrite ? !empty(v) : empty(dst[k]))) dst[k] = v;
    }
  }
  return dst;
}

function structuredCloneValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(structuredCloneValue);
  if (isMap(v)) {
    const out: ExprMap = {};
    for (const [k, x] of Object.entries(v)) out[k] = structuredCloneValue(x);
    return out;
  }
  return v;
}

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32Encode(buf: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of buf) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += B32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += B32[(value << (5 - bits)) & 31];
  while (out.length % 8 !== 0) out += '=';
  return out;
}

function base32Decode(s: string): string {
  const clean = s.replace(/=+$/, '');
  let bits = 0;
  let value = 0;
  const bytes: number[] = [];
  for (let i = 0; i < clean.length; i++) {
    const idx = B32.indexOf(clean[i]);
    if (idx < 0) return `illegal base32 data at input byte ${i}`;
    value = (value << 5) | idx;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** The `sprig` object of Argo's expression environment (without env/expandenv, as Argo). */
export const SPRIG: Readonly<Record<string, ExprFunction>> = f;
NATIVE.add(f);
