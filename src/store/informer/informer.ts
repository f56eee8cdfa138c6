// An informer, as client-go's reflector and shared informer behave: list a kind, then watch from the
// list's resourceVersion, keeping a cache (an Indexer) and telling handlers what changed. A watch
// ends for good on its first error (see ResourceStore.watch), so the informer starts over:
// - 410 Gone/Expired (the version we watch from was compacted; a real API server does this every
//   few minutes): re-list at once, replace the cache and hand the differences to the handlers as
//   adds, updates and deletes, so a delete that happened while disconnected is still seen;
// - any other error (a refused connection, a failed list): re-list after an exponential backoff
//   with jitter, capped, which starts over once a watch delivers an event or stays open a while.
// A periodic resync hands every cached object to onUpdate again (old === new), so work that failed
// quietly is retried. Bookmarks, where the store sends them, keep resourceVersion current.
// Objects the handlers get are the cache's own: treat them as read-only.
// Only the informer and setUnlessStale change the cache, so what a client writes never replaces
// what the watch has already brought.
import type { KubeObject } from '../../model/meta.js';
import { StoreError, type ResourceKind, type ResourceStore, type Watch, type WatchEvent } from '../types.js';
import { Indexer, objectKey, type IndexFunc } from './indexer.js';
import { compareResourceVersions } from './resource-version.js';
import { backoffDelay, systemTimers, type Backoff, type Timers } from './timers.js';

export interface InformerHandlers<T> {
  onAdd?(obj: T): void;
  /** A change, a re-list that found the object again, or a resync (then `old === obj`). */
  onUpdate?(old: T, obj: T): void;
  /** The object's last state: from the DELETED event, or the cached copy when a re-list missed it. */
  onDelete?(obj: T): void;
}

export interface InformerOptions<T> {
  store: ResourceStore;
  kind: ResourceKind;
  /** Omit (or '') for all namespaces. */
  namespace?: string;
  labelSelector?: string;
  /** Re-deliver every cached object this often; 0 or omitted: never. */
  resyncPeriodMs?: number;
  /** Delay between failed attempts; default 800 ms doubling to 30 s, as client-go's reflector. */
  backoff?: Backoff;
  /** Up to this fraction of a delay is added at random, so many informers do not retry in step. */
  jitter?: number;
  /** A watch open this long counts as healthy: the next failure starts the backoff over. */
  healthyAfterMs?: number;
  indexers?: Record<string, IndexFunc<T>>;
  /**
   * The handlers and everyone reading the cache keep to its contract (objects are read-only), so
   * the watch may hand this informer the object it shares with other read-only watches of the
   * store (WatchOptions.readOnly): a large workflow is then parsed once per change, not once per
   * watcher.
   */
  readOnly?: boolean;
  timers?: Timers;
  random?: () => number;
  log?: (msg: string) => void;
}

const DEFAULT_BACKOFF: Backoff = { baseMs: 800, maxMs: 30_000 };

/** The cache as the informer's users see it: they put objects in through Informer.setUnlessStale. */
export type InformerCache<T extends KubeObject> = Omit<Indexer<T>, 'set'>;

export class Informer<T extends KubeObject> {
  private readonly indexer: Indexer<T>;
  private readonly handlers: InformerHandlers<T>[] = [];
  private readonly timers: Timers;
  private readonly log: (msg: string) => void;
  private watch: Watch | undefined;
  /** Bumped per list-and-watch, so callbacks of a superseded watch are ignored. */
  private generation = 0;
  /** Failures since the last healthy watch; drives the backoff. */
  private failures = 0;
  private watchOpenedAt = 0;
  private cancelRetry: (() => void) | undefined;
  private cancelResync: (() => void) | undefined;
  private stopped = false;
  private synced = false;
  private version = '';
  private lists = 0;

  constructor(private readonly opts: InformerOptions<T>) {
    this.indexer = new Indexer<T>(opts.indexers);
    this.timers = opts.timers ?? systemTimers;
    this.log = opts.log ?? (() => undefined);
  }

  get cache(): InformerCache<T> {
    return this.indexer;
  }

  /**
   * Puts in the cache an object this client wrote (or read) itself, so its next read sees it
   * before the watch delivers it, unless the watch is already past that version: the cache never
   * goes back to an earlier version of the object, nor brings back one the watch saw deleted (a
   * write's result can arrive after the watch's later events, a deletion among them). The same
   * version replaces the cached one (the caller's copy may carry more, e.g. inflated nodes).
   * Returns whether the cache now holds `obj`. Versions that are not integers are not compared:
   * `obj` is stored.
   */
  setUnlessStale(obj: T): boolean {
    const version = obj.metadata.resourceVersion;
    const cached = this.indexer.get(objectKey(obj));
    if (cached) {
      if ((compareResourceVersions(cached.metadata.resourceVersion, version) ?? 0) > 0) return false;
    } else if ((compareResourceVersions(this.version, version) ?? -1) >= 0) {
      // The watch has delivered this version (or the list included it) and the object is gone
      // since: deleted, or not one this informer watches.
      return false;
    }
    this.indexer.set(obj);
    return true;
  }

  /** Handlers added before start() see the initial list as adds. */
  addHandler(h: InformerHandlers<T>): void {
    this.handlers.push(h);
  }

  /** Whether the first list has filled the cache. */
  get hasSynced(): boolean {
    return this.synced;
  }

