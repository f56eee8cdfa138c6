// What the Kubernetes API server does to an object on create, update and delete, independent of
// where it is stored: defaulting, validation, uid/generation/resourceVersion bookkeeping, and the
// deletionTimestamp/finalizer protocol. Pure, so every store (SQLite, the fake API server) agrees.
import type { KubeObject, ObjectMeta } from '../model/meta.js';
import { API_VERSIONS, CLUSTER_SCOPED, ConflictError, InvalidError, type ResourceKind } from './types.js';
import { applyMergePatch } from './merge-patch.js';
import {
  checkDnsLabel,
  checkDnsSubdomain,
  checkLabelValue,
  checkQualifiedName,
  generatedName,
} from './validation.js';

// The table lives in types.ts, beside the kinds; re-exported for the stores that import it from here.
export { API_VERSIONS };

export function isClusterScoped(kind: ResourceKind): boolean {
  return CLUSTER_SCOPED.has(kind);
}

/** The namespace a kind is stored under: '' for cluster-scoped kinds. */
export function storedNamespace(kind: ResourceKind, namespace: string | undefined): string {
  return isClusterScoped(kind) ? '' : (namespace ?? '');
}

/** Kubernetes timestamps have second precision: `2026-11-27T18:43:43Z`. */
export function kubeTimestamp(date: Date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function qualifiedKind(kind: ResourceKind): string {
  const apiVersion = API_VERSIONS[kind];
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? kind : `${kind}.${apiVersion.slice(0, slash)}`;
}

/** `Workflow.argoproj.io "x" is invalid: metadata.name: Invalid value: "X": ...`, as the API server words it. */
export function invalidObject(
  kind: ResourceKind,
  name: string,
  field: string,
  value: string,
  why: string,
): InvalidError {
  return new InvalidError(
    `${qualifiedKind(kind)} "${name}" is invalid: ${field}: Invalid value: "${value}": ${why}`,
  );
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => deepEqual(v, bb[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  // Members whose value is undefined are absent once stored as JSON.
  const ak = Object.keys(ao).filter((k) => ao[k] !== undefined);
  const bk = Object.keys(bo).filter((k) => bo[k] !== undefined);
  return ak.length === bk.length && ak.every((k) => deepEqual(ao[k], bo[k]));
}

/** Kubernetes bumps metadata.generation when the desired state changes: anything but metadata and status. */
function desiredStateChanged(before: KubeObject, after: KubeObject): boolean {
  const strip = (o: KubeObject): Record<string, unknown> => {
    const {
      metadata: _m,
      status: _s,
      apiVersion: _a,
      kind: _k,
      ...rest
    } = o as KubeObject & { status?: unknown };
    return rest;
  };
  return !deepEqual(strip(before), strip(after));
}

function shallowCopy<T extends KubeObject>(obj: T): T {
  if (typeof obj !== 'object' || obj === null || typeof obj.metadata !== 'object' || obj.metadata === null) {
    throw new InvalidError('object must have a metadata object');
  }
  return { ...obj, metadata: { ...obj.metadata } };
}

function checkTypeMeta(kind: ResourceKind, obj: KubeObject): void {
  const apiVersion = API_VERSIONS[kind];
  if (obj.apiVersion !== undefined && obj.apiVersion !== apiVersion) {
    throw new InvalidError(
      `the API version in the data (${obj.apiVersion}) does not match the expected API version (${apiVersion}) for ${kind}`,
    );
  }
  if (obj.kind !== undefined && obj.kind !== kind) {
    throw new InvalidError(`the kind in the data (${obj.kind}) does not match the expected kind (${kind})`);
  }
}

/** ObjectMeta members in the order Kubernetes serialises them, so stored JSON reads like the API's. */
const META_ORDER = [
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
];

/** apiVersion, kind and metadata first (metadata in Kubernetes order), then the rest as given. */
function normalized<T extends KubeObject>(kind: ResourceKind, obj: T): T {
  const given = obj.metadata as Record<string, unknown>;
  const meta: Record<string, unknown> = {};
  for (const key of META_ORDER) if (given[key] !== undefined) meta[key] = given[key];
  for (const [key, value] of Object.entries(given))
    if (value !== undefined && !(key in meta)) meta[key] = value;
  const head = { apiVersion: API_VERSIONS[kind], kind, metadata: meta };
  return { ...head, ...obj, ...head } as T;
}

function validateLabels(kind: ResourceKind, name: string, meta: ObjectMeta): void {
  for (const [key, value] of Object.entries(meta.labels ?? {})) {
    const badKey = checkQualifiedName(key);
    if (badKey) throw invalidObject(kind, name, 'metadata.labels', key, badKey);
    if (typeof value !== 'string')
      throw invalidObject(kind, name, `metadata.labels[${key}]`, String(value), 'must be a string');
    const badValue = checkLabelValue(value);
    if (badValue) throw invalidObject(kind, name, `metadata.labels[${key}]`, value, badValue);
  }
}

/** Secrets: the API server folds write-only stringData into base64 data. */
function foldStringData(kind: ResourceKind, obj: KubeObject): void {
  if (kind !== 'Secret') return;
  const secret = obj as KubeObject & { data?: Record<string, string>; stringData?: Record<string, string> };
  if (!secret.stringData) return;
  secret.data = { ...secret.data };
  for (const [k, v] of Object.entries(secret.stringData))
    secret.data[k] = Buffer.from(v, 'utf8').toString('base64');
  delete secret.stringData;
}

/**
 * Prepares an object for create. The returned copy still lacks `name` when only generateName was
 * given: the store picks the name (it alone can check for collisions) and then calls `finishCreate`.
 */
export function prepareCreate<T extends KubeObject>(kind: ResourceKind, input: T): T {
  const obj = shallowCopy(input);
  checkTypeMeta(kind, obj);
  obj.apiVersion = API_VERSIONS[kind];
  obj.kind = kind;
  const meta = obj.metadata;
  if (isClusterScoped(kind)) delete meta.namespace;
  else {
    if (!meta.namespace)
      throw invalidObject(
        kind,
        meta.name ?? meta.generateName ?? '',
        'metadata.namespace',
        '',
        'a namespace is required',
      );
    const bad = checkDnsLabel(meta.namespace);
    if (bad) throw invalidObject(kind, meta.name ?? '', 'metadata.namespace', meta.namespace, bad);
  }
  if (!meta.name && !meta.generateName) {
    throw invalidObject(kind, '', 'metadata.name', '', 'name or generateName is required');
  }
  if (meta.name) checkName(kind, meta.name);
  // The server owns these; a client copying an existing object must not carry them over.
  delete meta.uid;
  delete meta.resourceVersion;
  delete meta.creationTimestamp;
  delete meta.deletionTimestamp;
  delete meta.generation;
  validateLabels(kind, meta.name ?? meta.generateName ?? '', meta);
  foldStringData(kind, obj);
  return obj;
}

export function checkName(kind: ResourceKind, name: string): void {
  const bad = checkDnsSubdomain(name);
  if (bad) throw invalidObject(kind, name, 'metadata.name', name, bad);
}

export function finishCreate<T extends KubeObject>(
  obj: T,
  uid: string,
  resourceVersion: number,
  now: Date,
): T {
  obj.metadata.uid = uid;
  obj.metadata.resourceVersion = String(resourceVersion);
  obj.metadata.generation = 1;
  obj.metadata.creationTimestamp = kubeTimestamp(now);
  return normalized(obj.kind as ResourceKind, obj);
}

/**
 * What a create with `dryRun=All` answers: the object as the API server would store it (a name from
 * generateName, a uid, creationTimestamp, generation 1) but no resourceVersion, since nothing was
 * written. A generated name is not checked for collisions, as Kubernetes does not check it either.
 */
export function dryRunCreate<T extends KubeObject>(kind: ResourceKind, input: T, now = new Date()): T {
  const obj = prepareCreate(kind, input);
  obj.metadata.name ||= generatedName(obj.metadata.generateName ?? '');
  // The global crypto loads on first use; importing node:crypto would load it with every read.
  const created = finishCreate(obj, crypto.randomUUID(), 0, now);
  delete created.metadata.resourceVersion;
  return created;
}

export type UpdateOutcome<T> =
  /** Nothing but the resourceVersion would change: Kubernetes writes nothing and returns the stored object. */
  | { action: 'unchanged'; object: T }
  | { action: 'update'; object: T }
  /** The last finalizer was removed from an object being deleted: it goes now. */
  | { action: 'delete'; object: T };

/**
 * Update semantics. `resourceVersion` is the version the write will get. A metadata.resourceVersion
 * in the input is a precondition (stale means conflict); without one the update is unconditional.
 * `same` tells whether the object as it would be stored equals `existing`; a store that knows the
 * stored status as text passes `existing` without it and compares the status its own way.
 */
export function prepareUpdate<T extends KubeObject>(
  kind: ResourceKind,
  existing: T,
  input: T,
  resourceVersion: number,
  same: (result: T, existing: T) => boolean = deepEqual,
): UpdateOutcome<T> {
  const obj = shallowCopy(input);
  checkTypeMeta(kind, obj);
  const meta = obj.metadata;
  const old = existing.metadata;
  const name = old.name!;
  if (meta.resourceVersion && meta.resourceVersion !== old.resourceVersion)
    throw new ConflictError(kind, name);
  if (meta.uid && meta.uid !== old.uid) throw new ConflictError(kind, name);
  meta.name = old.name;
  if (isClusterScoped(kind)) delete meta.namespace;
  else meta.namespace = old.namespace;
  meta.uid = old.uid;
  meta.creationTimestamp = old.creationTimestamp;
  // deletionTimestamp is set only by delete and can never be cleared.
  if (old.deletionTimestamp) meta.deletionTimestamp = old.deletionTimestamp;
  else delete meta.deletionTimestamp;
  if (old.deletionTimestamp) {
    const before = new Set(old.finalizers ?? []);
    const added = (meta.finalizers ?? []).filter((f) => !before.has(f));
    if (added.length > 0) {
      throw new InvalidError(
        `${qualifiedKind(kind)} "${name}" is invalid: metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers ${JSON.stringify(added)}`,
      );
    }
  }
  validateLabels(kind, name, meta);
  foldStringData(kind, obj);
  meta.generation = (old.generation ?? 1) + (desiredStateChanged(existing, obj) ? 1 : 0);
  meta.resourceVersion = old.resourceVersion;
  const result = normalized(kind, obj);
  if (same(result, existing)) return { action: 'unchanged', object: existing };
  result.metadata.resourceVersion = String(resourceVersion);
  if (meta.deletionTimestamp && (meta.finalizers ?? []).length === 0)
    return { action: 'delete', object: result };
  return { action: 'update', object: result };
}

export type DeleteOutcome<T> =
  | { action: 'delete'; object: T }
  /** Finalizers remain: the object is marked with deletionTimestamp and stays until they are removed. */
  | { action: 'mark'; object: T }
  /** Already marked for deletion: nothing to write. */
  | { action: 'unchanged'; object: T };

export function prepareDelete<T extends KubeObject>(
  kind: ResourceKind,
  existing: T,
  preconditionVersion: string | undefined,
  resourceVersion: number,
  now: Date,
): DeleteOutcome<T> {
  const old = existing.metadata;
  if (preconditionVersion && preconditionVersion !== old.resourceVersion)
    throw new ConflictError(kind, old.name!);
  if ((old.finalizers ?? []).length > 0) {
    if (old.deletionTimestamp) return { action: 'unchanged', object: existing };
    const marked = shallowCopy(existing);
    marked.metadata.deletionTimestamp = kubeTimestamp(now);
    marked.metadata.generation = (old.generation ?? 1) + 1;
    marked.metadata.resourceVersion = String(resourceVersion);
    return { action: 'mark', object: normalized(kind, marked) };
  }
  const gone = shallowCopy(existing);
  // The DELETED watch event carries the version of the deletion, as in Kubernetes.
  gone.metadata.resourceVersion = String(resourceVersion);
  return { action: 'delete', object: gone };
}

/** Where an update writes: the object's name and stored namespace, which both must be given. */
export function updateTarget(kind: ResourceKind, obj: KubeObject): { namespace: string; name: string } {
  const name = obj?.metadata?.name;
  if (!name) throw new InvalidError(`${kind} update: metadata.name is required`);
  const namespace = storedNamespace(kind, obj.metadata.namespace);
  if (!isClusterScoped(kind) && !namespace)
    throw new InvalidError(`${kind} update: metadata.namespace is required`);
  return { namespace, name };
}

/**
 * A JSON merge patch as a function from the stored object to the patched one, refusing patches that
 * are not objects or that would remove metadata or move the object to another name or namespace.
 */
export function mergePatcher<T extends KubeObject>(
  kind: ResourceKind,
  namespace: string,
  name: string,
  patch: unknown,
): (existing: T) => T {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
    throw new InvalidError(`${kind} "${name}": a merge patch must be a JSON object`);
  }
  return (existing) => {
    const patched = applyMergePatch(existing, patch) as T;
    const meta = patched.metadata as unknown;
    if (typeof meta !== 'object' || meta === null) {
      throw new InvalidError(`${kind} "${name}": the patch must not remove metadata`);
    }
    if (patched.metadata.name !== name) {
      throw new InvalidError(
        `${kind} "${name}": the patch must not change metadata.name (to "${patched.metadata.name}")`,
      );
    }
    if (!isClusterScoped(kind) && patched.metadata.namespace !== namespace) {
      throw new InvalidError(
        `${kind} "${name}": the patch must not change metadata.namespace (to "${patched.metadata.namespace}")`,
      );
    }
    return patched;
  };
}
