// Turns a parsed YAML document into plain JSON-like values the way Argo's Go tooling reads
// manifests (go-yaml v2 through sigs.k8s.io/yaml): YAML 1.1 plain scalars (`yes`, `on`, `0x1F`,
// `1_000`, `.5`), merge keys, anchors, later duplicate keys winning. Getting this wrong changes
// what a user's workflow means, so it is kept separate from the YAML syntax parser.
import jsyaml from 'js-yaml';
import { AliasBudget, EXCESSIVE_ALIASING } from './limits.js';
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A key written twice in one mapping (YAML 1.1 strict decoding rejects these). */
export interface DuplicateKey {
  /** Path of the mapping's entry, in strict-decoding notation (`spec.templates[0].name`). */
  path: string;
  key: string;
  /** 1-based line of the second occurrence. */
  line: number;
}

export interface ConvertedDocument {
  value: JsonValue;
  duplicates: DuplicateKey[];
  /** 1-based line of each mapping entry and sequence element, by path. */
  lines: Map<string, number>;
}

export class YamlValueError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly col: number,
  ) {
    super(message);
  }
}

const BOOLS = new Map<string, boolean>();
for (const s of ['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']) BOOLS.set(s, true);
for (const s of ['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF'])
  BOOLS.set(s, false);
const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);
const SPECIAL_FLOATS = new Map<string, number>([
  ['.nan', NaN],
  ['.NaN', NaN],
  ['.NAN', NaN],
  ['.inf', Infinity],
  ['.Inf', Infinity],
  ['.INF', Infinity],
  ['+.inf', Infinity],
  ['+.Inf', Infinity],
  ['+.INF', Infinity],
  ['-.inf', -Infinity],
  ['-.Inf', -Infinity],
  ['-.INF', -Infinity],
]);
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const TAG_PREFIX = 'tag:yaml.org,2002:';

/**
 * Go's strconv.ParseInt(s, 0, 64) accepting forms: optional sign, then 0x/0o/0b prefixes, a leading
 * 0 meaning octal, or decimal. Returns undefined when Go would reject the text.
 */
export function parseGoInt(text: string): number | undefined {
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(text);
  if (!m) return undefined;
  const body = m[2];
  let big: bigint;
  if (/^0[oO]/.test(body)) big = BigInt(`0o${body.slice(2)}`);
  else if (/^0[0-7]+$/.test(body)) big = BigInt(`0o${body.slice(1)}`);
  else big = BigInt(body);
  if (m[1] === '-') big = -big;
  // Past int64 go-yaml falls back to uint64 and then to float; a JS number covers both.
  if (big > 18446744073709551615n || big < -9223372036854775808n) return undefined;
  return Number(big);
}

/** Resolves an untagged plain scalar as go-yaml v2 does. */
export function resolvePlainScalar(text: string): JsonValue {
  const bool = BOOLS.get(text);
  if (bool !== undefined) return bool;
  if (NULLS.has(text)) return null;
  const special = SPECIAL_FLOATS.get(text);
  if (special !== undefined) return special;
  const first = text[0];
  if (first === '.') {
    const f = parseGoFloat(text);
    return f === undefined ? text : f;
  }
  if (first === '+' || first === '-' || (first >= '0' && first <= '9')) {
    const plain = text.replace(/_/g, '');
    const i = parseGoInt(plain);
    if (i !== undefined) return i;
    if (YAML_STYLE_FLOAT.test(plain)) {
      const f = parseGoFloat(plain);
      if (f !== undefined) return f;
    }
  }
  return text;
}

function parseGoFloat(text: string): number | undefined {
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) return undefined;
  return Number(text);
}

export function resolveTaggedScalar(tag: string, text: string, plain: boolean): JsonValue {
  const short = tag.startsWith(TAG_PREFIX) ? tag.slice(TAG_PREFIX.length) : tag;
  switch (short) {
    case 'str':
    case 'binary':
    case 'timestamp':
      return text;
    case 'null':
      return null;
    case 'bool':
      return BOOLS.get(text) ?? text;
    case 'int': {
      const i = parseGoInt(text.replace(/_/g, ''));
      return i === undefined ? text : i;
    }
    case 'float': {
      const special = SPECIAL_FLOATS.get(text);
      if (special !== undefined) return special;
      const f = parseGoFloat(text.replace(/_/g, ''));
      return f === undefined ? text : f;
    }
    default:
      // Local tags (`!foo`) carry no meaning for JSON: the scalar resolves as if untagged.
      return plain ? resolvePlainScalar(text) : text;
  }
}

