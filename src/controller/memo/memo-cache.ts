// The memoization cache: ConfigMaps named by `memoize.cache.configMap`, in the workflow's namespace,
// one entry per key, shared by every workflow. Reads come from the controller's ConfigMap cache;
// writes are handed to the controller to persist. Until a write shows up in that cache, this module
// serves its own copy, so a later step of the same reconciliation already sees the entry.
import type { ConfigMap } from '../../model/meta.js';
import type { Outputs } from '../../model/template.js';
import { rfc3339 } from '../../workflow/phase.js';
import type { MemoHooks } from '../operator.js';
import {
  CONFIGMAP_TYPE_CACHE,
  LABEL_CONFIGMAP_TYPE,
  checkCacheConfigMap,
  checkCacheKey,
  entryExpired,
  formatEntry,
  parseEntry,
} from './cache-entry.js';

export interface MemoCacheOptions {
  getConfigMap(namespace: string, name: string): ConfigMap | undefined;
  /** Queues a create (no resourceVersion) or update of a cache ConfigMap; the controller persists it. */
  writeConfigMap(cm: ConfigMap): void;
  now?: () => Date;
}

export class MemoCache implements MemoHooks {
  /** ConfigMaps written here, by `<ns>/<name>`, with the resourceVersion they were derived from. */
  private readonly written = new Map<string, { cm: ConfigMap; base: string | undefined }>();
  private readonly now: () => Date;

  constructor(private readonly opts: MemoCacheOptions) {
    this.now = opts.now ?? (() => new Date());
  }

  load(
    namespace: string,
    cacheName: string,
    key: string,
    maxAgeMs: number | undefined,
    now: Date = this.now(),
  ): { outputs?: Outputs } | undefined {
    checkCacheKey(key);
    const cm = this.read(namespace, cacheName);
    // No ConfigMap yet: a miss; the first save creates it.
    if (!cm) return undefined;
    checkCacheConfigMap(cm);
    const raw = cm.data?.[key];
    if (!raw) return undefined;
    const entry = parseEntry(raw);
    // Argo stamps the last hit on every lookup that finds an entry, expired or not.
    entry.lastHitTimestamp = rfc3339(now);
    this.write({ ...cm, data: { ...cm.data, [key]: formatEntry(entry) } });
    if (!entry.nodeID) return undefined;
    if (maxAgeMs !== undefined && entryExpired(entry, maxAgeMs, now)) return undefined;
    return entry.outputs ? { outputs: entry.outputs } : {};
  }

  save(
    namespace: string,
    cacheName: string,
    key: string,
    nodeId: string,
    outputs: Outputs | undefined,
    now: Date = this.now(),
  ): void {
    checkCacheKey(key);
    const existing = this.read(namespace, cacheName);
    if (existing) checkCacheConfigMap(existing);
    const cm: ConfigMap = existing
      ? structuredClone(existing)
      : { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: cacheName, namespace } };
    cm.metadata.labels = { ...cm.metadata.labels, [LABEL_CONFIGMAP_TYPE]: CONFIGMAP_TYPE_CACHE };
    const stamp = rfc3339(now);
    cm.data = {
      ...cm.data,
      [key]: formatEntry({
        nodeID: nodeId,
        outputs: outputs ? structuredClone(outputs) : null,
        creationTimestamp: stamp,
        lastHitTimestamp: stamp,
      }),
    };
    this.write(cm);
  }

  private read(namespace: string, name: string): ConfigMap | undefined {
    const k = `${namespace}/${name}`;
    const cached = this.opts.getConfigMap(namespace, name);
    const mine = this.written.get(k);
    if (mine) {
      // Still the version this write was based on: the write has not come back yet.
      if (cached?.metadata.resourceVersion === mine.base) return mine.cm;
      this.written.delete(k);
    }
    return cached;
  }

  private write(cm: ConfigMap): void {
    const k = `${cm.metadata.namespace ?? ''}/${cm.metadata.name ?? ''}`;
    this.written.set(k, { cm, base: cm.metadata.resourceVersion });
    this.opts.writeConfigMap(structuredClone(cm));
  }
}
