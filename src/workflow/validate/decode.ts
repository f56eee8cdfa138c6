// Decodes a manifest's JSON value against the field table the way Argo's Go decoding does
// (sigs.k8s.io/json strict mode for `--strict`, encoding/json otherwise): unknown and mistyped
// fields produce the same messages, AnyString fields become strings, and the result carries only
// the fields Go would keep. Nothing here throws for bad input; problems are returned.
import { WORKFLOW_STEP_FIELDS, goTypeName, structDef, type ResourceKind, type TypeExpr } from './fields.js';
import { formatGoFloat } from './go-format.js';

export interface DecodeOptions {
  /** Reject unknown fields (upstream's `--strict`, on by default). */
  strict: boolean;
  /**
   * Walk object keys in sorted order, as Go does for YAML input (it passes through a Go map before
   * decoding); it decides which error is reported first. Output keeps the original order.
   */
  sortKeys?: boolean;
}

export interface DecodeResult {
  /** The decoded resource: known fields only, AnyString values as strings. */
  value: Record<string, unknown>;
  /** `unknown field "spec.foo"` entries, in decoding order (strict mode only). */
  strictErrors: string[];
  /** A fatal decoding error (wrong type, malformed quantity, ...); strict errors are moot then. */
  error?: string;
}

/** The message Argo reports for a decode result, or undefined when it decoded cleanly. */
export function decodeErrorMessage(result: Pick<DecodeResult, 'strictErrors' | 'error'>): string | undefined {
  if (result.error !== undefined) return result.error;
  if (result.strictErrors.length > 0) return `strict decoding error: ${result.strictErrors.join(', ')}`;
  return undefined;
}

export function decodeResource(kind: ResourceKind, raw: unknown, opts: DecodeOptions): DecodeResult {
  const decoder = new Decoder(opts);
  return decoder.run({ kind: 'struct', name: kind }, raw);
}

/** Decodes any table type, e.g. a single Template (used to read stored templates). */
export function decodeAs(type: TypeExpr, raw: unknown, opts: DecodeOptions): DecodeResult {
  return new Decoder(opts).run(type, raw);
}

interface Context {
  /** Strict-error path: `spec.templates[0].container`. */
  path: string;
  /** Struct field names from the root (no indices or map keys), as Go's type errors show them. */
  fields: string[];
  /** The struct whose field is being decoded. */
  struct: string;
  /** Inside a step list: unknown fields ignored, names matched case-insensitively. */
  lenient?: { outer: Context; firstError?: Problem };
}

type Problem = { type: 'mismatch'; value: string; goType: string } | { type: 'plain'; message: string };

/** An error a custom Go unmarshaller returns: decoding stops there. */
class Abort {
  constructor(readonly message: string) {}
}

const INT_RANGES: Record<string, [number, number]> = {
  i32: [-2147483648, 2147483647],
  // The nearest doubles to the 64-bit bounds; values past them overflow in Go too.
  i64: [-(2 ** 63), 2 ** 63],
  u64: [0, 2 ** 64],
};

const QUANTITY_FORMAT = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/;
const QUANTITY_SUFFIX = /^(|[numkMGTPE]|[KMGTPE]i|[eE][-+]?[0-9]+)$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'number':
      return 'number';
    case 'boolean':
      return 'bool';
    default:
      return 'object';
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function numberText(n: number): string {
  return Number.isInteger(n) && Math.abs(n) < 1e21 ? BigInt(n).toString() : String(n);
}

class Decoder {
  private readonly strictErrors: string[] = [];
  private readonly seenStrict = new Set<string>();
  private saved?: string;

  constructor(private readonly opts: DecodeOptions) {}

  run(type: TypeExpr, raw: unknown): DecodeResult {
    const root: Context = { path: '', fields: [], struct: '' };
    let value: unknown;
    try {
      value = this.decode(type, raw, root);
    } catch (e) {
      if (!(e instanceof Abort)) throw e;
      return { value: {}, strictErrors: [], error: e.message };
    }
    const out = isObject(value) ? value : {};
    if (this.saved !== undefined) return { value: out, strictErrors: [], error: this.saved };
    return { value: out, strictErrors: this.strictErrors };
  }

  private format(problem: Problem, ctx: Context): string {
    if (problem.type === 'plain') return problem.message;
    if (ctx.struct !== '' || ctx.fields.length > 0) {
      return `json: cannot unmarshal ${problem.value} into Go struct field ${ctx.struct}.${ctx.fields.join('.')} of type ${problem.goType}`;
    }
    return `json: cannot unmarshal ${problem.value} into Go value of type ${problem.goType}`;
  }

  /** A type mismatch Go records and decoding continues past. */
  private save(problem: Problem, ctx: Context): void {
    if (ctx.lenient) {
      ctx.lenient.firstError ??= problem;
      return;
    }
    this.saved ??= this.format(problem, ctx);
  }

  /** An error returned by a custom unmarshaller, ending the decode. */
  private abort(problem: Problem, ctx: Context): never {
    throw new Abort(this.format(problem, ctx.lenient ? ctx.lenient.outer : ctx));
  }