function keyText(value: JsonValue): string {
  if (typeof value === 'string') return value;
  if (value === true) return 'true';
  if (value === false) return 'false';
  if (typeof value === 'number') {
    if (Number.isInteger(value)) return String(value);
    if (Number.isNaN(value)) return '.nan';
    if (value === Infinity) return '.inf';
    if (value === -Infinity) return '-.inf';
    return String(Math.fround(value));
  }
  return String(value);
}

/** Assigns without letting a `__proto__` key change the object's prototype. */
export function setKey(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

function childPath(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** Converts one parsed document; throws YamlValueError for what JSON cannot represent. */
export function convertDocument(doc: Document, lineCounter: LineCounter): ConvertedDocument {
  const duplicates: DuplicateKey[] = [];
  const lines = new Map<string, number>();
  const pos = (node: Node | null | undefined): { line: number; col: number } => {
    const offset = node?.range?.[0] ?? 0;
    return lineCounter.linePos(offset);
  };
  const active = new Set<Node>();
  const budget = new AliasBudget();

  const convert = (node: unknown, path: string): JsonValue => {
    if (node === null || node === undefined) return null;
    if (budget.exceededBy(active.size > 0)) {
      const p = pos(node as Node);
      throw new YamlValueError(EXCESSIVE_ALIASING, p.line, p.col);
    }
    if (isAlias(node)) {
      const target = node.resolve(doc);
      if (!target) {
        const p = pos(node);
        throw new YamlValueError(`unknown anchor '${node.source}' referenced`, p.line, p.col);
      }
      if (active.has(target)) {
        const p = pos(node);
        throw new YamlValueError('anchor refers to itself', p.line, p.col);
      }
      active.add(target);
      try {
        return convert(target, path);
      } finally {
        active.delete(target);
      }
    }
    if (isScalar(node)) {
      const text = node.source ?? String(node.value ?? '');
      const plain = node.type === 'PLAIN';
      let v: JsonValue;
      if (node.tag) v = resolveTaggedScalar(node.tag, text, plain);
      else v = plain ? resolvePlainScalar(text) : text;
      if (typeof v === 'number' && !Number.isFinite(v)) {
        const p = pos(node);
        throw new YamlValueError(
          `json: unsupported value: ${Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf'}`,
          p.line,
          p.col,
        );
      }
      return v;
    }
    if (isSeq(node)) {
      return node.items.map((item, i) => {
        const p = `${path}[${i}]`;
        lines.set(p, pos(item as Node).line);
        return convert(item, p);
      });
    }
    if (isMap(node)) {
      const out: Record<string, JsonValue> = {};
      const seen = new Set<string>();
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const keyNode = pair.key as Node | null;
        if (isScalar(keyNode) && keyNode.type === 'PLAIN' && !keyNode.tag && keyNode.source === '<<') {
          mergeInto(out, pair.value, path);
          continue;
        }
        let keyValue: JsonValue;
        if (keyNode === null || keyNode === undefined) keyValue = null;
        else if (isScalar(keyNode) || isAlias(keyNode)) keyValue = convert(keyNode, path);
        else {
          const p = pos(keyNode);
          throw new YamlValueError(
            'unsupported map key: only scalar keys can be converted to JSON',
            p.line,
            p.col,
          );
        }
        if (keyValue === null) {
          const p = pos(keyNode ?? (pair.value as Node));
          throw new YamlValueError('unsupported map key of type: <nil>', p.line, p.col);
        }
        const key = keyText(keyValue);
        const p = childPath(path, key);
        const line = pos(keyNode).line;
        if (seen.has(key)) duplicates.push({ path: p, key, line });
        seen.add(key);
        lines.set(p, line);
        // go-yaml assigns keys in order, so a repeated key keeps its first position but takes the last value.
        setKey(out, key, convert(pair.value, p));
      }
      return out;
    }
    return null;
  };

  const mergeInto = (out: Record<string, JsonValue>, source: unknown, path: string): void => {
    const merged = (one: unknown): void => {
      const v = convert(one, path);
      if (v === null || typeof v !== 'object' || Array.isArray(v)) {
        const p = pos(one as Node);
        throw new YamlValueError('map merge requires map or sequence of maps as the value', p.line, p.col);
      }
      for (const [k, val] of Object.entries(v)) setKey(out, k, val);
    };
    const target = isAlias(source) ? source.resolve(doc) : source;
    if (isSeq(target)) {
      // Earlier maps in a merge list take precedence, so apply them last.
      for (const item of [...target.items].reverse()) merged(item);
    } else merged(source);
  };

  const value = convert(doc.contents, '');
  return { value, duplicates, lines };
}

// go-yaml accepts some layouts the YAML 1.2 parser above rejects, notably continuation lines of a
// quoted scalar no deeper than their key (`args: ["` ... `"]`, common in Argo's own examples).
// js-yaml is as lenient, so documents it accepts are read with it, with the same scalar rules.
const plainScalar = new jsyaml.Type('tag:yaml.org,2002:go-yaml-plain', {
  kind: 'scalar',
  resolve: () => true,
  construct: (text: string) => resolvePlainScalar(text),
});
const taggedScalars = ['int', 'float', 'bool', 'null', 'timestamp', 'binary'].map(
  (tag) =>
    new jsyaml.Type(`${TAG_PREFIX}${tag}`, {
      kind: 'scalar',
      resolve: () => true,
      construct: (text: string) => resolveTaggedScalar(`${TAG_PREFIX}${tag}`, text, false),
    }),
);
// The merge-key type exists at runtime but is missing from the type declarations.
const mergeKey = (jsyaml as unknown as { types: { merge: jsyaml.Type } }).types.merge;
const LENIENT_SCHEMA = jsyaml.FAILSAFE_SCHEMA.extend({
  implicit: [mergeKey, plainScalar],
  explicit: taggedScalars,
});

/** Documents as go-yaml would read them, for input the strict parser rejects; throws on real errors. */
export function lenientDocuments(text: string): JsonValue[] {
  const docs = jsyaml.loadAll(text, undefined, { schema: LENIENT_SCHEMA, json: true }) as JsonValue[];
  // js-yaml shares one object between an anchor and its aliases; a value met again is an alias.
  let budget = new AliasBudget();
  let seen = new Set<object>();
  let repeats = 0;
  const check = (v: JsonValue): void => {
    const shared = v !== null && typeof v === 'object' && seen.has(v);
    if (shared) repeats += 1;
    else if (v !== null && typeof v === 'object') seen.add(v);
    const exceeded = budget.exceededBy(repeats > 0);
    if (exceeded) throw new YamlValueError(EXCESSIVE_ALIASING, 1, 1);
    if (typeof v === 'number' && !Number.isFinite(v)) {
      throw new YamlValueError(
        `json: unsupported value: ${Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf'}`,
        1,
        1,
      );
    }
    if (Array.isArray(v)) v.forEach(check);
    else if (v !== null && typeof v === 'object') Object.values(v).forEach(check);
    if (shared) repeats -= 1;
  };
  for (const doc of docs) {
    budget = new AliasBudget();
    seen = new Set<object>();
    check(doc);
  }
  return docs;
}

/**
 * The first key written twice, found by reading again without go-yaml's "last wins" (the lenient
 * reader cannot report them all with paths, so strict mode at least sees this one).
 */
export function lenientFirstDuplicate(text: string): { key: string; line: number } | undefined {
  try {
    jsyaml.loadAll(text, undefined, { schema: LENIENT_SCHEMA, json: false });
    return undefined;
  } catch (e) {
    if (!(e instanceof jsyaml.YAMLException) || e.reason !== 'duplicated mapping key') return undefined;
    const line = (e.mark?.line ?? 0) + 1;
    const source = text.split('\n')[line - 1] ?? '';
    const key = /^\s*(?:-\s+)?["']?([^"':]+)["']?\s*:/.exec(source)?.[1] ?? '';
    return { key, line };
  }
}
