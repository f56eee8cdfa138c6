// Delivers store changes to watches. One hub per store instance: its own writes are dispatched as
// soon as they commit; writes by other processes are found by polling the change log with the
// resourceVersion as cursor. Every event passes through one queue, so each watch sees changes in
// resourceVersion order exactly once, and callbacks never run inside a database transaction.
//
// The log holds no copies of objects (see change-log.ts): a change read from it comes with the
// object only while the object is still at that version. A change the object has moved past is
// skipped and the newer one delivers the object, so a watch that reads late sees each object's
// latest state once (as an informer would after a relist), never a state newer than the event's
// version. A watch that skipped the ADDED gets the later change as ADDED; one that skipped an
// object's whole life (created and deleted before it looked) sees nothing of it.
import type { KubeObject } from '../../model/meta.js';
import { compileSelector, type CompiledSelector } from '../selectors.js';
import {
  InvalidError,
  StoreError,
  type ResourceKind,
  type Watch,
  type WatchEvent,
  type WatchEventType,
  type WatchOptions,
} from '../types.js';
import { isClusterScoped } from '../semantics.js';

/**
 * One change. `text` is the object's JSON after the change (its last state, for deletes), or null
 * when the object has changed again since, or when no watch wants the kind.
 */
export interface Change {
  resourceVersion: number;
  kind: ResourceKind;
  namespace: string;
  name: string;
  type: WatchEventType;
  prevVersion: number | null;
  /** On a deletion: the version that created the object, when the log still knew it. */
  bornVersion: number | null;
  text: string | null;
  /** JSON of the labels the change left the object with (null: none), as the log keeps them. */
  labels: string | null;
  /**
   * For a write of this process: the object as `text` holds it, when the store owns it outright
   * (nothing the caller holds shares any part of it). The hub hands it to the first watch that
   * takes the object instead of parsing `text` for it.
   */
  object?: KubeObject;
}

/** Change.labels for an object's labels: their JSON, or null when there are none. */
export function labelsText(labels: Record<string, string> | undefined): string | null {
  return labels && Object.keys(labels).length > 0 ? JSON.stringify(labels) : null;
}

/** What the log remembers of an object as a past change left it. */
export interface PastState {
  namespace: string;
  name: string;
  labels: Record<string, string>;
}

/** What the hub needs from the store. All calls are synchronous reads outside any transaction. */
export interface ChangeSource {
  /** Changes with resourceVersion > after in ascending order, at most `limit`; text only for `kinds`. */
  changesAfter(after: number, kinds: readonly ResourceKind[], limit: number): Change[];
  /** Changes up to and including this version have been pruned from the log. */
  prunedThrough(): number;
  /** The key and labels the change with this version left, if still in the log. */
  pastState(resourceVersion: number): PastState | undefined;
  /**
   * The matching objects now, and the version they are consistent with. With `parse`, each row's
   * text is turned into an object by it (so read-only watches can share parsed objects).
   */
  snapshot(
    kind: ResourceKind,
    namespace: string,
    selector: CompiledSelector,
    parse?: ParseRow,
  ): { items: KubeObject[]; resourceVersion: number };
}

/** Parses one stored object's text, given where it is and the version it is at. */
export type ParseRow = (namespace: string, name: string, resourceVersion: number, text: string) => KubeObject;

interface Watcher {
  kind: ResourceKind;
  namespace: string;
  selector: CompiledSelector;
  onEvent: (event: WatchEvent<KubeObject>) => void;
  onError?: (err: Error) => void;
  /** Highest resourceVersion this watch has been shown (or has skipped). */
  after: number;
  /**
   * For selector watches: whether the client currently holds the object (keyed namespace/name),
   * so an object leaving the selection is sent as DELETED and one entering it as ADDED.
   * Keys missing from the map are unknown only for watches resumed from a version.
   */
  held?: Map<string, boolean>;
  /** For watches without a selector: objects whose ADDED was skipped, so the next change is ADDED. */
  unseen?: Set<string>;
  resumed: boolean;
  stopped: boolean;
  /** Takes the object shared with other read-only watches (see WatchOptions.readOnly). */
  readOnly: boolean;
}