  private unknownField(ctx: Context, key: string): void {
    if (!this.opts.strict || ctx.lenient) return;
    const msg = `unknown field ${JSON.stringify(ctx.path === '' ? key : `${ctx.path}.${key}`)}`;
    if (this.seenStrict.has(msg) || this.strictErrors.length >= 100) return;
    this.seenStrict.add(msg);
    this.strictErrors.push(msg);
  }

  private keysOf(obj: Record<string, unknown>): string[] {
    const keys = Object.keys(obj);
    return this.opts.sortKeys ? [...keys].sort() : keys;
  }

  private decode(type: TypeExpr, raw: unknown, ctx: Context): unknown {
    switch (type.kind) {
      case 'struct':
        return this.decodeStruct(type.name, raw, ctx);
      case 'list': {
        if (raw === null || raw === undefined) return undefined;
        if (!Array.isArray(raw)) {
          this.save({ type: 'mismatch', value: jsonKind(raw), goType: goTypeName(type) }, ctx);
          return undefined;
        }
        return Array.from(raw, (item: unknown, i) =>
          this.element(type.of, item, { ...ctx, path: `${ctx.path}[${i}]` }),
        );
      }
      case 'map': {
        if (raw === null || raw === undefined) return undefined;
        if (!isObject(raw)) {
          this.save({ type: 'mismatch', value: jsonKind(raw), goType: goTypeName(type) }, ctx);
          return undefined;
        }
        const decoded = new Map<string, unknown>();
        for (const key of this.keysOf(raw)) {
          decoded.set(
            key,
            this.element(type.of, raw[key], { ...ctx, path: ctx.path === '' ? key : `${ctx.path}.${key}` }),
          );
        }
        const out: Record<string, unknown> = {};
        // defineProperty keeps a `__proto__` key as data instead of a prototype change.
        for (const key of Object.keys(raw)) {
          Object.defineProperty(out, key, {
            value: decoded.get(key),
            enumerable: true,
            writable: true,
            configurable: true,
          });
        }
        return out;
      }
      case 'scalar':
        return this.decodeScalar(type, raw, ctx);
    }
  }

  /** A list or map element: a JSON null becomes the element type's zero value, as in Go. */
  private element(type: TypeExpr, raw: unknown, ctx: Context): unknown {
    const v = this.decode(type, raw, ctx);
    return v !== undefined ? v : zeroValue(type);
  }

