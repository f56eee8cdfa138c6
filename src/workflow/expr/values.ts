// The value model of the expression language and Go's semantics for it.
//
// Inside expressions values are:
//   nil -> null          int (Go int, 64-bit) -> bigint         float (float64) -> number
//   string, bool         array -> unknown[]                     map -> plain object
//   time.Time -> GoTime  time.Duration -> GoDuration            time.Location -> GoLocation
//   functions -> JS functions taking and returning these values
// Keeping ints apart from floats is what gives expr-lang's behaviour: `7 % 2` is an int,
// `7 / 2` is always a float, `type(1.0)` is "float", `%` on floats is an error, and
// `string(1e6)` prints Go's "1e+06". Values decoded from JSON are floats, as in Go.
import { fault } from './errors.js';
import { GoDuration, GoLocation, GoTime, formatLayout, UTC } from './time.js';

export type ExprFunction = (...args: unknown[]) => unknown;
export type ExprMap = Record<string, unknown>;

const MIN_INT64 = -(1n << 63n);
const MAX_INT64 = (1n << 63n) - 1n;

/** Wraps to 64 bits like Go's int arithmetic. */
export function wrapInt(v: bigint): bigint {
  return v >= MIN_INT64 && v <= MAX_INT64 ? v : BigInt.asIntN(64, v);
}

export function isMap(v: unknown): v is ExprMap {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

export function isNumber(v: unknown): v is bigint | number {
  return typeof v === 'bigint' || typeof v === 'number';
}

export function hasKey(m: ExprMap, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(m, key);
}

/** Sets an own property, including one named `__proto__` (which plain assignment would not). */
export function setKey(m: ExprMap, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(m, key, { value, enumerable: true, writable: true, configurable: true });
  else m[key] = value;
}

/** The Go type name used in expr-lang's runtime error messages (`%T`). */
export function goTypeName(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
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
      return 'func(...interface {}) interface {}';
  }
  if (Array.isArray(v)) return '[]interface {}';
  if (v instanceof GoTime) return 'time.Time';
  if (v instanceof GoDuration) return 'time.Duration';
  if (v instanceof GoLocation) return '*time.Location';
  return 'map[string]interface {}';
}

/** expr-lang's type() builtin. */
export function exprTypeName(v: unknown): string {
  if (v === null || v === undefined) return 'nil';
  switch (typeof v) {
    case 'bigint':
      return 'int';
    case 'number':
      return 'float';
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'function':
      return 'func';
  }
  if (Array.isArray(v)) return 'array';
  if (v instanceof GoTime) return 'time.Time';
  if (v instanceof GoDuration) return 'time.Duration';
  if (v instanceof GoLocation) return 'time.Location';
  return 'map';
}

// ---------------------------------------------------------------------------------------------
// Go's fmt %v

/** strconv.FormatFloat(f, 'g', -1, 64), which %v uses: exponent form below 1e-4 and from 1e6. */
export function formatGoFloat(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const [mant, expStr] = f.toExponential().split('e');
  const exp = Number(expStr);
  if (exp < -4 || exp >= 6) {
    const e = Math.abs(exp);
    return `${mant}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' + e : e}`;
  }
  return String(f);
}

/** fmt.Sprintf("%v", v) */
export function formatV(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  switch (typeof v) {
    case 'string':
      return v;
    case 'bigint':
      return v.toString();
    case 'number':
      return formatGoFloat(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'function':
      return '0x0';
  }
  if (Array.isArray(v)) return '[' + v.map(formatV).join(' ') + ']';
  if (v instanceof GoTime || v instanceof GoDuration || v instanceof GoLocation) return v.toString();
  if (isMap(v)) {
    const keys = Object.keys(v).sort();
    return 'map[' + keys.map((k) => `${k}:${formatV(v[k])}`).join(' ') + ']';
  }
  return String(v);
}

// ---------------------------------------------------------------------------------------------
// Comparison

/** expr-lang's runtime.Equal. */
export function equal(a: unknown, b: unknown): boolean {
  if (a === undefined) a = null;
  if (b === undefined) b = null;
  if (a === b) return true;
  if (a === null || b === null) return false;
  if (isNumber(a) && isNumber(b)) {
    if (typeof a === 'bigint' && typeof b === 'bigint') return a === b;
    return Number(a) === Number(b);
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!equal(a[i], b[i])) return false;
    return true;
  }
  if (a instanceof GoTime && b instanceof GoTime) return a.epochNs === b.epochNs;
  if (a instanceof GoDuration && b instanceof GoDuration) return a.ns === b.ns;
  return deepEqualStrict(a, b);
}