type QueueItem = { change: Change } | { target: Watcher; event: WatchEvent<KubeObject> };

const BATCH = 500;

export class WatchHub {
  private readonly watchers = new Set<Watcher>();
  private readonly queue: QueueItem[] = [];
  private draining = false;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly shared = new SharedParses();

  constructor(
    private readonly source: ChangeSource,
    private readonly pollMs: number,
  ) {}

  get size(): number {
    return this.watchers.size;
  }

  watch(
    kind: ResourceKind,
    opts: WatchOptions,
    onEvent: (event: WatchEvent<KubeObject>) => void,
    onError?: (err: Error) => void,
  ): Watch {
    const selector = compileSelector(opts);
    const rv = opts.resourceVersion;
    if (rv !== undefined && rv !== '' && !/^\d+$/.test(rv)) {
      throw new InvalidError(`invalid resourceVersion "${rv}": must be a non-negative integer`);
    }
    // "0" means "from any version" in Kubernetes, which is what a fresh start gives.
    const resumeFrom = rv && rv !== '0' ? Number(rv) : undefined;
    const w: Watcher = {
      kind,
      namespace: isClusterScoped(kind) ? '' : (opts.namespace ?? ''),
      selector,
      onEvent,
      onError,
      after: resumeFrom ?? 0,
      held: selector.everything ? undefined : new Map(),
      unseen: selector.everything ? new Set() : undefined,
      resumed: resumeFrom !== undefined,
      stopped: false,
      readOnly: opts.readOnly === true,
    };
    // Start after watch() returns so the caller holds the handle before the first event.
    queueMicrotask(() => this.join(w));
    return {
      stop: () => {
        w.stopped = true;
        this.leave(w);
      },
      // Every change through `after` has been dispatched to it (matching or not); 0 is "not yet".
      progress: () => (w.after > 0 ? String(w.after) : undefined),
    };
  }

  /** Called after a local write commits. */
  committed(change: Change): void {
    if (this.watchers.size === 0) return;
    let contiguous = true;
    for (const w of this.watchers) if (w.after !== change.resourceVersion - 1) contiguous = false;
    if (contiguous) {
      this.queue.push({ change });
      this.drain();
    } else {
      this.pump();
    }
  }

  close(): void {
    this.closed = true;
    this.stopTimer();
    for (const w of this.watchers) w.stopped = true;
    this.watchers.clear();
    this.queue.length = 0;
  }

  private join(w: Watcher): void {
    if (w.stopped || this.closed) return;
    try {
      if (w.resumed) {
        const pruned = this.source.prunedThrough();
        if (w.after < pruned) {
          this.fail(w, expired(w.after, pruned));
          return;
        }
      } else {
        const parse: ParseRow | undefined = w.readOnly
          ? (ns, name, rv, text) => this.shared.parse(sharedKey(w.kind, ns, name, rv), text)
          : undefined;
        const snap = this.source.snapshot(w.kind, w.namespace, w.selector, parse);
        w.after = snap.resourceVersion;
        for (const object of snap.items) {
          w.held?.set(keyOf(object.metadata.namespace ?? '', object.metadata.name ?? ''), true);
          this.queue.push({ target: w, event: { type: 'ADDED', object } });
        }
      }
    } catch (err) {
      this.fail(w, err as Error);
      return;
    }
    this.watchers.add(w);
    this.timer ??= setInterval(() => this.pump(), this.pollMs).unref();
    this.pump();
  }

