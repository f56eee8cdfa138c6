// An in-memory ResourceStore for tests. It applies the same API-server semantics as the embedded
// SQLite store (src/store/semantics.ts, selectors, merge patch) and delivers watch events through
// the same WatchHub, so a test sees what production sees: events arrive synchronously after each
// write, in resourceVersion order, and objects handed out are always private copies.
import { randomUUID } from 'node:crypto';
import type { KubeObject } from '../../src/model/meta.js';
import { compileSelector, type CompiledSelector } from '../../src/store/selectors.js';
import {
  checkName,
  finishCreate,
  isClusterScoped,
  prepareCreate,
  prepareDelete,
  mergePatcher,
  prepareUpdate,
  storedNamespace,
  updateTarget,
} from '../../src/store/semantics.js';
import { decodeContinue, encodeContinue } from '../../src/store/sqlite/continue-token.js';
import { labelsText, WatchHub, type Change } from '../../src/store/sqlite/watch-hub.js';
import {
  AlreadyExistsError,
  InvalidError,
  NotFoundError,
  StoreError,
  type DeleteOptions,
  type ListOptions,
  type ListResult,
  type ResourceKind,
  type ResourceStore,
  type Watch,
  type WatchEvent,
  type WatchEventType,
  type WatchOptions,
} from '../../src/store/types.js';
import { generatedName } from '../../src/store/validation.js';

export interface MemoryStoreOptions {
  /** How many changes a watch can resume from; older versions get 410 Expired. Default 10000. */
  changeLogRetention?: number;
}

interface Stored {
  resourceVersion: number;
  /** Kept as JSON so nothing a caller holds can alias the stored state. */
  text: string;
}

export class MemoryStore implements ResourceStore {
  private readonly objects = new Map<ResourceKind, Map<string, Stored>>();
  private readonly changes: Change[] = [];
  private readonly retention: number;
  private readonly hub: WatchHub;
  private version = 0;
  private pruned = 0;
  private closed = false;

  constructor(opts: MemoryStoreOptions = {}) {
    this.retention = Math.max(1, opts.changeLogRetention ?? 10_000);
    this.hub = new WatchHub(
      {
        changesAfter: (after, kinds, limit) => {
          const wanted = new Set(kinds);
          const start = this.changes.findIndex((c) => c.resourceVersion > after);
          if (start < 0) return [];
          return this.changes
            .slice(start, start + limit)
            .map((c) => (wanted.has(c.kind) ? c : { ...c, text: null }));
        },
        prunedThrough: () => this.pruned,
        pastState: (rv) => {
          const text = this.changes.find((c) => c.resourceVersion === rv)?.text;
          if (!text) return undefined;
          const { namespace = '', name = '', labels = {} } = (JSON.parse(text) as KubeObject).metadata;
          return { namespace, name, labels };
        },
        snapshot: (kind, namespace, selector) => ({
          items: this.scan(kind, namespace, selector),
          resourceVersion: this.version,
        }),
      },
      // Every write is local, so polling only matters as a safety net.
      60_000,
    );
  }

  async get<T extends KubeObject>(
    kind: ResourceKind,
    namespace: string,
    name: string,
  ): Promise<T | undefined> {
    this.ensureOpen();
    const stored = this.bucket(kind).get(keyOf(storedNamespace(kind, namespace), name));
    return stored ? (JSON.parse(stored.text) as T) : undefined;
  }

