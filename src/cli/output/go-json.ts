// Reproduces what Go's encoding/json writes when the argo CLI marshals a typed object it received:
// fields in Go struct declaration order (not the order the object arrived in), map keys sorted,
// fields without `omitempty` written even when absent ("name": "", "inputs": {}, "startedAt": null),
// and strings escaped as Go escapes them (<, > and & as \u003c, \u003e, \u0026).
import { GO_STRUCTS } from './go-structs.js';
import { canonicalQuantity } from './quantity.js';

/** A JSON value whose objects keep an explicit key order (JS objects would move integer-like keys first). */
export type GoJson = null | boolean | number | string | GoJson[] | GoObject;

export class GoObject {
  constructor(readonly entries: [string, GoJson][]) {}
}

type Scalar = 's' | 'b' | 'i' | 'f' | 'time' | 'mtime' | 'dur' | 'q' | 'ios' | 'bytes' | 'raw';

type TypeDesc =
  | { kind: 'scalar'; scalar: Scalar }
  | { kind: 'struct'; name: string }
  | { kind: 'ptr' | 'slice' | 'map'; elem: TypeDesc };

interface FieldDesc {
  name: string;
  type: TypeDesc;
  omitEmpty: boolean;
  omitZero: boolean;
}

function parseType(text: string): TypeDesc {
  if (text.startsWith('*')) return { kind: 'ptr', elem: parseType(text.slice(1)) };
  if (text.startsWith('[]')) return { kind: 'slice', elem: parseType(text.slice(2)) };
  if (text.startsWith('{}')) return { kind: 'map', elem: parseType(text.slice(2)) };
  if (text.startsWith('@')) return { kind: 'struct', name: text.slice(1) };
  return { kind: 'scalar', scalar: text as Scalar };
}

const parsedStructs = new Map<string, FieldDesc[]>();

function structFields(name: string): FieldDesc[] {
  let fields = parsedStructs.get(name);
  if (!fields) {
    const spec = GO_STRUCTS[name];
    if (spec === undefined) throw new Error(`no Go struct layout for ${name}`);
    fields =
      spec === ''
        ? []
        : spec.split(';').map((f) => {
            const [fieldName, type, flags = '0'] = f.split(' ');
            const bits = Number(flags);
            return {
              name: fieldName,
              type: parseType(type),
              omitEmpty: (bits & 1) !== 0,
              omitZero: (bits & 2) !== 0,
            };
          });
    parsedStructs.set(name, fields);
  }
  return fields;
}

export function hasGoLayout(typeName: string): boolean {
  return Object.prototype.hasOwnProperty.call(GO_STRUCTS, typeName);
}

