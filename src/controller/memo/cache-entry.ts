// One memoization entry as Argo stores it in the cache ConfigMap: data[<key>] is the JSON
// {"nodeID","outputs","creationTimestamp","lastHitTimestamp"} (timestamps RFC 3339, seconds).
import type { ConfigMap } from '../../model/meta.js';
import type { Outputs } from '../../model/template.js';

export const LABEL_CONFIGMAP_TYPE = 'workflows.argoproj.io/configmap-type';
export const CONFIGMAP_TYPE_CACHE = 'Cache';

export interface CacheEntry {
  nodeID: string;
  outputs: Outputs | null;
  creationTimestamp: string | null;
  lastHitTimestamp: string | null;
}

/** Argo accepts only keys that are also valid ConfigMap data keys without dots or underscores. */
const CACHE_KEY = /^[a-zA-Z0-9][-a-zA-Z0-9]*$/;

export function checkCacheKey(key: string): void {
  if (!CACHE_KEY.test(key)) throw new Error(`invalid cache key: ${key}`);
}

/** Argo refuses to read or write a ConfigMap not labelled as a cache, so other data is never touched. */
export function checkCacheConfigMap(cm: ConfigMap): void {
  const label = cm.metadata.labels?.[LABEL_CONFIGMAP_TYPE];
  if (label === undefined) {
    throw new Error(`memoization configmap doesn't have ${LABEL_CONFIGMAP_TYPE} label, refusing to use it`);
  }
  if (label !== CONFIGMAP_TYPE_CACHE) {
    throw new Error(
      `memoization configmap doesn't have label ${LABEL_CONFIGMAP_TYPE} = ${CONFIGMAP_TYPE_CACHE}, refusing to use it`,
    );
  }
}

export function parseEntry(raw: string): CacheEntry {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (err) {
    throw new Error(
      `malformed cache entry: could not unmarshal JSON; unable to parse: ${(err as Error).message}`,
    );
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error('malformed cache entry: could not unmarshal JSON; unable to parse: not an object');
  }
  const v = value as Record<string, unknown>;
  return {
    nodeID: typeof v.nodeID === 'string' ? v.nodeID : '',
    outputs: v.outputs && typeof v.outputs === 'object' ? (v.outputs as Outputs) : null,
    creationTimestamp: typeof v.creationTimestamp === 'string' ? v.creationTimestamp : null,
    lastHitTimestamp: typeof v.lastHitTimestamp === 'string' ? v.lastHitTimestamp : null,
  };
}

/** The entry's JSON with Argo's field order (Go marshals struct fields in declaration order). */
export function formatEntry(entry: CacheEntry): string {
  return JSON.stringify({
    nodeID: entry.nodeID,
    outputs: entry.outputs ? orderedOutputs(entry.outputs) : null,
    creationTimestamp: entry.creationTimestamp,
    lastHitTimestamp: entry.lastHitTimestamp,
  });
}

function orderedOutputs(o: Outputs): Outputs {
  const out: Outputs = {};
  if (o.parameters?.length) out.parameters = o.parameters;
  if (o.artifacts?.length) out.artifacts = o.artifacts;
  if (o.result !== undefined) out.result = o.result;
  if (o.exitCode !== undefined) out.exitCode = o.exitCode;
  return out;
}

/** Whether an entry created at `creationTimestamp` is older than `maxAgeMs` at `now`. */
export function entryExpired(entry: CacheEntry, maxAgeMs: number, now: Date): boolean {
  // A missing timestamp is Go's zero time: always too old.
  const created = entry.creationTimestamp ? Date.parse(entry.creationTimestamp) : Number.NaN;
  if (Number.isNaN(created)) return true;
  return now.getTime() - created > maxAgeMs;
}
