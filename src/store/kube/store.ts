// ResourceStore over a Kubernetes API server. The server does what the SQLite store does itself
// (validation, resourceVersion, generation, finalizers); this class maps the contract onto REST
// calls and API errors onto the StoreError classes, so callers cannot tell the stores apart.
import { KubeConfig } from '@kubernetes/client-node';
import type { KubeObject } from '../../model/meta.js';
import { API_VERSIONS, invalidObject, isClusterScoped, updateTarget } from '../semantics.js';
import {
  ConflictError,
  InvalidError,
  NotFoundError,
  StoreError,
  type DeleteOptions,
  type ListOptions,
  type ListResult,
  type ResourceKind,
  type ResourceStore,
  type Watch,
  type WatchEvent,
  type WatchOptions,
} from '../types.js';
import { loadKubeConfig, type KubeConnectOptions } from './config.js';
import { apiError, isObjectNotFound } from './errors.js';
import { collectionPath, objectPath } from './resources.js';
import { KubeRest, type RestResponse } from './rest.js';
import { startWatch, withTypeMeta } from './watch.js';

export interface KubeStoreOptions {
  /** The namespace callers default to; the kubeconfig context's when omitted. */
  namespace?: string;
}

interface KubeList<T> {
  metadata?: { resourceVersion?: string; continue?: string };
  items?: T[];
}

/** An update without a resourceVersion is unconditional; these many lost races and it gives up. */
const UNCONDITIONAL_ATTEMPTS = 5;

export class KubeStore implements ResourceStore {
  /** The API server's URL. */
  readonly server: string;
  /** The default namespace of the kubeconfig context (or the one given): for callers, not for the store. */
  readonly namespace: string;
  private readonly rest: KubeRest;
  private readonly watches = new Set<Watch>();
  private closed = false;

  constructor(
    readonly kubeConfig: KubeConfig,
    opts: KubeStoreOptions = {},
  ) {
    this.rest = new KubeRest(kubeConfig);
    this.server = this.rest.server;
    const context = kubeConfig.getContextObject(kubeConfig.getCurrentContext());
    this.namespace = opts.namespace || context?.namespace || 'default';
  }

  static fromKubeConfig(kc: KubeConfig, opts: KubeStoreOptions = {}): KubeStore {
    return new KubeStore(kc, opts);
  }