/** reflect.DeepEqual: like equal, but an int never equals a float. */
export function deepEqualStrict(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return false;
  if (typeof a !== typeof b) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => deepEqualStrict(x, b[i]));
  }
  if (isMap(a) && isMap(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => hasKey(b, k) && deepEqualStrict(a[k], b[k]));
  }
  if (a instanceof GoTime && b instanceof GoTime) return a.ms === b.ms && a.subNs === b.subNs;
  if (a instanceof GoDuration && b instanceof GoDuration) return a.ns === b.ns;
  return false;
}

/** -1, 0, 1 for ordered pairs (numbers, strings, times, durations); throws otherwise. */
export function compare(a: unknown, b: unknown, op: string): number {
  if (isNumber(a) && isNumber(b)) {
    if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
    const x = Number(a);
    const y = Number(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (a instanceof GoTime && b instanceof GoTime) {
    const x = a.epochNs;
    const y = b.epochNs;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (a instanceof GoDuration && b instanceof GoDuration) return a.ns < b.ns ? -1 : a.ns > b.ns ? 1 : 0;
  return fault(`invalid operation: ${goTypeName(a)} ${op} ${goTypeName(b)}`);
}

// ---------------------------------------------------------------------------------------------
// Arithmetic

export function add(a: unknown, b: unknown): unknown {
  if (typeof a === 'bigint' && typeof b === 'bigint') return wrapInt(a + b);
  if (isNumber(a) && isNumber(b)) return Number(a) + Number(b);
  if (typeof a === 'string' && typeof b === 'string') return a + b;
  if (a instanceof GoTime && b instanceof GoDuration) return GoTime.fromEpochNs(a.epochNs + b.ns, a.zone);
  if (a instanceof GoDuration && b instanceof GoTime) return GoTime.fromEpochNs(b.epochNs + a.ns, b.zone);
  if (a instanceof GoDuration && b instanceof GoDuration) return new GoDuration(a.ns + b.ns);
  if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
  return fault(`invalid operation: ${goTypeName(a)} + ${goTypeName(b)}`);
}

export function subtract(a: unknown, b: unknown): unknown {
  if (typeof a === 'bigint' && typeof b === 'bigint') return wrapInt(a - b);
  if (isNumber(a) && isNumber(b)) return Number(a) - Number(b);
  if (a instanceof GoTime && b instanceof GoTime) return new GoDuration(a.epochNs - b.epochNs);
  if (a instanceof GoTime && b instanceof GoDuration) return GoTime.fromEpochNs(a.epochNs - b.ns, a.zone);
  if (a instanceof GoDuration && b instanceof GoDuration) return new GoDuration(a.ns - b.ns);
  return fault(`invalid operation: ${goTypeName(a)} - ${goTypeName(b)}`);
}

export function multiply(a: unknown, b: unknown): unknown {
  if (typeof a === 'bigint' && typeof b === 'bigint') return wrapInt(a * b);
  if (isNumber(a) && isNumber(b)) return Number(a) * Number(b);
  if (a instanceof GoDuration && typeof b === 'bigint') return new GoDuration(a.ns * b);
  if (typeof a === 'bigint' && b instanceof GoDuration) return new GoDuration(a * b.ns);
  return fault(`invalid operation: ${goTypeName(a)} * ${goTypeName(b)}`);
}

export function divide(a: unknown, b: unknown): number {
  if (isNumber(a) && isNumber(b)) return Number(a) / Number(b);
  return fault(`invalid operation: ${goTypeName(a)} / ${goTypeName(b)}`);
}

export function modulo(a: unknown, b: unknown): bigint {
  if (typeof a === 'bigint' && typeof b === 'bigint') {
    if (b === 0n) fault('integer divide by zero');
    return a % b;
  }
  return fault(`invalid operation: ${goTypeName(a)} % ${goTypeName(b)}`);
}

export function exponent(a: unknown, b: unknown): number {
  return Math.pow(toFloat64(a), toFloat64(b));
}

export function negate(a: unknown): unknown {
  if (typeof a === 'bigint') return wrapInt(-a);
  if (typeof a === 'number') return -a;
  if (a instanceof GoDuration) return new GoDuration(-a.ns);
  return fault(`invalid operation: - ${goTypeName(a)}`);
}

/** runtime.ToInt: numbers only (floats truncate). */
export function toInt(a: unknown): bigint {
  if (typeof a === 'bigint') return a;
  if (typeof a === 'number') return floatToInt(a);
  return fault(`invalid operation: int(${goTypeName(a)})`);
}

export function toIndex(a: unknown): number {
  return Number(toInt(a));
}

export function floatToInt(f: number): bigint {
  if (!Number.isFinite(f)) return MIN_INT64;
  return wrapInt(BigInt(Math.trunc(f)));
}

/** runtime.ToFloat64 */
export function toFloat64(a: unknown): number {
  if (isNumber(a)) return Number(a);
  return fault(`invalid operation: float(${goTypeName(a)})`);
}

export function asBool(v: unknown, what: string): boolean {
  if (typeof v === 'boolean') return v;
  return fault(`${what}: interface conversion: interface {} is ${goTypeName(v)}, not bool`);
}

export function asString(v: unknown, fn: string): string {
  if (typeof v === 'string') return v;
  return fault(`invalid argument for ${fn} (type ${goTypeName(v)}): expected string`);
}

export function asArray(v: unknown, fn: string): unknown[] {
  if (Array.isArray(v)) return v;
  return fault(`cannot ${fn} ${v === null || v === undefined ? 'nil' : goTypeName(v)}: not an array`);
}

/** Characters of a string as Go ranges over runes. */
export function runes(s: string): string[] {
  return Array.from(s);
}

/** Length in UTF-8 bytes before offset `i` (Go's strings.Index reports byte offsets). */
export function byteOffset(s: string, i: number): number {
  if (i <= 0) return i;
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\x7f]*$/.test(s) ? i : Buffer.byteLength(s.slice(0, i), 'utf8');
}

// ---------------------------------------------------------------------------------------------
// Host values

/**
 * Converts a value handed in by the host (a workflow variable map, a node status, ...) into the
 * expression model: integral JS numbers become ints, Dates become times, undefined becomes nil.
 */
export function fromHost(v: unknown): unknown {
  switch (typeof v) {
    case 'undefined':
      return null;
    case 'number':
      return Number.isInteger(v) && !Object.is(v, -0) && Number.isSafeInteger(v) ? BigInt(v) : v;
    case 'string':
    case 'boolean':
    case 'bigint':
    case 'function':
      return v;
  }
  if (v === null) return null;
  if (Array.isArray(v)) return v.map(fromHost);
  if (v instanceof Date) return GoTime.fromDate(v, UTC);
  if (v instanceof GoTime || v instanceof GoDuration || v instanceof GoLocation) return v;
  if (NATIVE.has(v as object)) return v;
  const out: ExprMap = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) setKey(out, k, fromHost(x));
  return out;
}

/**
 * Objects already in the expression model, which fromHost passes through: the sprig function map,
 * and environments built by argoExprEnv (whose direct values need no conversion).
 */
export const NATIVE = new WeakSet<object>();

/**
 * Converts an expression result for the host: ints become numbers (kept as bigint only when
 * outside the safe integer range), times become Dates, durations become milliseconds.
 */
export function toHost(v: unknown): unknown {
  if (typeof v === 'bigint') {
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  }
  if (v === null || v === undefined || typeof v !== 'object') return v ?? null;
  if (Array.isArray(v)) return v.map(toHost);
  if (v instanceof GoTime) return v.toDate();
  if (v instanceof GoDuration) return Number(v.ns) / 1e6;
  if (v instanceof GoLocation) return v.toString();
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) setKey(out, k, toHost(x));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Go's encoding/json

const HTML_ESCAPES: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026' };

/** A JSON string literal as Go's json.Marshal writes it. */
export function goJsonString(s: string, escapeHtml = true): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    const c = s.charCodeAt(i);
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (c < 0x20) {
      if (ch === '\n') out += '\\n';
      else if (ch === '\r') out += '\\r';
      else if (ch === '\t') out += '\\t';
      else out += '\\u00' + c.toString(16).padStart(2, '0');
    } else if (escapeHtml && (ch === '<' || ch === '>' || ch === '&')) out += HTML_ESCAPES[ch];
    else if (c === 0x2028 || c === 0x2029) out += '\\u' + c.toString(16);
    else if (c >= 0xd800 && c <= 0xdfff) {
      const next = s.charCodeAt(i + 1);
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        out += ch + s[i + 1];
        i++;
      } else out += '\\ufffd';
    } else out += ch;
  }
  return out + '"';
}

