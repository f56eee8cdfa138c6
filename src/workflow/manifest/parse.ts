// Splitting a file of manifests into objects: a single JSON value, or YAML documents separated by
// `---`. Argo resources are decoded against the API's field table (strict by default, as `argo lint`
// and `argo submit` do); other objects come back as written so callers can skip or report them.
import { Composer, LineCounter, type Document } from 'yaml';
import { decodeErrorMessage, decodeResource } from '../validate/decode.js';
import { RESOURCE_KINDS, type ResourceKind } from '../validate/fields.js';
import { EXCESSIVE_ALIASING, MANIFEST_LIMITS, oversizeMessage, parseWithinLimits } from './limits.js';
import {
  convertDocument,
  lenientDocuments,
  lenientFirstDuplicate,
  YamlValueError,
  type ConvertedDocument,
  type DuplicateKey,
  type JsonValue,
} from './yaml-values.js';

export interface ParsedManifest {
  /** The file it came from (`stdin` for standard input). */
  source: string;
  /** Position among the objects of its source, from 0 (upstream names unnamed ones `object #<index+1>`). */
  index: number;
  /** 1-based line where the object starts. */
  line: number;
  /** `kind` as written; empty when absent. */
  kind: string;
  /** For Argo resources the decoded object (known fields, AnyString values as text); else as written. */
  object: Record<string, unknown>;
  /** The object as written (after YAML resolution), before decoding. */
  raw: Record<string, unknown>;
  /** The decoding error Argo reports for this object (unknown field, wrong type, duplicate key). */
  error?: string;
  /**
   * 1-based line of each field and list element, keyed by path (`spec.templates[0].name`); empty for
   * files only go-yaml's leniency accepts (read without positions).
   */
  lines: ReadonlyMap<string, number>;
}

export interface ParseOptions {
  /** Reject unknown and duplicate fields (default true, like upstream's `--strict`). */
  strict?: boolean;
}

/** Malformed input: `<file>:<line>:<col>: <what is wrong>`. */
export class ManifestError extends Error {
  constructor(
    readonly source: string,
    readonly line: number,
    readonly col: number,
    readonly reason: string,
  ) {
    super(`${source}:${line}:${col}: ${reason}`);
    this.name = 'ManifestError';
  }
}

export function isResourceKind(kind: string): kind is ResourceKind {
  return (RESOURCE_KINDS as readonly string[]).includes(kind);
}

export function parseManifests(text: string, source: string, opts: ParseOptions = {}): ParsedManifest[] {
  const strict = opts.strict ?? true;
  const json = isJson(text);
  const lineCounter = new LineCounter();
  const list = composeWithinLimits(text, source, lineCounter);
  const failed = list.find((d) => d.errors.length > 0);
  let converted: { doc: ConvertedDocument; start: number }[];
  if (failed) {
    const err = failed.errors[0];
    let values: JsonValue[];
    try {
      values = lenientDocuments(text);
    } catch (e) {
      // A bomb is refused as such, not as the syntax the strict reader stumbled on.
      if (e instanceof YamlValueError && e.message === EXCESSIVE_ALIASING)
        throw new ManifestError(source, e.line, e.col, e.message);
      const pos = err.linePos?.[0] ?? lineCounter.linePos(err.pos[0]);
      throw new ManifestError(source, pos.line, pos.col, firstLine(err.message));
    }
    const starts = documentStarts(text);
    const duplicate = lenientFirstDuplicate(text);
    converted = values
      .map((value, i) => {
        const start = starts[i] ?? 0;
        const end = starts[i + 1] ?? text.length;
        const inDoc = duplicate !== undefined && within(lineCounter, duplicate.line, start, end);
        const duplicates: DuplicateKey[] = inDoc
          ? [{ path: duplicate.key, key: duplicate.key, line: duplicate.line }]
          : [];
        return { doc: { value, duplicates, lines: new Map<string, number>() }, start };
      })
      .filter((c) => c.doc.value !== null);
  } else {
    converted = [];
    for (const doc of list) {
      if (isEmptyDocument(doc)) continue;
      try {
        converted.push({ doc: convertDocument(doc, lineCounter), start: doc.contents?.range?.[0] ?? 0 });
      } catch (e) {
        if (e instanceof YamlValueError) throw new ManifestError(source, e.line, e.col, e.message);
        throw e;
      }
    }
  }
  if (json && converted.length !== 1) return [];
  const out: ParsedManifest[] = [];
  for (const { doc, start } of converted) {
    const raw = doc.value;
    // Only mappings can be Kubernetes objects; anything else is not a manifest and is passed over.
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) continue;
    const kind = typeof raw.kind === 'string' ? raw.kind : '';
    const manifest: ParsedManifest = {
      source,
      index: out.length,
      line: lineCounter.linePos(start).line,
      kind,
      object: raw,
      raw,
      lines: doc.lines,
    };
    if (isResourceKind(kind)) {
      const duplicateError = strict
        ? duplicateMessage(doc.duplicates, json, text, start, lineCounter)
        : undefined;
      const decoded = decodeResource(kind, raw, { strict, sortKeys: !json });
      if (duplicateError?.fatal) manifest.error = duplicateError.fatal;
      else {
        const strictErrors = [...(duplicateError?.strict ?? []), ...decoded.strictErrors];
        manifest.error = decodeErrorMessage({ error: decoded.error, strictErrors });
      }
      if (decoded.error === undefined) manifest.object = decoded.value;
    }
    out.push(manifest);
  }
  return out;
}

