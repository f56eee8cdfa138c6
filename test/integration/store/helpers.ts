// Shared by the store integration tests: a fresh store file per test, and watch collectors.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import type { KubeObject } from '../../../src/model/meta.js';
import { openSqliteStore, type SqliteStore, type SqliteStoreOptions } from '../../../src/store/index.js';
import type { ResourceKind, ResourceStore, WatchEvent, WatchOptions } from '../../../src/store/types.js';

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

export function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'argo-store-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function openTempStore(opts: SqliteStoreOptions = {}, dir = tempDir()): SqliteStore {
  const store = openSqliteStore({ path: path.join(dir, 'argo.db'), ...opts });
  cleanups.push(() => store.close());
  return store;
}

export async function waitFor(cond: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export interface Collected {
  events: WatchEvent<KubeObject>[];
  errors: Error[];
  /** `TYPE name` per event, the easiest thing to assert on. */
  summary(): string[];
  until(count: number, timeoutMs?: number): Promise<void>;
  stop(): void;
}

export function collect(store: ResourceStore, kind: ResourceKind, opts: WatchOptions = {}): Collected {
  const events: WatchEvent<KubeObject>[] = [];
  const errors: Error[] = [];
  const watch = store.watch(
    kind,
    opts,
    (e) => events.push(e),
    (err) => errors.push(err),
  );
  cleanups.push(() => watch.stop());
  return {
    events,
    errors,
    summary: () => events.map((e) => `${e.type} ${e.object.metadata.name}`),
    until: (count, timeoutMs = 5000) =>
      waitFor(() => events.length >= count, timeoutMs, `${count} watch events`),
    stop: () => watch.stop(),
  };
}

export function wf(name: string, extra: Partial<KubeObject> & Record<string, unknown> = {}): KubeObject {
  return { ...extra, metadata: { name, namespace: 'argo', ...(extra.metadata ?? {}) } };
}

/** The last object each event named, by name: what a client holding the watch's view has. */
export function latestOf(
  events: readonly WatchEvent<KubeObject>[],
): Map<string, KubeObject & { status?: { phase?: string } }> {
  const held = new Map<string, KubeObject>();
  for (const e of events) {
    if (e.type === 'DELETED') held.delete(e.object.metadata.name ?? '');
    else held.set(e.object.metadata.name ?? '', e.object);
  }
  return held;
}
