// Objects of any kind, as kubectl reaches them: API discovery tells which plural path and scope
// serve an apiVersion+kind (or a kubectl type name such as `pod`, `cm`, `jobs.batch`), then the
// object is read and written as raw JSON. KubeStore knows only its fixed kinds; resource templates
// name whatever the cluster serves, custom resources included.
import type { KubeConfig } from '@kubernetes/client-node';
import type { KubeObject } from '../../model/meta.js';
import { StoreError } from '../types.js';
import { asStatus } from './errors.js';
import { groupVersionPath } from './resources.js';
import { KubeRest, type RestResponse } from './rest.js';

export interface ApiResource {
  /** '' for the core group. */
  group: string;
  version: string;
  kind: string;
  plural: string;
  namespaced: boolean;
}

export type PatchType = 'merge' | 'json' | 'strategic';

export const PATCH_CONTENT_TYPES: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
};

/** Query parameters of a write: fieldValidation, fieldManager, dryRun. */
export type WriteQuery = Record<string, string | undefined>;

export interface DynamicDeleteOptions {
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  gracePeriodSeconds?: number;
}

/** The API server answered with an error; message and reason are the server's own. */
export class KubeApiError extends StoreError {
  constructor(message: string, code: number, reason: string) {
    super(message, code, reason);
    this.name = 'KubeApiError';
  }
}

/** Discovery found nothing serving the kind or type name: a missing CRD, or a typo. */
export class NoKindMatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoKindMatchError';
  }
}

interface DiscoveredResource {
  name: string;
  singularName?: string;
  namespaced: boolean;
  kind: string;
  shortNames?: string[];
}

interface ResourceList {
  resources?: DiscoveredResource[];
}

interface GroupList {
  groups?: {
    name: string;
    versions?: { version: string }[];
    preferredVersion?: { version: string };
  }[];
}

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

export function apiVersionOf(r: Pick<ApiResource, 'group' | 'version'>): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

export class DynamicClient {
  readonly server: string;
  private readonly rest: KubeRest;
  // Discovery answers do not change while a step runs; each group version is asked once.
  private readonly lists = new Map<string, Promise<DiscoveredResource[] | undefined>>();
  private groups?: Promise<{ group: string; versions: string[] }[]>;

  constructor(kubeConfig: KubeConfig) {
    this.rest = new KubeRest(kubeConfig);
    this.server = this.rest.server;
  }

  /** Where apiVersion+kind is served; NoKindMatchError when nothing serves it. */
  async resourceFor(apiVersion: string, kind: string): Promise<ApiResource> {
    const { group, version } = splitApiVersion(apiVersion);
    const found = (await this.resourceList(group, version))?.find(
      (r) => r.kind === kind && !r.name.includes('/'),
    );
    if (!found) throw new NoKindMatchError(`no matches for kind "${kind}" in version "${apiVersion}"`);
    return { group, version, kind, plural: found.name, namespaced: found.namespaced };
  }

  /**
   * A kubectl type argument: plural, singular, kind or short name, optionally qualified by group
   * (`jobs.batch`) or version and group (`jobs.v1.batch`). The core group is searched first.
   */
  async resourceNamed(type: string): Promise<ApiResource> {
    const dot = type.indexOf('.');
    const name = (dot < 0 ? type : type.slice(0, dot)).toLowerCase();
    const qualifier = dot < 0 ? '' : type.slice(dot + 1);
    const groups = await this.groupVersions();
    const candidates: { group: string; version: string }[] = [];
    for (const g of groups) {
      if (!qualifier) candidates.push({ group: g.group, version: g.versions[0] });
      else if (qualifier === g.group) candidates.push({ group: g.group, version: g.versions[0] });
      else
        for (const v of g.versions)
          if (qualifier === `${v}.${g.group}`) candidates.push({ group: g.group, version: v });
    }
    for (const c of candidates) {
      const found = (await this.resourceList(c.group, c.version))?.find(
        (r) =>
          !r.name.includes('/') &&
          (r.name === name ||
            r.singularName === name ||
            r.kind.toLowerCase() === name ||
            (r.shortNames ?? []).includes(name)),
      );
      if (found) return { ...c, kind: found.kind, plural: found.name, namespaced: found.namespaced };
    }
    throw new NoKindMatchError(`the server doesn't have a resource type "${type}"`);
  }

  /** The URL path of a collection (no name) or object; namespace is ignored for cluster-scoped kinds. */
  path(r: ApiResource, namespace: string, name?: string): string {
    let p = groupVersionPath(r.group, r.version);
    if (r.namespaced && namespace) p += `/namespaces/${encodeURIComponent(namespace)}`;
    p += `/${r.plural}`;
    return name === undefined ? p : `${p}/${encodeURIComponent(name)}`;
  }

