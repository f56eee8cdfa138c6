// A Kubernetes API server for tests, over a MemoryStore: the REST paths, verbs, Status errors,
// selectors, paging, merge and JSON patches, and streaming watches (with 410 Expired) that
// @kubernetes/client-node speaks, so the kube store and argoexec are tested with the real client
// and no cluster; pods/log is served from a callback the test gives. It is plain HTTP;
// writeKubeconfig points a kubeconfig at it.
import { writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { stringify as toYaml } from 'yaml';
import type { KubeObject } from '../../src/model/meta.js';
import type { Pod } from '../../src/model/pod.js';
import { API_VERSIONS } from '../../src/store/semantics.js';
import { InvalidError, NotFoundError, StoreError, type ResourceKind } from '../../src/store/types.js';
import { applyJsonPatch, JsonPatchError } from './json-patch.js';
import {
  asObject,
  discovery,
  discoveryIndex,
  errorStatus,
  HttpError,
  NO_ROUTE,
  readJson,
  route,
  send,
  status,
  type Target,
} from './kube-wire.js';
import { MemoryStore } from './memory-store.js';

export interface FakeApiServerOptions {
  /** Require `Authorization: Bearer <token>`; without it every request gets 401. */
  token?: string;
  /** Serve this store (default: a new MemoryStore). */
  store?: MemoryStore;
  /** For a new store: how many changes a watch can resume from before 410 Expired. */
  changeLogRetention?: number;
  /** End every watch stream after this long, as real API servers do after a few minutes. */
  watchTimeoutMs?: number;
  /**
   * Serves the pods/log subresource of pods in the store: the text of a container's log, all at
   * once or as chunks streamed while the iterable runs (the signal aborts when the client goes).
   * Throw an HttpError to refuse (400 "waiting to start", say). Without it, pods/log is not served.
   */
  podLog?: PodLogSource;
}

export type PodLogSource = (
  namespace: string,
  pod: string,
  container: string,
  query: Record<string, string>,
  signal: AbortSignal,
) => string | AsyncIterable<string> | Promise<string | AsyncIterable<string>>;

export interface FakeRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType?: string;
}

export interface KubeconfigOptions {
  /** Default: the server's token (none when it has none). */
  token?: string;
  /** The context's namespace; default "default". */
  namespace?: string;
  /** File name inside the directory; default "kubeconfig". */
  file?: string;
}

export interface FakeApiServer {
  /** http://127.0.0.1:PORT */
  url: string;
  store: MemoryStore;
  /** Every request in arrival order. */
  requests: FakeRequest[];
  /** Watch streams open now. */
  readonly openWatches: number;
  /** Writes a kubeconfig whose current context points at this server; returns its path. */
  writeKubeconfig(dir: string, opts?: KubeconfigOptions): string;
  close(): Promise<void>;
}

