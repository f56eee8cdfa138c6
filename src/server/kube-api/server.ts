// The embedded store served as a Kubernetes API endpoint, for kubectl and client libraries: the
// REST paths and verbs of the kinds the store holds, Status errors, label/field selectors, paging,
// merge, strategic-merge (as merge) and JSON patches, Tables for `kubectl get`, and streaming
// watches (410 Expired when a version is too old). One implementation over any ResourceStore: the
// local `argo kube-api` serves the SQLite store with it, the tests' fake API server a MemoryStore.
// It is plain HTTP on loopback; a bearer token guards it.
import {
  createServer,
  STATUS_CODES,
  type IncomingMessage,
  type RequestListener,
  type ServerResponse,
} from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { KubeObject } from '../../model/meta.js';
import type { Pod } from '../../model/pod.js';
import { API_VERSIONS } from '../../store/semantics.js';
import {
  InvalidError,
  NotFoundError,
  StoreError,
  type ResourceKind,
  type ResourceStore,
} from '../../store/types.js';
import {
  attributesOf,
  requestUser,
  forbidden,
  singleTokenAuthorizer,
  UNAUTHORIZED,
  type KubeApiAuthorizer,
  type RequestAttributes,
} from './access.js';
import { execProtocol, serveExec, type PodExecHandler } from './exec.js';
import { applyJsonPatch, JsonPatchError } from './json-patch.js';
import { openApiDocument, openApiIndex } from './openapi.js';
import { tableVersionWanted, toTable, type IncludeObject } from './table.js';
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
} from './wire.js';

export interface KubeApiOptions {
  /** Require `Authorization: Bearer <token>`; without it every request gets 401. */
  token?: string;
  /** Callers by bearer token and what each may do (in place of `token`): 401 and 403 as the API server answers. */
  authorizer?: KubeApiAuthorizer;
  /** Default 127.0.0.1: nothing but this machine may reach the store. */
  host?: string;
  /** Default 0 (any free port). */
  port?: number;
  /** Serve HTTPS with this key and certificate; kubectl sends a bearer token only over TLS. */
  tls?: { key: string; cert: string };
  /** End every watch stream after this long, as real API servers do after a few minutes. */
  watchTimeoutMs?: number;
  /**
   * How often a watch that allows bookmarks (allowWatchBookmarks=true) is sent a BOOKMARK with the
   * version it has caught up to, when the store tracks it; default 60 s, about as the API server does.
   */
  bookmarkIntervalMs?: number;
  /**
   * Serves the pods/log subresource of pods in the store: the text of a container's log, all at
   * once or as chunks streamed while the iterable runs (the signal aborts when the client goes).
   * Throw an HttpError to refuse (400 "waiting to start", say). Without it, pods/log is not served.
   */
  podLog?: PodLogSource;
  /**
   * Runs the command of a pods/exec request (a websocket upgrade; see exec.ts) once the pod and
   * its container are found. Without it, pods/exec is not served.
   */
  podExec?: PodExecHandler;
  /** Called with every request before it is served (tests record them). */
  onRequest?: (req: KubeApiRequest) => void;
  /** Called after a create, update or patch succeeded (the local engine starts a controller for workflows). */
  afterWrite?: (kind: ResourceKind) => void;
  /** What GET /version reports. */
  version?: { gitVersion: string };
}

export type PodLogSource = (
  namespace: string,
  pod: string,
  container: string,
  query: Record<string, string>,
  signal: AbortSignal,
) => string | AsyncIterable<string> | Promise<string | AsyncIterable<string>>;

export interface KubeApiRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType?: string;
  /** Who the bearer token stands for, with an authorizer; undefined when it stands for no one. */
  user?: string;
}

export interface KubeApiServer {
  /** http(s)://127.0.0.1:PORT */
  url: string;
  /** Watch streams open now. */
  readonly openWatches: number;
  /** Ends every open watch stream, as an API server does when it restarts or times them out. */
  endWatches(): void;
  close(): Promise<void>;
}

export { HttpError };