  /** The object, or undefined when there is none of that name. */
  async get(r: ApiResource, namespace: string, name: string): Promise<KubeObject | undefined> {
    const res = await this.rest.request('GET', this.path(r, namespace, name));
    if (res.status === 404 && asStatus(res.body)?.details?.name) return undefined;
    return this.ok(res);
  }

  async list(r: ApiResource, namespace: string, labelSelector?: string): Promise<KubeObject[]> {
    const items: KubeObject[] = [];
    let next: string | undefined;
    do {
      const res = await this.rest.request('GET', this.path(r, namespace), {
        query: { labelSelector, continue: next, limit: 500 },
      });
      const body = this.ok<{ items?: KubeObject[]; metadata?: { continue?: string } }>(res);
      // Items come without type meta; callers name objects by kind.
      for (const item of body.items ?? []) items.push({ ...item, apiVersion: apiVersionOf(r), kind: r.kind });
      next = body.metadata?.continue || undefined;
    } while (next);
    return items;
  }

  async create(r: ApiResource, namespace: string, obj: KubeObject, query?: WriteQuery): Promise<KubeObject> {
    const res = await this.rest.request('POST', this.path(r, namespace), { body: obj, query });
    return this.ok(res);
  }

  async replace(
    r: ApiResource,
    namespace: string,
    name: string,
    obj: KubeObject,
    query?: WriteQuery,
  ): Promise<KubeObject> {
    const res = await this.rest.request('PUT', this.path(r, namespace, name), { body: obj, query });
    return this.ok(res);
  }

  async patch(
    r: ApiResource,
    namespace: string,
    name: string,
    patch: unknown,
    type: PatchType,
    query?: WriteQuery,
  ): Promise<KubeObject> {
    const res = await this.rest.request('PATCH', this.path(r, namespace, name), {
      body: patch,
      contentType: PATCH_CONTENT_TYPES[type],
      query,
    });
    return this.ok(res);
  }

  /** Deletes; answers the object when finalizers keep it, else undefined. */
  async delete(
    r: ApiResource,
    namespace: string,
    name: string,
    opts: DynamicDeleteOptions = {},
  ): Promise<KubeObject | undefined> {
    const body =
      opts.propagationPolicy || opts.gracePeriodSeconds !== undefined
        ? { kind: 'DeleteOptions', apiVersion: 'v1', ...opts }
        : undefined;
    const res = await this.rest.request('DELETE', this.path(r, namespace, name), { body });
    const out = this.ok<KubeObject & { kind?: string }>(res);
    return out?.kind === 'Status' ? undefined : out;
  }

  // -------------------------------------------------------------------------------------------

  private resourceList(group: string, version: string): Promise<DiscoveredResource[] | undefined> {
    const key = `${group}/${version}`;
    let hit = this.lists.get(key);
    if (!hit) {
      hit = (async () => {
        const res = await this.rest.request('GET', groupVersionPath(group, version));
        // A group version the server does not serve is simply no match.
        if (res.status === 404) return undefined;
        return this.ok<ResourceList>(res).resources ?? [];
      })();
      // A failed request (the server was briefly unreachable) may be asked again.
      hit.catch(() => this.lists.delete(key));
      this.lists.set(key, hit);
    }
    return hit;
  }

  /** The core group, then every other group in the server's order; preferred version first. */
  private groupVersions(): Promise<{ group: string; versions: string[] }[]> {
    this.groups ??= (async () => {
      const core = this.ok<{ versions?: string[] }>(await this.rest.request('GET', '/api'));
      const apis = this.ok<GroupList>(await this.rest.request('GET', '/apis'));
      const out = [{ group: '', versions: core.versions?.length ? core.versions : ['v1'] }];
      for (const g of apis.groups ?? []) {
        const preferred = g.preferredVersion?.version;
        const rest = (g.versions ?? []).map((v) => v.version).filter((v) => v !== preferred);
        const versions = preferred ? [preferred, ...rest] : rest;
        if (versions.length) out.push({ group: g.name, versions });
      }
      return out;
    })();
    this.groups.catch(() => (this.groups = undefined));
    return this.groups;
  }

  private ok<T>(res: RestResponse): T {
    if (res.status >= 200 && res.status < 300) return res.body as T;
    const s = asStatus(res.body);
    const text = typeof res.body === 'string' ? res.body.trim() : '';
    const message = s?.message || text || `the Kubernetes API at ${this.server} answered HTTP ${res.status}`;
    throw new KubeApiError(message, res.status, s?.reason || reasonFor(res.status));
  }
}

function reasonFor(status: number): string {
  const reasons: Record<number, string> = {
    400: 'BadRequest',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'NotFound',
    405: 'MethodNotAllowed',
    409: 'Conflict',
    415: 'UnsupportedMediaType',
    422: 'Invalid',
    429: 'TooManyRequests',
  };
  return reasons[status] ?? 'InternalError';
}