export async function startFakeApiServer(opts: FakeApiServerOptions = {}): Promise<FakeApiServer> {
  const store = opts.store ?? new MemoryStore({ changeLogRetention: opts.changeLogRetention });
  const requests: FakeRequest[] = [];
  const watches = new Set<() => void>();

  const watch = (res: ServerResponse, kind: ResourceKind, t: Target, q: URLSearchParams) => {
    let ended = false;
    const handle = store.watch(
      kind,
      {
        namespace: t.namespace,
        labelSelector: q.get('labelSelector') ?? undefined,
        fieldSelector: q.get('fieldSelector') ?? undefined,
        resourceVersion: q.get('resourceVersion') ?? undefined,
      },
      (event) => {
        if (!ended) res.write(`${JSON.stringify(event)}\n`);
      },
      (err) => {
        if (ended) return;
        res.write(`${JSON.stringify({ type: 'ERROR', object: errorStatus(err, {}) })}\n`);
        finish();
      },
    );
    const finish = (): void => {
      if (ended) return;
      ended = true;
      handle.stop();
      clearTimeout(timer);
      watches.delete(finish);
      res.end();
    };
    const seconds = Number(q.get('timeoutSeconds') ?? '');
    const timeoutMs = seconds > 0 ? seconds * 1000 : opts.watchTimeoutMs;
    const timer = timeoutMs ? setTimeout(finish, timeoutMs) : undefined;
    watches.add(finish);
    res.on('close', finish);
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    requests.push({
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      contentType: req.headers['content-type'],
    });
    if (opts.token && req.headers.authorization !== `Bearer ${opts.token}`) {
      send(res, 401, status(401, 'Unauthorized', 'Unauthorized'));
      return;
    }
    const log = POD_LOG.exec(url.pathname);
    if (log && opts.podLog) {
      if (method !== 'GET') throw new HttpError(405, 'MethodNotAllowed', `${method} is not allowed here`);
      const [namespace, pod] = [decodeURIComponent(log[1]), decodeURIComponent(log[2])];
      await servePodLog(res, store, opts.podLog, namespace, pod, url.searchParams);
      return;
    }
    const found = route(url.pathname);
    if (!found) throw new HttpError(404, 'NotFound', NO_ROUTE);
    if ('index' in found) {
      send(res, 200, discoveryIndex(found.index));
      return;
    }
    if ('discovery' in found) {
      if (method !== 'GET') throw new HttpError(405, 'MethodNotAllowed', `${method} is not allowed here`);
      send(res, 200, discovery(found.discovery.group, found.discovery.version));
      return;
    }
    const t = found.target;
    const kind = t.resource.kind;
    const q = url.searchParams;
    switch (method) {
      case 'GET': {
        if (t.name !== undefined) {
          const obj = await store.get(kind, t.namespace, t.name);
          if (!obj) throw new NotFoundError(kind, t.name);
          send(res, 200, obj);
        } else if (q.get('watch') === 'true' || q.get('watch') === '1') {
          watch(res, kind, t, q);
        } else {
          const limit = q.get('limit');
          const list = await store.list(kind, {
            namespace: t.namespace,
            labelSelector: q.get('labelSelector') ?? undefined,
            fieldSelector: q.get('fieldSelector') ?? undefined,
            limit: limit ? Number(limit) : undefined,
            continue: q.get('continue') ?? undefined,
          });
          send(res, 200, {
            apiVersion: API_VERSIONS[kind],
            kind: `${kind}List`,
            metadata: { resourceVersion: list.resourceVersion, continue: list.continue },
            // As the API server sends them: type meta on the list, not on its items.
            items: list.items.map(({ apiVersion: _a, kind: _k, ...rest }) => rest),
          });
        }
        return;
      }
      case 'POST': {
        if (t.name !== undefined || (t.resource.namespaced && !t.namespace))
          throw new HttpError(405, 'MethodNotAllowed', `POST is not allowed on ${url.pathname}`);
        const obj = asObject(await readJson(req));
        placeInNamespace(obj, t);
        send(res, 201, await store.create(kind, obj));
        return;
      }
      case 'PUT': {
        if (t.name === undefined) throw new HttpError(405, 'MethodNotAllowed', `PUT needs an object path`);
        const obj = asObject(await readJson(req));
        if (obj.metadata.name !== t.name)
          throw new HttpError(
            400,
            'BadRequest',
            `the name of the object (${obj.metadata.name ?? ''}) does not match the name on the URL (${t.name})`,
          );
        placeInNamespace(obj, t);
        // Custom resources, unlike the built-in kinds here, refuse an update without a version.
        if (t.resource.group === 'argoproj.io' && !obj.metadata.resourceVersion)
          throw new InvalidError(
            `${kind}.argoproj.io "${t.name}" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update`,
          );
        send(res, 200, await store.update(kind, obj));
        return;
      }
      case 'PATCH': {
        if (t.name === undefined) throw new HttpError(405, 'MethodNotAllowed', `PATCH needs an object path`);
        const type = (req.headers['content-type'] ?? '').split(';')[0].trim();
        const body = await readJson(req);
        if (type === 'application/merge-patch+json' || type === 'application/strategic-merge-patch+json') {
          send(res, 200, await store.patch(kind, t.namespace, t.name, body));
        } else if (type === 'application/json-patch+json') {
          send(res, 200, await jsonPatch(store, kind, t.namespace, t.name, body));
        } else {
          throw new HttpError(
            415,
            'UnsupportedMediaType',
            `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json`,
          );
        }
        return;
      }
      case 'DELETE': {
        if (t.name === undefined) throw new HttpError(405, 'MethodNotAllowed', `DELETE needs an object path`);
        const options = (await readJson(req)) as { preconditions?: { resourceVersion?: string } } | undefined;
        await store.delete(kind, t.namespace, t.name, {
          resourceVersion: options?.preconditions?.resourceVersion,
        });
        // Still there when finalizers hold it: the API server answers with the marked object.
        const left = await store.get(kind, t.namespace, t.name);
        send(res, 200, left ?? { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success' });
        return;
      }
      default:
        throw new HttpError(405, 'MethodNotAllowed', `${method} is not allowed`);
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const found = route(new URL(req.url ?? '/', 'http://fake').pathname);
      const details: Record<string, string> = {};
      if (found && 'target' in found) {
        if (found.target.name) details.name = found.target.name;
        details.group = found.target.resource.group;
        details.kind = found.target.resource.plural;
      }
      // A create names its object in the body, not the path.
      if (err instanceof StoreError && err.reason === 'AlreadyExists') {
        const m = /"([^"]+)" already exists/.exec(err.message);
        if (m) details.name = m[1];
      }
      const body = errorStatus(err, details);
      send(res, body.code, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    store,
    requests,
    get openWatches() {
      return watches.size;
    },
    writeKubeconfig(dir, k = {}) {
      const file = path.join(dir, k.file ?? 'kubeconfig');
      const token = k.token ?? opts.token;
      const config = {
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'fake', cluster: { server: url, 'insecure-skip-tls-verify': true } }],
        users: [{ name: 'fake', user: token ? { token } : {} }],
        contexts: [
          { name: 'fake', context: { cluster: 'fake', user: 'fake', namespace: k.namespace ?? 'default' } },
        ],
        'current-context': 'fake',
      };
      writeFileSync(file, toYaml(config));
      return file;
    },
    async close() {
      for (const finish of [...watches]) finish();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (!opts.store) await store.close();
    },
  };
}