  async list<T extends KubeObject>(kind: ResourceKind, opts: ListOptions = {}): Promise<ListResult<T>> {
    this.ensureOpen();
    const limit = opts.limit;
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) {
      throw new InvalidError(`invalid limit ${limit}: must be a non-negative integer`);
    }
    let items = this.scan(kind, storedNamespace(kind, opts.namespace), compileSelector(opts));
    if (opts.continue) {
      const token = decodeContinue(opts.continue);
      const after = keyOf(token.namespace, token.name);
      items = items.filter((o) => keyOf(o.metadata.namespace ?? '', o.metadata.name ?? '') > after);
    }
    const result: ListResult<T> = { items: items as T[], resourceVersion: String(this.version) };
    if (limit && items.length > limit) {
      result.items = items.slice(0, limit) as T[];
      const last = result.items[limit - 1].metadata;
      result.continue = encodeContinue({ namespace: last.namespace ?? '', name: last.name ?? '' });
    }
    return result;
  }

  async create<T extends KubeObject>(kind: ResourceKind, obj: T): Promise<T> {
    this.ensureOpen();
    const prepared = prepareCreate(kind, obj);
    const meta = prepared.metadata;
    const namespace = storedNamespace(kind, meta.namespace);
    const bucket = this.bucket(kind);
    if (meta.name) {
      if (bucket.has(keyOf(namespace, meta.name))) throw new AlreadyExistsError(kind, meta.name);
    } else {
      let candidate = generatedName(meta.generateName!);
      checkName(kind, candidate);
      while (bucket.has(keyOf(namespace, candidate))) candidate = generatedName(meta.generateName!);
      meta.name = candidate;
    }
    const created = finishCreate(prepared, randomUUID(), this.version + 1, new Date());
    return JSON.parse(this.commit(kind, namespace, meta.name, 'ADDED', null, created)) as T;
  }

  async update<T extends KubeObject>(kind: ResourceKind, obj: T): Promise<T> {
    this.ensureOpen();
    const { namespace, name } = updateTarget(kind, obj);
    return this.replace<T>(kind, namespace, name, () => obj);
  }

  async patch<T extends KubeObject>(
    kind: ResourceKind,
    namespace: string,
    name: string,
    patch: unknown,
  ): Promise<T> {
    this.ensureOpen();
    const ns = storedNamespace(kind, namespace);
    return this.replace<T>(kind, ns, name, mergePatcher<T>(kind, ns, name, patch));
  }

  async delete(kind: ResourceKind, namespace: string, name: string, opts: DeleteOptions = {}): Promise<void> {
    this.ensureOpen();
    const ns = storedNamespace(kind, namespace);
    const stored = this.stored(kind, ns, name);
    const outcome = prepareDelete(
      kind,
      JSON.parse(stored.text) as KubeObject,
      opts.resourceVersion,
      this.version + 1,
      new Date(),
    );
    if (outcome.action === 'unchanged') return;
    this.commit(
      kind,
      ns,
      name,
      outcome.action === 'mark' ? 'MODIFIED' : 'DELETED',
      stored.resourceVersion,
      outcome.object,
    );
  }

  watch<T extends KubeObject>(
    kind: ResourceKind,
    opts: WatchOptions,
    onEvent: (event: WatchEvent<T>) => void,
    onError?: (err: Error) => void,
  ): Watch {
    this.ensureOpen();
    return this.hub.watch(kind, opts, onEvent as (event: WatchEvent<KubeObject>) => void, onError);
  }

  /**
   * Forgets every change up to now, as etcd's compaction does: a watch resuming from any version
   * before the current one gets 410 Expired. Logs a write first (a bookmark ConfigMap in
   * kube-system), so every version a client may hold is older than the compaction.
   */
  async compact(): Promise<void> {
    await this.upsertMarker();
    this.pruned = this.version;
    this.changes.length = 0;
  }

  private async upsertMarker(): Promise<void> {
    const marker = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'compaction', namespace: 'kube-system' },
    };
    const found = await this.get('ConfigMap', 'kube-system', 'compaction');
    if (found)
      await this.patch('ConfigMap', 'kube-system', 'compaction', { data: { at: String(this.version) } });
    else await this.create('ConfigMap', marker);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.hub.close();
  }

  // -------------------------------------------------------------------------------------------

  private replace<T extends KubeObject>(
    kind: ResourceKind,
    namespace: string,
    name: string,
    next: (existing: T) => T,
  ): T {
    const stored = this.stored(kind, namespace, name);
    const existing = JSON.parse(stored.text) as T;
    const outcome = prepareUpdate(kind, existing, next(existing), this.version + 1);
    if (outcome.action === 'unchanged') return existing;
    const type = outcome.action === 'delete' ? 'DELETED' : 'MODIFIED';
    return JSON.parse(this.commit(kind, namespace, name, type, stored.resourceVersion, outcome.object)) as T;
  }

  /** Stores (or removes) the object at the next version, logs the change and tells the watches. */
  private commit(
    kind: ResourceKind,
    namespace: string,
    name: string,
    type: WatchEventType,
    prevVersion: number | null,
    object: KubeObject,
  ): string {
    const rv = ++this.version;
    const text = JSON.stringify(object);
    if (type === 'DELETED') this.bucket(kind).delete(keyOf(namespace, name));
    else this.bucket(kind).set(keyOf(namespace, name), { resourceVersion: rv, text });
    // Every state stays in memory, so a change always has its object: no deletion needs its birth.
    const change: Change = {
      resourceVersion: rv,
      kind,
      namespace,
      name,
      type,
      prevVersion,
      bornVersion: null,
      text,
      labels: labelsText(object.metadata.labels),
    };
    this.changes.push(change);
    if (this.changes.length > this.retention) this.pruned = this.changes.shift()!.resourceVersion;
    this.hub.committed(change);
    return text;
  }

  private scan(kind: ResourceKind, namespace: string, selector: CompiledSelector): KubeObject[] {
    const items: { key: string; obj: KubeObject }[] = [];
    for (const [key, stored] of this.bucket(kind)) {
      const obj = JSON.parse(stored.text) as KubeObject;
      if (namespace && !isClusterScoped(kind) && obj.metadata.namespace !== namespace) continue;
      if (selector.matches(obj)) items.push({ key, obj });
    }
    return items.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).map((i) => i.obj);
  }

  private stored(kind: ResourceKind, namespace: string, name: string): Stored {
    const stored = this.bucket(kind).get(keyOf(namespace, name));
    if (!stored) throw new NotFoundError(kind, name);
    return stored;
  }

  private bucket(kind: ResourceKind): Map<string, Stored> {
    let bucket = this.objects.get(kind);
    if (!bucket) this.objects.set(kind, (bucket = new Map()));
    return bucket;
  }

  private ensureOpen(): void {
    if (this.closed) throw new StoreError('the memory store is closed', 500, 'InternalError');
  }
}

/** `\u0000` sorts before every name character, so keys order by namespace, then name. */
function keyOf(namespace: string, name: string): string {
  return `${namespace}\u0000${name}`;
}