  private leave(w: Watcher): void {
    this.watchers.delete(w);
    if (this.watchers.size === 0) this.stopTimer();
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private fail(w: Watcher, err: Error): void {
    w.stopped = true;
    this.leave(w);
    if (w.onError) w.onError(err);
  }

  /** Reads the change log past the slowest watch and dispatches what it finds. */
  private pump(): void {
    if (this.closed || this.watchers.size === 0) return;
    try {
      const kinds = [...new Set([...this.watchers].map((w) => w.kind))];
      let from = Math.min(...[...this.watchers].map((w) => w.after));
      while (true) {
        const rows = this.source.changesAfter(from, kinds, BATCH);
        if (rows.length > 0 && rows[0].resourceVersion !== from + 1) {
          // A gap is a deleted object's dropped rows, or compaction past what we had not read yet.
          const pruned = this.source.prunedThrough();
          for (const w of [...this.watchers]) if (w.after < pruned) this.fail(w, expired(w.after, pruned));
        }
        for (const change of rows) this.queue.push({ change });
        if (rows.length < BATCH) break;
        from = rows[rows.length - 1].resourceVersion;
      }
    } catch (err) {
      // Leave the cursor where it is; the next poll retries.
      for (const w of [...this.watchers]) w.onError?.(err as Error);
    }
    this.drain();
  }

  private drain(): void {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        const item = this.queue.shift()!;
        if ('target' in item) {
          if (!item.target.stopped) deliver(item.target, item.event);
        } else {
          this.dispatch(item.change);
        }
      }
    } finally {
      this.draining = false;
    }
  }

  private dispatch(change: Change): void {
    const key = sharedKey(change.kind, change.namespace, change.name, change.resourceVersion);
    // The object selectors are tested on. Read-only watches share one parsed object; of the others,
    // the first to take the object gets this copy (unless the read-only ones share it) and the
    // rest their own, as they may change it.
    let parsed: KubeObject | undefined;
    let parsedFree = false;
    const object = (w: Watcher): KubeObject => {
      if (w.readOnly) {
        const obj = this.shared.parse(key, change.text!, parsedFree ? parsed : undefined);
        if (obj === parsed) parsedFree = false;
        return obj;
      }
      if (parsedFree) {
        parsedFree = false;
        return parsed!;
      }
      return JSON.parse(change.text!) as KubeObject;
    };
    let keyed: KubeObject | undefined;
    for (const w of [...this.watchers]) {
      if (w.stopped || change.resourceVersion <= w.after) continue;
      const seenThrough = w.after;
      w.after = change.resourceVersion;
      if (change.kind !== w.kind) continue;
      if (w.namespace && change.namespace !== w.namespace) continue;
      if (change.text === null) {
        this.skipSuperseded(w, change);
        continue;
      }
      // Created after this watch's position and deleted before it looked: it never saw the object.
      if (change.bornVersion !== null && seenThrough < change.bornVersion) {
        w.unseen?.delete(keyOf(change.namespace, change.name));
        w.held?.delete(keyOf(change.namespace, change.name));
        continue;
      }
      if (w.held && keyDecides(w.selector)) {
        keyed ??= keyedObject(change);
        if (this.outsideUnparsed(w, change, keyed)) continue;
      }
      if (!parsed) {
        parsed = this.shared.held(key);
        if (!parsed) {
          parsed = change.object ?? (JSON.parse(change.text) as KubeObject);
          parsedFree = true;
        }
      }
      const type = this.eventType(w, change, parsed);
      if (type) deliver(w, { type, object: object(w) });
    }
  }

  /**
   * For a selector watch whose selector the key and labels decide: settles a change that leaves
   * the object outside the selection, and that the watch did not hold before, without parsing the
   * object (it would see nothing of it). A watch of one workflow by name, or a label-selected one,
   * then parses only the objects it selects.
   */
  private outsideUnparsed(w: Watcher, change: Change, keyed: KubeObject): boolean {
    if (change.type !== 'DELETED' && w.selector.matches(keyed)) return false;
    const key = keyOf(change.namespace, change.name);
    const had = w.held!.get(key);
    // Held, or unknown for a resumed watch: eventType decides (a DELETED may be due).
    if (had === true || (had === undefined && w.resumed)) return false;
    if (w.resumed) w.held!.set(key, false);
    else w.held!.delete(key);
    return true;
  }

  /** Remembers what a change the object has moved past means for the event the newer one gives. */
  private skipSuperseded(w: Watcher, change: Change): void {
    const key = keyOf(change.namespace, change.name);
    if (!w.held) {
      if (change.type === 'ADDED') w.unseen!.add(key);
    } else if (w.resumed && !w.held.has(key)) {
      // What the client holds is the state before this change: settle it now, while it is known.
      w.held.set(key, this.matchedBefore(w, change));
    }
  }

  /** The event a watch should see for a change, or undefined when it should see nothing. */
  private eventType(w: Watcher, change: Change, obj: KubeObject): WatchEventType | undefined {
    const key = keyOf(change.namespace, change.name);
    if (!w.held) {
      if (!w.unseen!.delete(key)) return change.type;
      return change.type === 'DELETED' ? undefined : 'ADDED';
    }
    let had = w.held.get(key);
    if (had === undefined) had = w.resumed ? this.matchedBefore(w, change) : false;
    const has = change.type !== 'DELETED' && w.selector.matches(obj);
    if (has) w.held.set(key, true);
    else if (w.resumed) w.held.set(key, false);
    else w.held.delete(key);
    if (has) return had ? change.type : 'ADDED';
    return had ? 'DELETED' : undefined;
  }

  /** For a resumed watch: did the object match at the version the watch resumed from? */
  private matchedBefore(w: Watcher, change: Change): boolean {
    if (change.type === 'ADDED' || change.prevVersion === null) return false;
    const past = this.source.pastState(change.prevVersion);
    // Compacted, or a field the log does not keep: assume the client has it. A spurious DELETED
    // beats a missed one.
    if (past === undefined || w.selector.fields.some((f) => !KEY_FIELDS.has(f.path))) return true;
    return w.selector.matches({ metadata: { ...past } });
  }
}

