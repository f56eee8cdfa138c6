// The controller loop's parts, shared by the workflow controller, the cron controller and the
// host runtime: an informer per watched kind and a rate-limited work queue.
export { Informer, type InformerCache, type InformerHandlers, type InformerOptions } from './informer.js';
export { compareResourceVersions } from './resource-version.js';
export { Indexer, byLabel, cacheKey, objectKey, type IndexFunc } from './indexer.js';
export { runWorkers, WorkQueue, type WorkQueueOptions } from './work-queue.js';
export { backoffDelay, systemTimers, type Backoff, type Timers } from './timers.js';
