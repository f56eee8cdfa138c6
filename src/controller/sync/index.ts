export { SyncManager, type SyncManagerOptions } from './sync-manager.js';
export { decodeLockName, encodeLockName, type LockName } from './lock-name.js';