/** A file over the size limit: one line naming it (document count and depth say where, as ManifestError). */
export class ManifestLimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ManifestLimitError';
  }
}

/** The file's YAML documents, composed only once the file is known to be within the limits. */
function composeWithinLimits(text: string, source: string, lineCounter: LineCounter): Document[] {
  // Characters, not bytes: counting bytes of a large string costs a pass; UTF-8 is never shorter.
  if (text.length > MANIFEST_LIMITS.maxBytes)
    throw new ManifestLimitError(oversizeMessage(source, text.length));
  const { tokens, violation } = parseWithinLimits(text, lineCounter.addNewLine);
  if (violation) {
    const pos = lineCounter.linePos(violation.offset);
    throw new ManifestError(source, pos.line, pos.col, violation.reason);
  }
  const composer = new Composer({ schema: 'failsafe', uniqueKeys: false, strict: false });
  return [...composer.compose(tokens)];
}

function within(lineCounter: LineCounter, line: number, start: number, end: number): boolean {
  return (
    line >= lineCounter.linePos(start).line && line <= lineCounter.linePos(Math.max(start, end - 1)).line
  );
}

/** Offsets where documents start, for input read by the lenient parser (which gives none). */
function documentStarts(text: string): number[] {
  const markers = [...text.matchAll(/^---(?=\s|$)/gm)].map((m) => m.index);
  const before = text.slice(0, markers[0] ?? text.length);
  // Comments and blank lines before the first `---` make no document of their own.
  const leading = before.split('\n').some((l) => l.trim() !== '' && !l.trim().startsWith('#'));
  return [...(leading || markers.length === 0 ? [0] : []), ...markers.map((m) => m + 3)];
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function isEmptyDocument(doc: Document): boolean {
  const c = doc.contents as { source?: string; type?: string; tag?: string } | null;
  if (c === null || c === undefined) return true;
  return c.type === 'PLAIN' && c.source === '' && !c.tag;
}

function firstLine(message: string): string {
  const line = message.split('\n')[0];
  return line.replace(/ at line \d+, column \d+:?$/, '');
}

/**
 * Duplicate keys: YAML input fails like go-yaml's strict mode (lines counted from the document's
 * `---`, as upstream splits files there); JSON input yields strict `duplicate field` errors.
 */
function duplicateMessage(
  duplicates: DuplicateKey[],
  json: boolean,
  text: string,
  docStart: number,
  lineCounter: LineCounter,
): { fatal?: string; strict?: string[] } | undefined {
  if (duplicates.length === 0) return undefined;
  if (json) return { strict: duplicates.map((d) => `duplicate field ${JSON.stringify(d.path)}`) };
  const separator = text.lastIndexOf('\n---', docStart);
  const base = separator < 0 ? 1 : lineCounter.linePos(separator + 1).line;
  const lines = duplicates.map(
    (d) => `line ${d.line - base + 1}: key ${JSON.stringify(d.key)} already set in map`,
  );
  return { fatal: `yaml: unmarshal errors:\n  ${lines.join('\n  ')}` };
}
