// The local backend: the ArgoClient served from the embedded store, with the embedded engine
// started on demand so submitted workflows run on this machine.
import type { ResourceStore } from '../../store/types.js';
import { StoreClient } from '../store/client.js';
import { LocalHost, type EngineMode, type LocalHostOptions } from './host.js';

export type { EngineMode };

export interface LocalClientOptions {
  store: ResourceStore;
  home: string;
  namespace: string;
  /** How to make sure submitted workflows run: in this process while it waits, or a detached controller. */
  engine: EngineMode;
  log?: (msg: string) => void;
  /** The archive and offload table to read (see LocalHostOptions). */
  persistence?: LocalHostOptions['persistence'];
}

export class LocalClient extends StoreClient {
  declare readonly backend: 'local';

  constructor(opts: LocalClientOptions) {
    super({ store: opts.store, namespace: opts.namespace, host: new LocalHost(opts) });
  }
}
