// A ResourceStore wrapper that breaks watches and lists on demand, as a real API server does: it
// compacts old resourceVersions (an open watch then ends with 410 Expired), drops connections
// (other errors), and is sometimes unreachable for lists. Everything else goes to the inner store.
import type { KubeObject } from '../../src/model/meta.js';
import {
  StoreError,
  type DeleteOptions,
  type ListOptions,
  type ListResult,
  type ResourceKind,
  type ResourceStore,
  type Watch,
  type WatchEvent,
  type WatchOptions,
} from '../../src/store/types.js';

interface OpenWatch {
  kind: ResourceKind;
  inner: Watch;
  onError?: (err: Error) => void;
  onBookmark?: (resourceVersion: string) => void;
  /** Disconnected: events no longer arrive, and the error has not been reported yet. */
  cut: boolean;
}

export function expiredError(): StoreError {
  return new StoreError('too old resource version: 1 (2)', 410, 'Expired');
}

export class ExpiringStore implements ResourceStore {
  private readonly open = new Set<OpenWatch>();
  private listFailures: Error[] = [];
  /** Lists served, per kind. */
  readonly lists = new Map<ResourceKind, number>();
  /** Watches opened, per kind. */
  readonly watches = new Map<ResourceKind, number>();

  constructor(private readonly inner: ResourceStore) {}

  /** Watches (of one kind, or all) stop getting events, as a connection that hangs. */
  disconnect(kind?: ResourceKind): void {
    for (const w of this.open) if (!kind || w.kind === kind) w.cut = true;
  }

  /** Watches (of one kind, or all) end with `err` (default 410 Expired), as the API server ends them. */
  fail(kind?: ResourceKind, err: Error = expiredError()): number {
    let n = 0;
    for (const w of [...this.open]) {
      if (kind && w.kind !== kind) continue;
      this.open.delete(w);
      w.inner.stop();
      n++;
      w.onError?.(err);
    }
    return n;
  }

  /** Open watches get a BOOKMARK at this version, as the Kubernetes API sends them. */
  bookmark(resourceVersion: string): void {
    for (const w of this.open) if (!w.cut) w.onBookmark?.(resourceVersion);
  }

  /** The next lists fail with these errors, one each. */
  failLists(...errors: Error[]): void {
    this.listFailures.push(...errors);
  }

  get openWatches(): number {
    return this.open.size;
  }

  get<T extends KubeObject>(kind: ResourceKind, namespace: string, name: string): Promise<T | undefined> {
    return this.inner.get<T>(kind, namespace, name);
  }

  async list<T extends KubeObject>(kind: ResourceKind, opts?: ListOptions): Promise<ListResult<T>> {
    const failure = this.listFailures.shift();
    if (failure) throw failure;
    this.lists.set(kind, (this.lists.get(kind) ?? 0) + 1);
    return this.inner.list<T>(kind, opts);
  }

  create<T extends KubeObject>(kind: ResourceKind, obj: T): Promise<T> {
    return this.inner.create(kind, obj);
  }

  update<T extends KubeObject>(kind: ResourceKind, obj: T): Promise<T> {
    return this.inner.update(kind, obj);
  }

  patch<T extends KubeObject>(
    kind: ResourceKind,
    namespace: string,
    name: string,
    patch: unknown,
  ): Promise<T> {
    return this.inner.patch<T>(kind, namespace, name, patch);
  }

  delete(kind: ResourceKind, namespace: string, name: string, opts?: DeleteOptions): Promise<void> {
    return this.inner.delete(kind, namespace, name, opts);
  }

  watch<T extends KubeObject>(
    kind: ResourceKind,
    opts: WatchOptions,
    onEvent: (event: WatchEvent<T>) => void,
    onError?: (err: Error) => void,
  ): Watch {
    this.watches.set(kind, (this.watches.get(kind) ?? 0) + 1);
    const w: OpenWatch = {
      kind,
      onError,
      onBookmark: opts.onBookmark,
      cut: false,
      inner: { stop: () => undefined },
    };
    w.inner = this.inner.watch<T>(
      kind,
      opts,
      (ev) => {
        if (!w.cut) onEvent(ev);
      },
      (err) => {
        this.open.delete(w);
        onError?.(err);
      },
    );
    this.open.add(w);
    return {
      stop: () => {
        this.open.delete(w);
        w.inner.stop();
      },
    };
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