  /** The newest resourceVersion seen, from a list or a watch event. */
  get resourceVersion(): string {
    return this.version;
  }

  /** How many lists have succeeded (1 after start; more after re-lists). */
  get listCount(): number {
    return this.lists;
  }

  /** Lists and starts watching. A failing first list rejects: the caller cannot work without it. */
  async start(): Promise<void> {
    await this.listAndWatch();
    this.armResync();
  }

  stop(): void {
    this.stopped = true;
    this.generation++;
    this.watch?.stop();
    this.watch = undefined;
    this.cancelRetry?.();
    this.cancelResync?.();
  }

  // -------------------------------------------------------------------------------------------

  private async listAndWatch(): Promise<void> {
    const gen = ++this.generation;
    this.watch?.stop();
    this.watch = undefined;
    const { kind, namespace, labelSelector } = this.opts;
    const list = await this.opts.store.list<T>(kind, { namespace, labelSelector });
    if (this.stopped || gen !== this.generation) return;
    this.lists++;
    this.version = list.resourceVersion;
    this.replace(list.items);
    this.synced = true;
    this.watchOpenedAt = this.timers.now().getTime();
    this.watch = this.opts.store.watch<T>(
      kind,
      {
        namespace,
        labelSelector,
        resourceVersion: list.resourceVersion,
        readOnly: this.opts.readOnly,
        onBookmark: (rv) => {
          if (gen === this.generation && !this.stopped) this.version = rv;
        },
      },
      (ev) => {
        if (gen === this.generation && !this.stopped) this.onEvent(ev);
      },
      (err) => {
        if (gen === this.generation && !this.stopped) this.watchFailed(err);
      },
    );
  }

  /** The cache becomes exactly `items`; handlers hear what that changed, as after a watch. */
  private replace(items: T[]): void {
    const seen = new Set<string>();
    for (const obj of items) {
      const key = objectKey(obj);
      seen.add(key);
      const old = this.indexer.get(key);
      this.indexer.set(obj);
      if (old) this.notify((h) => h.onUpdate?.(old, obj));
      else this.notify((h) => h.onAdd?.(obj));
    }
    for (const key of [...this.indexer.keys()]) {
      if (seen.has(key)) continue;
      const old = this.indexer.delete(key)!;
      this.notify((h) => h.onDelete?.(old));
    }
  }

  private onEvent(ev: WatchEvent<T>): void {
    // An event proves the watch works: a failure after it starts the backoff over.
    this.failures = 0;
    const obj = ev.object;
    if (obj.metadata.resourceVersion) this.version = obj.metadata.resourceVersion;
    const key = objectKey(obj);
    if (ev.type === 'DELETED') {
      this.indexer.delete(key);
      this.notify((h) => h.onDelete?.(obj));
      return;
    }
    const old = this.indexer.get(key);
    this.indexer.set(obj);
    if (old) this.notify((h) => h.onUpdate?.(old, obj));
    else this.notify((h) => h.onAdd?.(obj));
  }

  private watchFailed(err: Error): void {
    this.watch = undefined;
    if (this.timers.now().getTime() - this.watchOpenedAt >= (this.opts.healthyAfterMs ?? 60_000))
      this.failures = 0;
    this.failures++;
    const gone = err instanceof StoreError && err.code === 410;
    // The first 410 after a healthy spell is routine: re-list at once. Repeated ones back off, so a
    // server that keeps answering 410 does not get a request loop.
    const delay = gone ? this.delay(this.failures - 1) : this.delay(this.failures);
    this.log(
      `watch ${this.opts.kind} ended (${err.message}); re-listing${delay > 0 ? ` in ${Math.round(delay)}ms` : ''}`,
    );
    this.retryIn(delay);
  }

  private retryIn(ms: number): void {
    this.cancelRetry?.();
    this.cancelRetry = this.timers.setTimer(new Date(this.timers.now().getTime() + ms), () => {
      this.cancelRetry = undefined;
      if (this.stopped) return;
      this.listAndWatch().catch((err: unknown) => {
        if (this.stopped) return;
        this.failures++;
        const delay = this.delay(this.failures);
        this.log(
          `list ${this.opts.kind} failed (${(err as Error).message}); retrying in ${Math.round(delay)}ms`,
        );
        this.retryIn(delay);
      });
    });
  }

  private delay(failures: number): number {
    const base = backoffDelay(this.opts.backoff ?? DEFAULT_BACKOFF, failures);
    const jitter = this.opts.jitter ?? 0.5;
    const cap = (this.opts.backoff ?? DEFAULT_BACKOFF).maxMs;
    return Math.min(cap, base * (1 + jitter * (this.opts.random ?? Math.random)()));
  }

  private armResync(): void {
    const period = this.opts.resyncPeriodMs ?? 0;
    if (period <= 0 || this.stopped) return;
    this.cancelResync = this.timers.setTimer(new Date(this.timers.now().getTime() + period), () => {
      if (this.stopped) return;
      for (const obj of [...this.indexer.values()]) this.notify((h) => h.onUpdate?.(obj, obj));
      this.armResync();
    });
  }

  /** One failing handler must not stop the others, nor the informer. */
  private notify(call: (h: InformerHandlers<T>) => void): void {
    for (const h of this.handlers) {
      try {
        call(h);
      } catch (err) {
        this.log(`informer ${this.opts.kind} handler failed: ${(err as Error).stack ?? String(err)}`);
      }
    }
  }
}