  /**
   * The same API server (address and TLS settings) as the caller a bearer token, or a user name and
   * password, stand for: none of the kubeconfig user's own credentials (token, certificate, exec
   * plugin) go with the requests, so the cluster's RBAC judges that caller alone. The Argo Server's
   * client auth mode does this.
   */
  asCaller(credentials: { token: string } | { username: string; password: string }): KubeStore {
    const cluster = this.kubeConfig.getCurrentCluster();
    if (!cluster) throw new StoreError('the kubeconfig has no current cluster', 500, 'InternalError');
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [cluster],
      users: [{ name: 'caller', ...credentials }],
      contexts: [{ name: 'caller', cluster: cluster.name, user: 'caller', namespace: this.namespace }],
      currentContext: 'caller',
    });
    return new KubeStore(kc, { namespace: this.namespace });
  }

  async get<T extends KubeObject>(
    kind: ResourceKind,
    namespace: string,
    name: string,
  ): Promise<T | undefined> {
    this.ensureOpen();
    const ns = this.namespaceOf(kind, namespace);
    // No object lives outside a namespace; the SQLite store answers the same.
    if (ns === undefined) return undefined;
    const res = await this.rest.request('GET', objectPath(kind, ns, name));
    if (isObjectNotFound(res.status, res.body)) return undefined;
    return withTypeMeta(kind, this.ok<T>(kind, name, res));
  }

  async list<T extends KubeObject>(kind: ResourceKind, opts: ListOptions = {}): Promise<ListResult<T>> {
    this.ensureOpen();
    const namespace = isClusterScoped(kind) ? '' : (opts.namespace ?? '');
    const res = await this.rest.request('GET', collectionPath(kind, namespace), {
      query: {
        labelSelector: opts.labelSelector,
        fieldSelector: opts.fieldSelector,
        limit: opts.limit,
        continue: opts.continue,
      },
    });
    const body = this.ok<KubeList<T>>(kind, '', res);
    const result: ListResult<T> = {
      items: (body.items ?? []).map((item) => withTypeMeta(kind, item)),
      resourceVersion: body.metadata?.resourceVersion ?? '',
    };
    if (body.metadata?.continue) result.continue = body.metadata.continue;
    return result;
  }

  async create<T extends KubeObject>(kind: ResourceKind, obj: T): Promise<T> {
    this.ensureOpen();
    const meta = obj?.metadata;
    if (typeof meta !== 'object' || meta === null)
      throw new InvalidError('object must have a metadata object');
    const name = meta.name ?? meta.generateName ?? '';
    let namespace = '';
    const body = { ...obj, apiVersion: obj.apiVersion ?? API_VERSIONS[kind], kind: obj.kind ?? kind };
    if (isClusterScoped(kind)) {
      // The API server clears it too; the other stores drop it.
      const { namespace: _dropped, ...rest } = meta;
      body.metadata = rest;
    } else {
      namespace = meta.namespace ?? '';
      if (!namespace) throw invalidObject(kind, name, 'metadata.namespace', '', 'a namespace is required');
    }
    const res = await this.rest.request('POST', collectionPath(kind, namespace), { body });
    return withTypeMeta(kind, this.ok<T>(kind, name, res));
  }

  async update<T extends KubeObject>(kind: ResourceKind, obj: T): Promise<T> {
    this.ensureOpen();
    const { namespace, name } = updateTarget(kind, obj);
    if (obj.metadata.resourceVersion) return this.put(kind, namespace, name, obj);
    // Kubernetes refuses unconditional updates of custom resources; the contract allows them, so
    // take the current version and retry when another writer gets in between.
    for (let attempt = 1; ; attempt++) {
      const current = await this.get<T>(kind, namespace, name);
      if (!current) throw new NotFoundError(kind, name);
      const versioned = {
        ...obj,
        metadata: { ...obj.metadata, resourceVersion: current.metadata.resourceVersion },
      };
      try {
        return await this.put(kind, namespace, name, versioned);
      } catch (err) {
        if (!(err instanceof ConflictError) || attempt >= UNCONDITIONAL_ATTEMPTS) throw err;
      }
    }
  }

  async patch<T extends KubeObject>(
    kind: ResourceKind,
    namespace: string,
    name: string,
    patch: unknown,
  ): Promise<T> {
    this.ensureOpen();
    if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
      throw new InvalidError(`${kind} "${name}": a merge patch must be a JSON object`);
    }
    const ns = this.namespaceOf(kind, namespace);
    if (ns === undefined) throw new NotFoundError(kind, name);
    const res = await this.rest.request('PATCH', objectPath(kind, ns, name), {
      body: patch,
      contentType: 'application/merge-patch+json',
    });
    return withTypeMeta(kind, this.ok<T>(kind, name, res));
  }

  async delete(kind: ResourceKind, namespace: string, name: string, opts: DeleteOptions = {}): Promise<void> {
    this.ensureOpen();
    const ns = this.namespaceOf(kind, namespace);
    if (ns === undefined) throw new NotFoundError(kind, name);
    const body =
      opts.resourceVersion !== undefined || opts.gracePeriodSeconds !== undefined
        ? {
            kind: 'DeleteOptions',
            apiVersion: 'v1',
            ...(opts.resourceVersion !== undefined && {
              preconditions: { resourceVersion: opts.resourceVersion },
            }),
            ...(opts.gracePeriodSeconds !== undefined && { gracePeriodSeconds: opts.gracePeriodSeconds }),
          }
        : undefined;
    const res = await this.rest.request('DELETE', objectPath(kind, ns, name), { body });
    this.ok(kind, name, res);
  }

  watch<T extends KubeObject>(
    kind: ResourceKind,
    opts: WatchOptions,
    onEvent: (event: WatchEvent<T>) => void,
    onError?: (err: Error) => void,
  ): Watch {
    this.ensureOpen();
    const namespace = isClusterScoped(kind) ? '' : (opts.namespace ?? '');
    const source = {
      kubeConfig: this.kubeConfig,
      server: this.server,
      list: (k: ResourceKind, o: ListOptions) => this.list(k, o),
    };
    const handle: Watch = startWatch(source, kind, { ...opts, namespace }, onEvent, onError, () =>
      this.watches.delete(handle),
    );
    this.watches.add(handle);
    return handle;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const w of [...this.watches]) w.stop();
  }

  // -------------------------------------------------------------------------------------------

  private async put<T extends KubeObject>(
    kind: ResourceKind,
    namespace: string,
    name: string,
    obj: T,
  ): Promise<T> {
    const body = { ...obj, apiVersion: obj.apiVersion ?? API_VERSIONS[kind], kind: obj.kind ?? kind };
    const res = await this.rest.request('PUT', objectPath(kind, namespace, name), { body });
    return withTypeMeta(kind, this.ok<T>(kind, name, res));
  }

  /** The namespace for an object URL: '' for cluster-scoped kinds, undefined when one is missing. */
  private namespaceOf(kind: ResourceKind, namespace: string): string | undefined {
    if (isClusterScoped(kind)) return '';
    return namespace ? namespace : undefined;
  }

  private ok<T>(kind: ResourceKind, name: string, res: RestResponse): T {
    if (res.status >= 200 && res.status < 300) return res.body as T;
    throw apiError(kind, name, this.server, res.status, res.body);
  }

  private ensureOpen(): void {
    if (this.closed) throw new StoreError('the kube store is closed', 500, 'InternalError');
  }
}

export interface OpenedKubeStore {
  store: KubeStore;
  /** The namespace to default to: -n, else the context's, else the service account's, else "default". */
  namespace: string;
  /** Where the configuration came from: kubeconfig file(s), "in-cluster" or "flags". */
  source: string;
}

/** A KubeStore for the cluster the options (the kubectl flags) select. */
export async function openKubeStore(opts: KubeConnectOptions = {}): Promise<OpenedKubeStore> {
  const loaded = loadKubeConfig(opts);
  const store = new KubeStore(loaded.kubeConfig, { namespace: loaded.namespace });
  return { store, namespace: loaded.namespace, source: loaded.source };
}
