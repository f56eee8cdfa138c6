// A ResourceStore watch over the Kubernetes watch API, with client-node's Watch doing the
// streaming. Like the other stores it starts with ADDED events for what exists when no
// resourceVersion is given (a list, then a watch from the list's version), and it hides what
// Kubernetes leaves to clients: the server ends watch connections every few minutes, so a
// connection that closes cleanly is reopened from the last version seen. Anything else (410 Gone,
// a refused connection, a rejected token) ends the watch and goes to onError once.
import { Watch as KubeWatch, type KubeConfig } from '@kubernetes/client-node';
import type { KubeObject } from '../../model/meta.js';
import { API_VERSIONS } from '../semantics.js';
import {
  StoreError,
  type ListOptions,
  type ListResult,
  type ResourceKind,
  type Watch,
  type WatchEvent,
  type WatchOptions,
} from '../types.js';
import { apiError, unreachable, watchError } from './errors.js';
import { collectionPath } from './resources.js';

export interface WatchSource {
  kubeConfig: KubeConfig;
  server: string;
  list(kind: ResourceKind, opts: ListOptions): Promise<ListResult<KubeObject>>;
}

/** Pages of the initial list: big enough to be few requests, small enough not to stall the server. */
const LIST_PAGE = 500;
/** A connection shorter than this that closes cleanly waits before reopening, so a server that
 * keeps hanging up does not get a request loop. */
const QUICK_CLOSE_MS = 1000;

export function startWatch<T extends KubeObject>(
  source: WatchSource,
  kind: ResourceKind,
  opts: WatchOptions,
  onEvent: (event: WatchEvent<T>) => void,
  onError: ((err: Error) => void) | undefined,
  onEnd: () => void,
): Watch {
  const path = collectionPath(kind, opts.namespace ?? '');
  let stopped = false;
  let abort: AbortController | undefined;
  let timer: NodeJS.Timeout | undefined;
  let version = opts.resourceVersion && opts.resourceVersion !== '0' ? opts.resourceVersion : '';

  const end = (): void => {
    stopped = true;
    abort?.abort();
    if (timer) clearTimeout(timer);
    onEnd();
  };
  const fail = (err: Error): void => {
    if (stopped) return;
    end();
    report(err);
  };
  const report = (err: Error): void => {
    if (onError) onError(err);
    // Like a throwing EventEmitter listener: surface it rather than lose it.
    else
      queueMicrotask(() => {
        throw err;
      });
  };
  const deliver = (event: WatchEvent<T>): void => {
    try {
      onEvent(event);
    } catch (err) {
      report(err as Error);
    }
  };

  const connect = async (): Promise<void> => {
    const opened = Date.now();
    const watcher = new KubeWatch(source.kubeConfig);
    const controller = await watcher
      .watch(
        path,
        {
          resourceVersion: version,
          labelSelector: opts.labelSelector || undefined,
          fieldSelector: opts.fieldSelector || undefined,
          allowWatchBookmarks: true,
        },
        (type: string, object: unknown) => {
          if (stopped) return;
          const obj = object as T;
          if (type === 'ERROR') {
            fail(watchError(kind, source.server, object));
            return;
          }
          if (obj?.metadata?.resourceVersion) version = obj.metadata.resourceVersion;
          if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') {
            deliver({ type, object: withTypeMeta(kind, obj) });
          } else if (type === 'BOOKMARK') {
            // It only moves the version forward, so a reconnect does not start from an old one.
            opts.onBookmark?.(version);
          }
        },
        (err: unknown) => {
          if (stopped) return;
          if (err) {
            fail(connectError(kind, source.server, err));
            return;
          }
          const wait = Date.now() - opened < QUICK_CLOSE_MS ? QUICK_CLOSE_MS : 0;
          timer = setTimeout(() => void connect().catch((e: unknown) => fail(e as Error)), wait);
        },
      )
      .catch((err: unknown) => {
        // Thrown before any request is made: credentials or certificates of the kubeconfig failed.
        throw new StoreError(
          `cannot use the kubeconfig's credentials or certificates for ${source.server}: ${(err as Error).message}`,
          401,
          'Unauthorized',
        );
      });
    if (stopped) controller.abort();
    else abort = controller;
  };

  const start = async (): Promise<void> => {
    if (!version) {
      let token: string | undefined;
      let first = true;
      do {
        const page = await source.list(kind, {
          namespace: opts.namespace,
          labelSelector: opts.labelSelector,
          fieldSelector: opts.fieldSelector,
          limit: LIST_PAGE,
          continue: token,
        });
        if (stopped) return;
        // Every page is a view of the version the first page was read at.
        if (first) version = page.resourceVersion;
        first = false;
        for (const object of page.items) deliver({ type: 'ADDED', object: object as T });
        token = page.continue;
      } while (token && !stopped);
    }
    if (!stopped) await connect();
  };

  // Start after watch() returns so the caller holds the handle before the first event.
  queueMicrotask(() => void start().catch((err: unknown) => fail(err as Error)));
  return {
    stop: () => {
      if (!stopped) end();
    },
  };
}

/** The API leaves apiVersion and kind off list items (and some watch objects); the stores do not. */
export function withTypeMeta<T extends KubeObject>(kind: ResourceKind, obj: T): T {
  if (obj.apiVersion && obj.kind) return obj;
  const { apiVersion, kind: given, ...rest } = obj;
  return { apiVersion: apiVersion || API_VERSIONS[kind], kind: given || kind, ...rest } as T;
}

/** client-node's Watch gives a non-200 answer as an Error with statusCode and no body. */
function connectError(kind: ResourceKind, server: string, err: unknown): StoreError {
  if (err instanceof StoreError) return err;
  const statusCode = (err as { statusCode?: unknown }).statusCode;
  if (typeof statusCode === 'number') {
    const text = (err as Error).message;
    return apiError(kind, '', server, statusCode, { message: `${text} (HTTP ${statusCode} for the watch)` });
  }
  return unreachable(server, err);
}