/**
 * Objects parsed for read-only watches, found again by kind, key and version while any watch still
 * holds them. Weakly held: the cache itself keeps nothing alive, so it costs no memory of its own,
 * yet a watch that joins or reads late gets the object its peers already parsed.
 */
class SharedParses {
  private readonly refs = new Map<string, WeakRef<KubeObject>>();
  private readonly collected = new FinalizationRegistry<string>((key) => {
    if (this.refs.get(key)?.deref() === undefined) this.refs.delete(key);
  });

  held(key: string): KubeObject | undefined {
    return this.refs.get(key)?.deref();
  }

  /** The object for `key`, parsing `text` (or taking `parsed`, already parsed from it) if none is held. */
  parse(key: string, text: string, parsed?: KubeObject): KubeObject {
    const held = this.refs.get(key)?.deref();
    if (held) return held;
    const obj = parsed ?? (JSON.parse(text) as KubeObject);
    this.refs.set(key, new WeakRef(obj));
    this.collected.register(obj, key);
    return obj;
  }
}

function sharedKey(kind: ResourceKind, namespace: string, name: string, resourceVersion: number): string {
  return `${kind}\0${namespace}\0${name}\0${resourceVersion}`;
}

/** The fields a selector may test that the log keeps for every change. */
const KEY_FIELDS: ReadonlySet<string> = new Set(['metadata.name', 'metadata.namespace']);

/** Whether a selector tests nothing but the labels and the fields the log keeps. */
function keyDecides(selector: CompiledSelector): boolean {
  return selector.fields.every((f) => KEY_FIELDS.has(f.path));
}

/** The object as far as the change itself tells: its key and labels. */
function keyedObject(change: Change): KubeObject {
  const metadata: KubeObject['metadata'] = { name: change.name };
  // As stored objects have it: cluster-scoped ones carry no namespace.
  if (change.namespace) metadata.namespace = change.namespace;
  if (change.labels !== null) metadata.labels = JSON.parse(change.labels) as Record<string, string>;
  return { metadata } as KubeObject;
}

function keyOf(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

function expired(version: number, pruned: number): StoreError {
  return new StoreError(`too old resource version: ${version} (${pruned + 1})`, 410, 'Expired');
}

function deliver(w: Watcher, event: WatchEvent<KubeObject>): void {
  try {
    w.onEvent(event);
  } catch (err) {
    if (w.onError) w.onError(err as Error);
    // Like a throwing EventEmitter listener: surface it rather than lose it.
    else
      queueMicrotask(() => {
        throw err;
      });
  }
}
