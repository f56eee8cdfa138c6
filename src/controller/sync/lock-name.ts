// Lock keys as Argo writes them into status.synchronization: `<ns>/Mutex/<name>`,
// `<ns>/ConfigMap/<configmap>/<key>` and `<ns>/Database/<name>`, and the holder keys
// `<ns>/<workflow>` (the workflow itself) or `<ns>/<workflow>/<nodeId>` (one node).
import type { Mutex, SemaphoreRef, Synchronization } from '../../model/template.js';
import type { Workflow } from '../../model/workflow.js';

export type LockKind = 'Mutex' | 'ConfigMap' | 'Database';
export type LockType = 'semaphore' | 'mutex';

export interface LockName {
  kind: LockKind;
  namespace: string;
  /** The mutex name, the ConfigMap name, or the database key. */
  resourceName: string;
  /** The ConfigMap data key; '' for the other kinds. */
  key: string;
}

/** One entry of a `synchronization` block, in the order Argo visits them: semaphores, then mutexes. */
export interface SyncItem {
  type: LockType;
  semaphore?: SemaphoreRef;
  mutex?: Mutex;
}

export function syncItems(sync: Synchronization): SyncItem[] {
  const items: SyncItem[] = [
    ...(sync.semaphores ?? []).map((semaphore): SyncItem => ({ type: 'semaphore', semaphore })),
    ...(sync.mutexes ?? []).map((mutex): SyncItem => ({ type: 'mutex', mutex })),
  ];
  const seen = new Set<string>();
  for (const item of items) {
    const fingerprint = canonicalJson(item);
    if (seen.has(fingerprint)) throw new Error('duplicate synchronization item found');
    seen.add(fingerprint);
  }
  return items;
}

/** JSON with sorted keys and without undefined, so equal items compare equal whatever their key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function lockNameOf(item: SyncItem, wfNamespace: string): LockName {
  if (item.semaphore) {
    const sem = item.semaphore;
    const namespace = sem.namespace || wfNamespace;
    if (sem.configMapKeyRef && sem.database) {
      throw new Error('invalid semaphore with both ConfigMapKeyRef and Database');
    }
    if (sem.configMapKeyRef) {
      return checked({
        kind: 'ConfigMap',
        namespace,
        resourceName: sem.configMapKeyRef.name ?? '',
        key: sem.configMapKeyRef.key ?? '',
      });
    }
    if (sem.database)
      return checked({ kind: 'Database', namespace, resourceName: sem.database.key ?? '', key: '' });
    throw new Error('cannot get LockName for a Semaphore without a ConfigMapRef or Database');
  }
  if (item.mutex) {
    const namespace = item.mutex.namespace || wfNamespace;
    return checked({
      kind: item.mutex.database ? 'Database' : 'Mutex',
      namespace,
      resourceName: item.mutex.name ?? '',
      key: '',
    });
  }
  throw new Error('cannot get lockName if not semaphore or mutex');
}

/** Argo refuses a lock whose encoded key would not decode back to the same parts. */
function checked(name: LockName): LockName {
  const encoded = encodeLockName(name);
  const decoded = decodeLockName(encoded);
  if (
    decoded.namespace !== name.namespace ||
    decoded.resourceName !== name.resourceName ||
    decoded.key !== name.key
  ) {
    throw new Error(`Invalid lock key: ${encoded} does not decode to the lock it names`);
  }
  return name;
}

export function encodeLockName(name: LockName): string {
  return name.kind === 'ConfigMap'
    ? `${name.namespace}/${name.kind}/${name.resourceName}/${name.key}`
    : `${name.namespace}/${name.kind}/${name.resourceName}`;
}

export function decodeLockName(encoded: string): LockName {
  const first = encoded.indexOf('/');
  const second = first < 0 ? -1 : encoded.indexOf('/', first + 1);
  if (second < 0) throw new Error('Invalid lock key: unknown format');
  const namespace = encoded.slice(0, first);
  const kind = encoded.slice(first + 1, second);
  const rest = encoded.slice(second + 1);
  let name: LockName;
  if (kind === 'Mutex' || kind === 'Database') {
    name = { kind, namespace, resourceName: rest, key: '' };
  } else if (kind === 'ConfigMap') {
    const parts = rest.split('/');
    if (parts.length !== 2) throw new Error('Invalid ConfigMap lock key: unknown format');
    name = { kind, namespace, resourceName: parts[0], key: parts[1] };
  } else {
    throw new Error(`Invalid lock key, unexpected kind: ${kind}`);
  }
  if (!name.namespace) throw new Error('Invalid lock key: Namespace is missing');
  if (!name.resourceName) throw new Error('Invalid lock key: ResourceName is missing');
  if (name.kind === 'ConfigMap' && !name.key)
    throw new Error('Invalid lock key: Key is missing for ConfigMap lock');
  return name;
}

export function workflowKeyOf(wf: Workflow): string {
  return `${wf.metadata.namespace ?? ''}/${wf.metadata.name ?? ''}`;
}

export function holderKeyOf(wf: Workflow, nodeId: string): string {
  return nodeId ? `${workflowKeyOf(wf)}/${nodeId}` : workflowKeyOf(wf);
}

/** The workflow queue key (`<ns>/<name>`) a holder key belongs to. */
export function workflowKeyOfHolder(holderKey: string): string {
  const parts = holderKey.split('/');
  return parts.length >= 3 ? `${parts[0]}/${parts[1]}` : holderKey;
}

/** Argo v3.5 and earlier recorded bare names; v3.6+ records `<ns>/<wf>[/<node>]`. */
export function isLegacyHolderKey(holderKey: string): boolean {
  const n = holderKey.split('/').length;
  return n !== 2 && n !== 3;
}