/** Any JSON-like value, keys in the order they come. */
export function plainToGoJson(value: unknown): GoJson {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean' || typeof value === 'number' || typeof value === 'string') return value;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => plainToGoJson(v));
  if (value instanceof GoObject) return value;
  if (typeof value === 'object') {
    const entries: [string, GoJson][] = [];
    for (const [k, v] of Object.entries(value)) if (v !== undefined) entries.push([k, plainToGoJson(v)]);
    return new GoObject(entries);
  }
  return null;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

// metav1.Time: RFC 3339 in UTC with whole seconds; metav1.MicroTime: with microseconds.
function formatTime(value: unknown, micro: boolean): GoJson {
  if (value === null || value === undefined || value === '') return null;
  const ms = value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) return typeof value === 'string' ? value : null;
  const d = new Date(ms);
  const base =
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}` +
    `T${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`;
  if (!micro) return `${base}Z`;
  const fraction =
    typeof value === 'string' ? (/T[^.]*\.(\d+)/.exec(value)?.[1] ?? '') : pad(d.getUTCMilliseconds(), 3);
  return `${base}.${fraction.padEnd(6, '0').slice(0, 6)}Z`;
}

function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
    return Number(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  return 0;
}

function scalarToGoJson(scalar: Scalar, value: unknown): GoJson {
  switch (scalar) {
    case 's':
      // AnyString fields accept numbers and booleans and hold them as strings.
      if (typeof value === 'string') return value;
      if (typeof value === 'number' || typeof value === 'boolean') return String(value);
      return '';
    case 'b':
      return value === true;
    case 'i':
    case 'f':
      return toNumber(value);
    case 'time':
      return formatTime(value, false);
    case 'mtime':
      return formatTime(value, true);
    case 'q':
      if (typeof value === 'number') return canonicalQuantity(String(value));
      return typeof value === 'string' ? canonicalQuantity(value.trim()) : '0';
    case 'ios':
      return typeof value === 'number' || typeof value === 'string' ? value : 0;
    case 'dur':
      return typeof value === 'string' ? value : '0s';
    case 'bytes':
      return typeof value === 'string' ? value : null;
    case 'raw':
      return plainToGoJson(value);
  }
}

/** `value` (a plain JSON-like object) encoded as Go encodes the struct `typeName`. */
export function structToGoJson(typeName: string, value: unknown): GoObject {
  const source = value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  const entries: [string, GoJson][] = [];
  for (const field of structFields(typeName)) {
    const raw = source[field.name];
    const encoded = typedToGoJson(field.type, raw);
    if (field.omitEmpty && isEmpty(field.type, encoded)) continue;
    if (field.omitZero && isZero(field.type, encoded, raw)) continue;
    entries.push([field.name, encoded]);
  }
  return new GoObject(entries);
}

function typedToGoJson(type: TypeDesc, value: unknown): GoJson {
  switch (type.kind) {
    case 'scalar':
      return scalarToGoJson(type.scalar, value);
    case 'struct':
      return structToGoJson(type.name, value);
    case 'ptr':
      return value === null || value === undefined ? null : typedToGoJson(type.elem, value);
    case 'slice':
      return Array.isArray(value) ? value.map((v) => typedToGoJson(type.elem, v)) : null;
    case 'map': {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
      const keys = Object.keys(value).sort(compareUtf8);
      return new GoObject(
        keys.map((k) => [k, typedToGoJson(type.elem, (value as Record<string, unknown>)[k])]),
      );
    }
  }
}

// Go's omitempty: false, 0, "", nil pointers and empty slices/maps; a struct is never empty.
function isEmpty(type: TypeDesc, encoded: GoJson): boolean {
  if (type.kind === 'struct') return false;
  if (type.kind === 'scalar' && ['time', 'mtime', 'dur', 'q', 'ios', 'raw'].includes(type.scalar))
    return false;
  if (encoded === null || encoded === false || encoded === 0 || encoded === '') return true;
  if (Array.isArray(encoded)) return encoded.length === 0;
  if (encoded instanceof GoObject) return type.kind === 'map' && encoded.entries.length === 0;
  return false;
}

// Go's omitzero: the type's zero value (a zero metav1.Time, which encodes as null, included).
function isZero(type: TypeDesc, encoded: GoJson, raw: unknown): boolean {
  if (type.kind === 'struct') {
    return raw === null || raw === undefined || (typeof raw === 'object' && Object.keys(raw).length === 0);
  }
  if (type.kind === 'slice' || type.kind === 'map' || type.kind === 'ptr')
    return raw === null || raw === undefined;
  return encoded === null || encoded === false || encoded === 0 || encoded === '';
}

/** Go orders map keys by their UTF-8 bytes. */
export function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

// --- writing JSON text as encoding/json does ---

const HEX = '0123456789abcdef';

function quote(text: string): string {
  let out = '"';
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c >= 0xd800 && c <= 0xdfff) out += '\\ufffd';
    else if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x08) out += '\\b';
    else if (c === 0x0c) out += '\\f';
    else if (c < 0x20 || c === 0x3c || c === 0x3e || c === 0x26) out += `\\u00${HEX[c >> 4]}${HEX[c & 0xf]}`;
    else if (c === 0x2028 || c === 0x2029) out += `\\u${c.toString(16)}`;
    else out += ch;
  }
  return `${out}"`;
}

function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return 'null';
  if (Object.is(n, -0)) return '-0';
  return String(n);
}

/**
 * JSON text as json.Marshal (indent undefined) or json.MarshalIndent(v, "", indent) writes it,
 * without a trailing newline.
 */
export function writeGoJson(value: GoJson, indent?: string): string {
  const write = (v: GoJson, depth: number): string => {
    if (v === null) return 'null';
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    if (typeof v === 'number') return formatNumber(v);
    if (typeof v === 'string') return quote(v);
    const items: string[] = Array.isArray(v)
      ? v.map((item) => write(item, depth + 1))
      : v.entries.map(
          ([k, item]) => `${quote(k)}:${indent === undefined ? '' : ' '}${write(item, depth + 1)}`,
        );
    const [open, close] = Array.isArray(v) ? ['[', ']'] : ['{', '}'];
    if (items.length === 0) return open + close;
    if (indent === undefined) return open + items.join(',') + close;
    const inner = '\n' + indent.repeat(depth + 1);
    return open + inner + items.join(',' + inner) + '\n' + indent.repeat(depth) + close;
  };
  return write(value, 0);
}