export async function startKubeApiServer(
  store: ResourceStore,
  opts: KubeApiOptions = {},
): Promise<KubeApiServer> {
  const watches = new Set<() => void>();
  const authorizer = opts.authorizer ?? (opts.token ? singleTokenAuthorizer(opts.token) : undefined);

  const watch = (
    req: IncomingMessage,
    res: ServerResponse,
    kind: ResourceKind,
    t: Target,
    q: URLSearchParams,
  ) => {
    const table = tableVersionWanted(req);
    let ended = false;
    let headed = false;
    // The last version the client was told: a BOOKMARK (only the version, on an object of the
    // watched kind) is sent when the watch has caught up past it.
    let told = q.get('resourceVersion') ?? '';
    const handle = store.watch(
      kind,
      {
        namespace: t.namespace,
        labelSelector: q.get('labelSelector') ?? undefined,
        fieldSelector: q.get('fieldSelector') ?? undefined,
        resourceVersion: q.get('resourceVersion') ?? undefined,
      },
      (event) => {
        if (ended) return;
        let object: unknown = event.object;
        if (table) {
          // As the API server does: the column definitions come with the first event only.
          object = toTable(kind, [event.object], {
            version: table,
            includeObject: includeObjectOf(q),
            resourceVersion: event.object.metadata.resourceVersion,
            columns: !headed,
          });
          headed = true;
        }
        res.write(`${JSON.stringify({ type: event.type, object })}\n`);
        told = event.object.metadata.resourceVersion ?? told;
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
      clearInterval(bookmarks);
      watches.delete(finish);
      res.end();
    };
    const bookmarks =
      handle.progress && (q.get('allowWatchBookmarks') === 'true' || q.get('allowWatchBookmarks') === '1')
        ? setInterval(() => {
            const at = handle.progress?.();
            if (ended || !at || (told !== '' && Number(at) <= Number(told))) return;
            told = at;
            const object = { apiVersion: API_VERSIONS[kind], kind, metadata: { resourceVersion: at } };
            res.write(`${JSON.stringify({ type: 'BOOKMARK', object })}\n`);
          }, opts.bookmarkIntervalMs ?? 60_000)
        : undefined;
    const seconds = Number(q.get('timeoutSeconds') ?? '');
    const timeoutMs = seconds > 0 ? seconds * 1000 : opts.watchTimeoutMs;
    const timer = timeoutMs ? setTimeout(finish, timeoutMs) : undefined;
    watches.add(finish);
    res.on('close', finish);
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://kube-api');
    const method = req.method ?? 'GET';
    const user = authorizer && requestUser(authorizer, req);
    opts.onRequest?.({
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      contentType: req.headers['content-type'],
      user,
    });
    const q = url.searchParams;
    const log = POD_LOG.exec(url.pathname);
    const found = log ? undefined : route(url.pathname);
    if (authorizer) {
      if (user === undefined) {
        send(res, 401, UNAUTHORIZED);
        return;
      }
      const attributes = attributesOf(
        method,
        found,
        q,
        log
          ? {
              resource: 'pods',
              subresource: 'log',
              namespace: decodeURIComponent(log[1]),
              name: decodeURIComponent(log[2]),
            }
          : undefined,
      );
      if (attributes && !authorizer.allowed(user, attributes)) {
        send(res, 403, forbidden(user, attributes));
        return;
      }
    }
    if (q.get('dryRun'))
      throw new HttpError(
        400,
        'BadRequest',
        'dry run is not supported by this server; leave out --dry-run=server',
      );
    if (url.pathname === '/version') {
      send(res, 200, versionInfo(opts.version?.gitVersion));
      return;
    }
    if (url.pathname === '/openapi/v3' || url.pathname.startsWith('/openapi/v3/')) {
      const doc = url.pathname === '/openapi/v3' ? openApiIndex() : openApiDocument(url.pathname);
      if (!doc) throw new HttpError(404, 'NotFound', NO_ROUTE);
      send(res, 200, doc);
      return;
    }
    if (log && opts.podLog) {
      if (method !== 'GET') throw new HttpError(405, 'MethodNotAllowed', `${method} is not allowed here`);
      const [namespace, pod] = [decodeURIComponent(log[1]), decodeURIComponent(log[2])];
      await servePodLog(res, store, opts.podLog, namespace, pod, q);
      return;
    }
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
    const table = tableVersionWanted(req);
    switch (method) {
      case 'GET': {
        if (t.name !== undefined) {
          const obj = await store.get(kind, t.namespace, t.name);
          if (!obj) throw new NotFoundError(kind, t.name);
          send(
            res,
            200,
            table
              ? toTable(kind, [obj], {
                  version: table,
                  includeObject: includeObjectOf(q),
                  resourceVersion: obj.metadata.resourceVersion,
                })
              : obj,
          );
        } else if (q.get('watch') === 'true' || q.get('watch') === '1') {
          watch(req, res, kind, t, q);
        } else {
          const limit = q.get('limit');
          const list = await store.list(kind, {
            namespace: t.namespace,
            labelSelector: q.get('labelSelector') ?? undefined,
            fieldSelector: q.get('fieldSelector') ?? undefined,
            limit: limit ? Number(limit) : undefined,
            continue: q.get('continue') ?? undefined,
          });
          if (table) {
            send(
              res,
              200,
              toTable(kind, list.items, {
                version: table,
                includeObject: includeObjectOf(q),
                resourceVersion: list.resourceVersion,
                continue: list.continue,
              }),
            );
            return;
          }
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
        defaultSecretType(kind, obj);
        send(res, 201, await store.create(kind, obj));
        opts.afterWrite?.(kind);
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
        opts.afterWrite?.(kind);
        return;
      }
      case 'PATCH': {
        if (t.name === undefined) throw new HttpError(405, 'MethodNotAllowed', `PATCH needs an object path`);
        const type = (req.headers['content-type'] ?? '').split(';')[0].trim();
        const body = await readJson(req);
        if (type === 'application/merge-patch+json') {
          send(res, 200, await store.patch(kind, t.namespace, t.name, body));
        } else if (type === 'application/strategic-merge-patch+json') {
          // The kinds here have no lists with merge keys in what users patch (ConfigMap and Secret
          // data are maps), so a strategic merge patch without directives is a merge patch.
          const directive = directiveIn(body);
          if (directive)
            throw new HttpError(
              415,
              'UnsupportedMediaType',
              `strategic merge patch directive "${directive}" is not supported by this server; send a merge patch (kubectl patch --type=merge) or a JSON patch`,
            );
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
        opts.afterWrite?.(kind);
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

  const listener: RequestListener = (req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const found = route(new URL(req.url ?? '/', 'http://kube-api').pathname);
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
  };
  const server = opts.tls
    ? createTlsServer({ key: opts.tls.key, cert: opts.tls.cert }, listener)
    : createServer(listener);
  const podExec = opts.podExec;
  if (podExec)
    server.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
      upgradeToExec(req, socket, store, podExec, authorizer, opts.onRequest).catch((err: unknown) => {
        const body = errorStatus(err, {});
        refuseUpgrade(socket, body.code, body);
      });
    });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `${opts.tls ? 'https' : 'http'}://${host}:${address.port}`,
    get openWatches() {
      return watches.size;
    },
    endWatches() {
      for (const finish of [...watches]) finish();
    },
    async close() {
      for (const finish of [...watches]) finish();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const POD_LOG = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/log$/;
const POD_EXEC = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/exec$/;

/** An HTTP answer on a socket that asked to upgrade, which has no ServerResponse. */
function refuseUpgrade(socket: Duplex, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  socket.on('error', () => undefined);
  socket.end(
    `HTTP/1.1 ${code} ${STATUS_CODES[code] ?? ''}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
  );
}

/**
 * GET pods/{name}/exec with a websocket upgrade: authorized as `create` on pods/exec (as the
 * API server authorizes it), the pod must exist and name the container, as for pods/log.
 */
async function upgradeToExec(
  req: IncomingMessage,
  socket: Duplex,
  store: ResourceStore,
  podExec: PodExecHandler,
  authorizer: KubeApiAuthorizer | undefined,
  onRequest: KubeApiOptions['onRequest'],
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://kube-api');
  const user = authorizer && requestUser(authorizer, req);
  onRequest?.({
    method: req.method ?? 'GET',
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    user,
  });
  const m = POD_EXEC.exec(url.pathname);
  if (!m) throw new HttpError(404, 'NotFound', NO_ROUTE);
  const [namespace, name] = [decodeURIComponent(m[1]), decodeURIComponent(m[2])];
  if (authorizer) {
    if (user === undefined) return refuseUpgrade(socket, 401, UNAUTHORIZED);
    const a: RequestAttributes = {
      verb: 'create',
      group: '',
      resource: 'pods',
      subresource: 'exec',
      namespace,
      name,
    };
    if (!authorizer.allowed(user, a)) return refuseUpgrade(socket, 403, forbidden(user, a));
  }
  const protocol = execProtocol(req);
  if (!protocol)
    throw new HttpError(
      400,
      'BadRequest',
      'unable to upgrade connection: no supported channel protocol offered',
    );
  const pod = await store.get<Pod>('Pod', namespace, name);
  if (!pod) throw new HttpError(404, 'NotFound', `pods "${name}" not found`);
  const names = (pod.spec?.containers ?? []).map((c) => c.name ?? '');
  const container = url.searchParams.get('container') || (names.length === 1 ? names[0] : '');
  if (!container)
    throw new HttpError(
      400,
      'BadRequest',
      `a container name must be specified for pod ${name}, choose one of: [${names.join(' ')}]`,
    );
  if (!names.includes(container))
    throw new HttpError(400, 'BadRequest', `container ${container} is not valid for pod ${name}`);
  const command = url.searchParams.getAll('command');
  if (command.length === 0) throw new HttpError(400, 'BadRequest', 'you must specify at least 1 command');
  await serveExec(req, socket, protocol, () => podExec(namespace, name, container, command), command);
}

function includeObjectOf(q: URLSearchParams): IncludeObject {
  const v = q.get('includeObject');
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}

/** The first `$`-key (a strategic merge directive such as $patch or $setElementOrder) in a patch. */
function directiveIn(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, v] of Object.entries(value)) {
    if (key.startsWith('$')) return key;
    const inner = directiveIn(v);
    if (inner) return inner;
  }
  return undefined;
}

/** GET /version: kubectl prints it and compares it with its own version. */
function versionInfo(gitVersion = 'v1.32.0') {
  const [major, minor] = gitVersion.replace(/^v/, '').split('.');
  return { major, minor, gitVersion, platform: `${process.platform}/${process.arch}` };
}

/** GET pods/{name}/log: the pod must exist and name the container, as the API server checks. */
async function servePodLog(
  res: ServerResponse,
  store: ResourceStore,
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
  store: ResourceStore,
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

/** The API server's defaulting: a Secret without a type is Opaque. */
function defaultSecretType(kind: ResourceKind, obj: KubeObject): void {
  const secret = obj as KubeObject & { type?: string };
  if (kind === 'Secret' && !secret.type) secret.type = 'Opaque';
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
