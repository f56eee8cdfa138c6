// JSON as the Argo Server writes it. Upstream re-encodes every object through its Go structs, so
// null values and empty lists (omitempty) never reach the wire; `fields` then trims the response
// the way upstream's field cleaner does.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * A copy without null/undefined members and without empty arrays, as Go's omitempty writes. Arrays
 * at the top level stay (a list response always has its `items`) unless `value` is itself a member
 * of a response, as one item of a list is.
 */
export function pruneEmpty<T>(value: T, member = false): T {
  return prune(value as unknown as Json, !member) as unknown as T;
}

function prune(value: Json, top = false): Json {
  if (Array.isArray(value)) return value.map((v) => prune(v));
  if (value === null || typeof value !== 'object') return value;
  const out: { [key: string]: Json } = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === null || v === undefined) continue;
    if (Array.isArray(v) && v.length === 0 && !top) continue;
    out[k] = prune(v);
  }
  return out;
}

/**
 * A request body without its null members. Go clients write unset pointers and times as null
 * (`"creationTimestamp": null`); to a Go server, as here, those mean absent.
 */
export function dropNulls<T>(value: T): T {
  if (Array.isArray(value)) return value.map(dropNulls) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== null && v !== undefined) out[k] = dropNulls(v);
  return out as T;
}

/**
 * The `fields` query parameter: `a,b.c` keeps only those paths (and their parents), `-a,b.c` drops
 * them. Paths run through arrays without an index (`items.metadata.name`).
 */
export class FieldCleaner {
  private readonly exclude: boolean;
  private readonly fields: Set<string>;

  constructor(spec: string | undefined, exclude?: boolean) {
    let text = spec ?? '';
    this.exclude = exclude ?? text.startsWith('-');
    if (exclude === undefined && this.exclude) text = text.slice(1);
    this.fields = new Set(text === '' ? [] : text.split(','));
  }

  get active(): boolean {
    return this.fields.size > 0;
  }

  /** The same cleaner for objects nested under `prefix` (e.g. `result.object.` of a watch event). */
  withoutPrefix(prefix: string): FieldCleaner {
    const fields = [...this.fields].map((f) => (f.startsWith(prefix) ? f.slice(prefix.length) : f));
    return new FieldCleaner(fields.join(','), this.exclude);
  }

  /** Whether the response would leave out `path`, so the work to fill it can be skipped. */
  willExclude(path: string): boolean {
    if (!this.active) return false;
    const matches = [...this.fields].some((f) => path.startsWith(f) || f.startsWith(path));
    return matches ? this.exclude : !this.exclude;
  }

  /**
   * The value trimmed to the fields. A new object is built and kept subtrees are shared, not
   * copied: a workflow with a 50 MB annotation must not be serialised and parsed again to be trimmed.
   */
  clean<T>(value: T): T {
    if (!this.active) return value;
    return this.cleanItem([], value as unknown as Json) as unknown as T;
  }

  /** `item`, an element of the array at `path` (as a list's `items`), trimmed as it would be there. */
  cleanElement<T>(path: string, item: T): T {
    if (!this.active) return item;
    return this.cleanItem(path.split('.'), item as unknown as Json) as unknown as T;
  }

  private cleanItem(path: string[], item: Json): Json {
    if (Array.isArray(item)) return item.map((el) => this.cleanItem(path, el));
    if (item === null || typeof item !== 'object') return item;
    const out: { [key: string]: Json } = {};
    for (const [key, value] of Object.entries(item)) {
      if (value === undefined) continue;
      const fieldPath = [...path, key].join('.');
      const listed = this.fields.has(fieldPath);
      // A listed path's ancestors stay, so the path can be reached.
      const leadsToListed = listed || [...this.fields].some((f) => f.startsWith(fieldPath));
      const keep = this.exclude ? !listed : leadsToListed;
      if (keep) out[key] = listed ? value : this.cleanItem([...path, key], value);
    }
    return out;
  }
}

/**
 * A resource as Go writes it after a `fields` trim: `metadata`, `spec` and `status` are structs,
 * which Go always writes (as `{}` when empty), so clients can rely on them being objects.
 */
export function withResourceStructs<T>(obj: T): T {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return obj;
  const o = obj as Record<string, unknown>;
  return { ...o, metadata: o.metadata ?? {}, spec: o.spec ?? {}, status: o.status ?? {} } as T;
}
