// Async-iterable plumbing shared by the store-backed client: a store watch as an iterable, and the
// merging of several pods' log streams into one ordered stream.
import type { KubeObject } from '../../model/meta.js';
import type { ResourceKind, ResourceStore } from '../../store/types.js';
import type { ListOptions, LogEntry, WatchEvent } from '../types.js';

/**
 * A store watch as an async iterable; ends when `signal` aborts. When the version it watches from
 * expires (410, which a Kubernetes API server answers after compaction, every few minutes), it
 * re-lists as a client must: each object listed comes again as MODIFIED (ADDED when it is new to
 * this stream), each one it had and the list lacks as DELETED, and the watch goes on from the
 * list's version. A server that keeps answering 410 is asked again no faster than once a second.
 * Consumers only read the objects (so every such watch of a large object shares one parsed copy).
 * While a consumer lags, a newer state of an object replaces the one still queued for it, as an
 * informer's store would: a slow reader gets each object's latest state, and its queue holds at
 * most one state per object.
 */
export async function* watchToIterable<T extends KubeObject>(
  store: ResourceStore,
  kind: ResourceKind,
  namespace: string,
  opts: ListOptions & { resourceVersion?: string },
  signal?: AbortSignal,
): AsyncGenerator<WatchEvent<T>> {
  const queue: WatchEvent<T>[] = [];
  let wake: (() => void) | undefined;
  let failure: Error | undefined;
  let expired = false;
  // The last state of every object this stream has shown and not deleted.
  const shown = new Map<string, T>();
  const keyOf = (o: T): string => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
  const selection = {
    namespace: namespace || undefined,
    labelSelector: opts.labelSelector,
    fieldSelector: opts.fieldSelector,
  };
  const open = (resourceVersion: string | undefined) =>
    store.watch<T>(
      kind,
      { ...selection, resourceVersion, readOnly: true },
      (ev) => {
        enqueueLatest(queue, ev);
        wake?.();
      },
      (err) => {
        if ((err as { code?: unknown }).code === 410) expired = true;
        else failure = err;
        wake?.();
      },
    );
  let w = open(opts.resourceVersion);
  let lastRelist = 0;
  const onAbort = (): void => wake?.();
  signal?.addEventListener('abort', onAbort);
  try {
    while (!signal?.aborted) {
      if (queue.length > 0) {
        const ev = queue.shift()!;
        if (ev.type === 'DELETED') shown.delete(keyOf(ev.object));
        else shown.set(keyOf(ev.object), ev.object);
        yield ev;
        continue;
      }
      if (failure) throw failure;
      if (expired) {
        expired = false;
        w.stop();
        const wait = lastRelist + 1000 - Date.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        lastRelist = Date.now();
        const list = await store.list<T>(kind, selection);
        const listed = new Set<string>();
        for (const object of list.items) {
          listed.add(keyOf(object));
          queue.push({ type: shown.has(keyOf(object)) ? 'MODIFIED' : 'ADDED', object });
        }
        for (const [key, object] of shown) if (!listed.has(key)) queue.push({ type: 'DELETED', object });
        w = open(list.resourceVersion);
        continue;
      }
      // Store timers do not hold the process open; a caller waiting on events must.
      const keepAlive = setTimeout(() => undefined, 2 ** 31 - 1);
      await new Promise<void>((resolve) => (wake = resolve));
      clearTimeout(keepAlive);
      wake = undefined;
    }
  } finally {
    w.stop();
    signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * Queues `ev`, folding a MODIFIED into the object's last queued event when that is an ADDED or MODIFIED: the queued
 * entry is dropped and the newer state goes to the back with the older entry's type, so versions
 * still arrive in ascending order. A DELETED is always queued as it is.
 */
export function enqueueLatest<T extends KubeObject>(queue: WatchEvent<T>[], ev: WatchEvent<T>): void {
  if (ev.type === 'MODIFIED') {
    const { namespace, name } = ev.object.metadata;
    const i = queue.findLastIndex(
      (q) => q.object.metadata.name === name && q.object.metadata.namespace === namespace,
    );
    if (i >= 0 && queue[i].type !== 'DELETED') {
      const [older] = queue.splice(i, 1);
      queue.push({ type: older.type, object: ev.object });
      return;
    }
  }
  queue.push(ev);
}

/** Interleaves several async iterables, yielding items as they arrive; more can be added while running. */
export class MergedStreams<T> implements AsyncIterable<T> {
  private readonly pending = new Set<Promise<void>>();
  private readonly items: T[] = [];
  private wake?: () => void;
  private errors: Error[] = [];

  add(it: AsyncIterable<T>): void {
    this.addTask(
      (async () => {
        for await (const item of it) {
          this.items.push(item);
          this.wake?.();
        }
      })(),
    );
  }

  /** Keeps the merged stream open until `task` settles (it may add more streams meanwhile). */
  addTask(task: Promise<void>): void {
    const p = task
      .catch((err: unknown) => {
        this.errors.push(err as Error);
      })
      .finally(() => {
        this.pending.delete(p);
        this.wake?.();
      });
    this.pending.add(p);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    while (true) {
      while (this.items.length > 0) yield this.items.shift()!;
      if (this.errors.length > 0) throw this.errors[0];
      if (this.pending.size === 0) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
  }
}

export interface TimedEntry extends LogEntry {
  time: string;
}

export async function* sortedBatches(
  source: AsyncIterable<TimedEntry>,
  intervalMs: number,
): AsyncGenerator<LogEntry> {
  let batch: TimedEntry[] = [];
  let last = Date.now();
  const flush = function* (): Generator<LogEntry> {
    batch.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
    for (const e of batch) yield { podName: e.podName, content: e.content };
    batch = [];
    last = Date.now();
  };
  for await (const e of source) {
    batch.push(e);
    if (Date.now() - last >= intervalMs) yield* flush();
  }
  yield* flush();
}
