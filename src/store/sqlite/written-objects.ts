// What this store last wrote of each large object it was handed (UpdateOptions.handOver): the
// object's JSON beside its status parsed into a private copy, and the status's JSON. A controller
// rewrites its workflow on every pass; with this the next write of it reads back only the row's
// version, parses no stored text and compares the status as text, rather than reading, parsing and
// walking the whole stored workflow per pass. Entries are found by the row's id and version: a
// write by another process (a new version) is simply a miss, and the store falls back to the row.
import type { KubeObject } from '../../model/meta.js';

export interface WrittenObject {
  id: number;
  resourceVersion: number;
  /** The stored object without its status: the store's own copy, never handed out. */
  head: KubeObject;
  /** JSON.stringify of the stored status. */
  statusText: string;
}

/** An object's JSON in two parts, the status (its last member) apart from the rest. */
export interface SplitText {
  text: string;
  /** The object's JSON without its status; undefined when the status is absent or not last. */
  headText?: string;
  statusText?: string;
}

/** Objects whose JSON is shorter than this are cheap to read back, and not kept. */
export const MIN_KEPT_CHARS = 32 * 1024;
const MAX_ENTRIES = 16;
const MAX_CHARS = 64 * 1024 * 1024;

export class WrittenObjects {
  private readonly entries = new Map<string, WrittenObject>();
  private chars = 0;

  /** The entry for the row with this id at this version, if it was the last this store wrote. */
  get(key: string, id: number, resourceVersion: number): WrittenObject | undefined {
    const entry = this.entries.get(key);
    return entry && entry.id === id && entry.resourceVersion === resourceVersion ? entry : undefined;
  }

  /**
   * Keeps what a write stored, when it is large and its status came last (see splitText). `head`,
   * when given, is the store's own object equal to split.headText, so it need not be parsed.
   */
  remember(key: string, id: number, resourceVersion: number, split: SplitText, head?: KubeObject): void {
    this.forget(key);
    if (split.headText === undefined || split.statusText === undefined) return;
    if (split.text.length < MIN_KEPT_CHARS) return;
    head ??= JSON.parse(split.headText) as KubeObject;
    this.entries.set(key, { id, resourceVersion, head, statusText: split.statusText });
    this.chars += split.statusText.length;
    for (const [oldest, entry] of this.entries) {
      if (this.entries.size <= MAX_ENTRIES && this.chars <= MAX_CHARS) break;
      if (oldest === key) break;
      this.entries.delete(oldest);
      this.chars -= entry.statusText.length;
    }
  }

  forget(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.chars -= entry.statusText.length;
  }
}

/**
 * JSON.stringify(obj), made from the status's JSON and the rest's when the status is the object's
 * last member (as stored objects have it), so the caller gets both parts for the price of one.
 * `statusText`, when given, is JSON.stringify(obj.status) already made.
 */
export function splitText(obj: KubeObject, statusText?: string): SplitText {
  const record = obj as unknown as Record<string, unknown>;
  if (record.status === undefined || lastMember(record) !== 'status') return { text: JSON.stringify(obj) };
  const headText = JSON.stringify({ ...record, status: undefined });
  const status = statusText ?? JSON.stringify(record.status);
  // headText is never `{}`: a stored object has apiVersion, kind and metadata.
  return { text: `${headText.slice(0, -1)},"status":${status}}`, headText, statusText: status };
}

/** The last member JSON would write (members holding undefined are left out). */
function lastMember(record: Record<string, unknown>): string | undefined {
  let last: string | undefined;
  for (const k in record) if (Object.hasOwn(record, k) && record[k] !== undefined) last = k;
  return last;
}

/** Beyond this many differing characters, telling a reordering from a change is left to parsing. */
const MAX_WINDOW = 64 * 1024;

/**
 * Whether two different JSON texts could be the same value with members in another order (which
 * JSON.stringify of equal objects gives when keys were added in another order). False is certain:
 * texts of different lengths, or whose differing stretch (between their common start and end) does
 * not hold the same characters, are different values. A pass that changes a node's phase from
 * Pending to Running leaves the length alone; this tells it apart without parsing the stored status.
 */
export function mayBeReordered(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  const start = commonPrefix(a, b);
  const end = a.length - commonSuffix(a, b, start);
  if (end - start > MAX_WINDOW) return true;
  const counts = new Map<number, number>();
  for (let i = start; i < end; i++) {
    counts.set(a.charCodeAt(i), (counts.get(a.charCodeAt(i)) ?? 0) + 1);
    counts.set(b.charCodeAt(i), (counts.get(b.charCodeAt(i)) ?? 0) - 1);
  }
  for (const n of counts.values()) if (n !== 0) return false;
  return true;
}

/** Length of the longest common start, found by halving (each comparison a native one). */
function commonPrefix(a: string, b: string): number {
  let lo = 0;
  let hi = Math.min(a.length, b.length);
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (a.slice(lo, mid) === b.slice(lo, mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Length of the longest common end that does not reach into the first `skip` characters. */
function commonSuffix(a: string, b: string, skip: number): number {
  let lo = 0;
  let hi = Math.min(a.length, b.length) - skip;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (a.slice(a.length - mid, a.length - lo) === b.slice(b.length - mid, b.length - lo)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