const POD_LOG = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/log$/;

/** GET pods/{name}/log: the pod must exist and name the container, as the API server checks. */
async function servePodLog(
  res: ServerResponse,
  store: MemoryStore,
  source: PodLogSource,
  namespace: string,
  name: string,
  q: URLSearchParams,
): Promise<void> {
  const refuse = (code: number, reason: string, message: string) =>
    send(res, code, status(code, reason, message, { name, kind: 'pods' }));
  const pod = await store.get<Pod>('Pod', namespace, name);
  if (!pod) return refuse(404, 'NotFound', `pods "${name}" not found`);
  // A container without a name is not a valid pod; it matches no query.
  const names = (pod.spec?.containers ?? []).map((c) => c.name ?? '');
  let container = q.get('container') ?? '';
  if (!container) {
    if (names.length !== 1)
      return refuse(
        400,
        'BadRequest',
        `a container name must be specified for pod ${name}, choose one of: [${names.join(' ')}]`,
      );
    container = names[0];
  } else if (!names.includes(container)) {
    return refuse(400, 'BadRequest', `container ${container} is not valid for pod ${name}`);
  }
  const aborted = new AbortController();
  res.on('close', () => aborted.abort());
  let body: string | AsyncIterable<string>;
  try {
    body = await source(namespace, name, container, Object.fromEntries(q), aborted.signal);
  } catch (err) {
    if (!(err instanceof HttpError)) throw err;
    return refuse(err.code, err.reason, err.message);
  }
  if (typeof body === 'string') {
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
    return;
  }
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  for await (const chunk of body) {
    if (aborted.signal.aborted) break;
    res.write(chunk);
  }
  res.end();
}

/** RFC 6902 against the stored object, written back on the version it was read at. */
async function jsonPatch(
  store: MemoryStore,
  kind: ResourceKind,
  namespace: string,
  name: string,
  ops: unknown,
): Promise<KubeObject> {
  const current = await store.get(kind, namespace, name);
  if (!current) throw new NotFoundError(kind, name);
  let patched: KubeObject;
  try {
    patched = applyJsonPatch(current, ops) as KubeObject;
  } catch (err) {
    if (err instanceof JsonPatchError) throw new HttpError(422, 'Invalid', err.message);
    throw err;
  }
  if (
    patched?.metadata?.name !== name ||
    (patched.metadata.namespace ?? '') !== (current.metadata.namespace ?? '')
  )
    throw new InvalidError(
      `${kind} "${name}" is invalid: metadata: Invalid value: the patch must not move the object`,
    );
  if (!patched.metadata.resourceVersion) patched.metadata.resourceVersion = current.metadata.resourceVersion;
  return store.update(kind, patched);
}

/** An object sent to a namespaced path takes that namespace; naming another one is refused. */
function placeInNamespace(
  obj: KubeObject,
  t: { resource: { namespaced: boolean }; namespace?: string },
): void {
  if (!t.resource.namespaced) return;
  if (obj.metadata.namespace && obj.metadata.namespace !== t.namespace)
    throw new HttpError(
      400,
      'BadRequest',
      'the namespace of the provided object does not match the namespace sent on the request',
    );
  obj.metadata.namespace = t.namespace;
}
