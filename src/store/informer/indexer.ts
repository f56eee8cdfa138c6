// The informer's cache: objects by `namespace/name`, plus optional indexes (e.g. pods by the
// workflow label) kept in step with every change, so a lookup by index costs what it returns.
import type { KubeObject } from '../../model/meta.js';

/** The cache key of an object, as client-go's MetaNamespaceKeyFunc makes it (`ns/name`, or `/name`). */
export function objectKey(obj: KubeObject): string {
  return cacheKey(obj.metadata.namespace, obj.metadata.name);
}

export function cacheKey(namespace: string | undefined, name: string | undefined): string {
  return `${namespace ?? ''}/${name ?? ''}`;
}

/** Index values of an object; an object may sit under several values, or none. */
export type IndexFunc<T> = (obj: T) => string[];

export class Indexer<T extends KubeObject> {
  private readonly items = new Map<string, T>();
  private readonly indexes = new Map<string, Map<string, Set<string>>>();

  constructor(private readonly indexFuncs: Record<string, IndexFunc<T>> = {}) {
    for (const name of Object.keys(indexFuncs)) this.indexes.set(name, new Map());
  }

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  has(key: string): boolean {
    return this.items.has(key);
  }

  get size(): number {
    return this.items.size;
  }

  keys(): IterableIterator<string> {
    return this.items.keys();
  }

  values(): IterableIterator<T> {
    return this.items.values();
  }

  list(): T[] {
    return [...this.items.values()];
  }

  /** The objects filed under `value` in the index `name`. */
  byIndex(name: string, value: string): T[] {
    const index = this.indexes.get(name);
    if (!index) throw new Error(`no index named "${name}"`);
    return [...(index.get(value) ?? [])].map((k) => this.items.get(k)!);
  }

  /**
   * Stores an object under its key, whatever its version: the informer's own writes. Others go
   * through Informer.setUnlessStale, which keeps a later version the watch already brought.
   */
  set(obj: T): void {
    const key = objectKey(obj);
    const old = this.items.get(key);
    if (old) this.unindex(key, old);
    this.items.set(key, obj);
    for (const [name, fn] of Object.entries(this.indexFuncs)) {
      const index = this.indexes.get(name)!;
      for (const value of fn(obj)) {
        let keys = index.get(value);
        if (!keys) index.set(value, (keys = new Set()));
        keys.add(key);
      }
    }
  }

  delete(key: string): T | undefined {
    const old = this.items.get(key);
    if (!old) return undefined;
    this.unindex(key, old);
    this.items.delete(key);
    return old;
  }

  private unindex(key: string, obj: T): void {
    for (const [name, fn] of Object.entries(this.indexFuncs)) {
      const index = this.indexes.get(name)!;
      for (const value of fn(obj)) {
        const keys = index.get(value);
        keys?.delete(key);
        if (keys?.size === 0) index.delete(value);
      }
    }
  }
}

/** An index of objects by the value of one label; objects without the label are not indexed. */
export function byLabel<T extends KubeObject>(label: string): IndexFunc<T> {
  return (obj) => {
    const v = obj.metadata.labels?.[label];
    return v === undefined ? [] : [cacheKey(obj.metadata.namespace, v)];
  };
}