function goJsonFloat(f: number): string {
  if (!Number.isFinite(f)) fault(`json: unsupported value: ${formatGoFloat(f)}`);
  if (Object.is(f, -0)) return '-0';
  // JavaScript's shortest round-trip formatting is the ES6 algorithm Go's encoder follows.
  return String(f);
}

export interface JsonOptions {
  indent?: string;
  escapeHtml?: boolean;
}

/** json.Marshal / json.MarshalIndent(v, "", indent) */
export function goJsonMarshal(v: unknown, opts: JsonOptions = {}): string {
  const escapeHtml = opts.escapeHtml ?? true;
  const indent = opts.indent ?? '';
  const enc = (x: unknown, depth: number): string => {
    if (x === null || x === undefined) return 'null';
    switch (typeof x) {
      case 'string':
        return goJsonString(x, escapeHtml);
      case 'bigint':
        return x.toString();
      case 'number':
        return goJsonFloat(x);
      case 'boolean':
        return x ? 'true' : 'false';
      case 'function':
        return fault('json: unsupported type: func(...interface {}) interface {}');
    }
    const nl = indent ? '\n' + indent.repeat(depth + 1) : '';
    const close = indent ? '\n' + indent.repeat(depth) : '';
    const colon = indent ? ': ' : ':';
    if (Array.isArray(x)) {
      if (x.length === 0) return '[]';
      return '[' + x.map((e) => nl + enc(e, depth + 1)).join(',') + close + ']';
    }
    if (x instanceof GoTime)
      return goJsonString(formatLayout(x, '2006-01-02T15:04:05.999999999Z07:00'), escapeHtml);
    if (x instanceof GoDuration) return x.ns.toString();
    if (x instanceof GoLocation) return '{}';
    const m = x as Record<string, unknown>;
    const keys = Object.keys(m).sort(byUtf8);
    if (keys.length === 0) return '{}';
    return (
      '{' +
      keys.map((k) => nl + goJsonString(k, escapeHtml) + colon + enc(m[k], depth + 1)).join(',') +
      close +
      '}'
    );
  };
  return enc(v, 0);
}

function byUtf8(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** json.Unmarshal into interface{}: numbers are floats. */
export function goJsonUnmarshal(text: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return fault((e as Error).message);
  }
  return parsed;
}