  private decodeStruct(name: string, raw: unknown, ctx: Context): unknown {
    if (raw === null || raw === undefined) return undefined;
    const def = structDef(name);
    if (!isObject(raw)) {
      this.save({ type: 'mismatch', value: jsonKind(raw), goType: def.goName }, ctx);
      return undefined;
    }
    const caseInsensitive = !this.opts.strict || ctx.lenient !== undefined;
    const decoded = new Map<string, [string, unknown]>();
    for (const key of this.keysOf(raw)) {
      let field = def.fields.has(key) ? key : undefined;
      if (field === undefined && caseInsensitive) {
        const lower = key.toLowerCase();
        field = [...def.fields.keys()].find((f) => f.toLowerCase() === lower);
      }
      if (field === undefined) {
        this.unknownField(ctx, key);
        continue;
      }
      const child: Context = {
        path: ctx.path === '' ? field : `${ctx.path}.${field}`,
        fields: [...ctx.fields, field],
        struct: def.structName,
        lenient: ctx.lenient,
      };
      decoded.set(key, [field, this.decode(def.fields.get(field)!, raw[key], child)]);
    }
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(raw)) {
      const entry = decoded.get(key);
      if (entry && entry[1] !== undefined) out[entry[0]] = entry[1];
    }
    return out;
  }

  private decodeScalar(type: Extract<TypeExpr, { kind: 'scalar' }>, raw: unknown, ctx: Context): unknown {
    if (raw === undefined) return undefined;
    const mismatch = (value: string = jsonKind(raw)): undefined => {
      this.save({ type: 'mismatch', value, goType: type.goName }, ctx);
      return undefined;
    };
    switch (type.scalar) {
      case 's':
        if (raw === null) return undefined;
        return typeof raw === 'string' ? raw : mismatch();
      case 'b':
        if (raw === null) return undefined;
        return typeof raw === 'boolean' ? raw : mismatch();
      case 'i32':
      case 'i64':
      case 'u64': {
        if (raw === null) return undefined;
        if (typeof raw !== 'number') return mismatch();
        const [min, max] = INT_RANGES[type.scalar];
        if (!Number.isInteger(raw) || raw < min || raw > max || (type.scalar !== 'i32' && raw === max))
          return mismatch(`number ${numberText(raw)}`);
        return raw;
      }
      case 'f64':
        if (raw === null) return undefined;
        return typeof raw === 'number' ? raw : mismatch();
      case 'anystr':
        if (raw === null) return undefined;
        if (typeof raw === 'string') return raw;
        if (typeof raw === 'number') return formatGoFloat(raw);
        if (typeof raw === 'boolean') return String(raw);
        // Go's AnyString silently keeps nothing of a list or map.
        return '';
      case 'ios':
        if (raw === null) return undefined;
        if (typeof raw === 'string') return raw;
        if (typeof raw === 'number') {
          if (Number.isInteger(raw) && raw >= INT_RANGES.i32[0] && raw <= INT_RANGES.i32[1]) return raw;
          return this.abort({ type: 'mismatch', value: `number ${numberText(raw)}`, goType: 'int32' }, ctx);
        }
        return this.abort({ type: 'mismatch', value: jsonKind(raw), goType: 'int32' }, ctx);
      case 'qty':
        return this.decodeQuantity(raw, ctx);
      case 'time':
        if (raw === null) return undefined;
        if (typeof raw !== 'string')
          return this.abort({ type: 'mismatch', value: jsonKind(raw), goType: 'string' }, ctx);
        if (!RFC3339.test(raw)) {
          return this.abort(
            {
              type: 'plain',
              message: `parsing time ${JSON.stringify(raw)} as "2006-01-02T15:04:05Z07:00": cannot parse ${JSON.stringify(raw)} as "2006"`,
            },
            ctx,
          );
        }
        return raw;
      case 'bytes':
        if (raw === null) return undefined;
        if (typeof raw !== 'string') return mismatch();
        if (!/^[A-Za-z0-9+/]*={0,2}$/.test(raw) || raw.length % 4 !== 0) {
          this.save({ type: 'plain', message: 'illegal base64 data at input byte 0' }, ctx);
          return undefined;
        }
        return raw;
      case 'any':
      case 'item':
      case 'amount':
        return raw;
      case 'plugin':
        if (raw === null) return undefined;
        if (!isObject(raw)) {
          return this.abort(
            { type: 'mismatch', value: jsonKind(raw), goType: 'map[string]interface {}' },
            ctx,
          );
        }
        if (Object.keys(raw).length !== 1) {
          return this.abort(
            { type: 'plain', message: `expected exactly one key, got ${Object.keys(raw).length}` },
            ctx,
          );
        }
        return raw;
      case 'psteps':
        return this.decodeStepGroup(raw, ctx);
    }
  }

  private decodeQuantity(raw: unknown, ctx: Context): unknown {
    if (raw === null) return undefined;
    const text =
      typeof raw === 'string' ? raw.trim() : typeof raw === 'number' ? numberText(raw) : JSON.stringify(raw);
    const m = QUANTITY_FORMAT.exec(text);
    if (!m) {
      return this.abort(
        {
          type: 'plain',
          message:
            "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
        },
        ctx,
      );
    }
    if (!QUANTITY_SUFFIX.test(m[2]))
      return this.abort({ type: 'plain', message: "unable to parse quantity's suffix" }, ctx);
    return raw;
  }

  /**
   * Argo decodes each group of parallel steps itself: it rejects keys a step does not have (even
   * without --strict, naming only the key), then decodes leniently with encoding/json, whose type
   * errors surface with the steps field's position.
   */
  private decodeStepGroup(raw: unknown, ctx: Context): unknown {
    if (raw === null) return undefined;
    const groupType = '[]map[string]interface {}';
    if (!Array.isArray(raw))
      return this.abort({ type: 'mismatch', value: jsonKind(raw), goType: groupType }, ctx);
    for (const step of raw) {
      if (step != null && !isObject(step)) {
        return this.abort(
          { type: 'mismatch', value: jsonKind(step), goType: 'map[string]interface {}' },
          ctx,
        );
      }
    }
    for (const step of raw) {
      if (!isObject(step)) continue;
      for (const key of Object.keys(step)) {
        if (!WORKFLOW_STEP_FIELDS.has(key)) {
          return this.abort({ type: 'plain', message: `json: unknown field ${JSON.stringify(key)}` }, ctx);
        }
      }
    }
    const outer = ctx.lenient ? ctx.lenient.outer : ctx;
    const lenient: NonNullable<Context['lenient']> = { outer };
    const inner: Context = { path: ctx.path, fields: [], struct: '', lenient };
    const steps = Array.from(raw, (step: unknown, i) => {
      const v = this.decodeStruct('WorkflowStep', step, { ...inner, path: `${ctx.path}[${i}]` });
      return v === undefined ? {} : v;
    });
    // The group's own decode returns its first error, which ends every enclosing decode too.
    if (lenient.firstError) throw new Abort(this.format(lenient.firstError, outer));
    return steps;
  }
}

function zeroValue(type: TypeExpr): unknown {
  switch (type.kind) {
    case 'struct':
      return {};
    case 'list':
    case 'map':
      return null;
    case 'scalar':
      switch (type.scalar) {
        case 's':
        case 'anystr':
          return '';
        case 'b':
          return false;
        case 'i32':
        case 'i64':
        case 'u64':
        case 'f64':
          return 0;
        default:
          return null;
      }
  }
}
