export { MemoCache, type MemoCacheOptions } from './memo-cache.js';
export { LABEL_CONFIGMAP_TYPE, CONFIGMAP_TYPE_CACHE, type CacheEntry } from './cache-entry.js';
