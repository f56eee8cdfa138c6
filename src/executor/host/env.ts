// A container's environment as the kubelet builds it: envFrom first, then env in order (later
// entries win, values may reference earlier ones with $(VAR)), with valueFrom read from the
// pod's ConfigMaps and Secrets, its own fields, and the container's resources.
import { cpus, hostname, totalmem } from 'node:os';
import type { ConfigMap, Container, Secret } from '../../model/meta.js';
import type { Pod } from '../../model/pod.js';
import type { ResourceStore } from '../../store/types.js';
import { expandVars } from './command.js';

/** A container that cannot be created; the kubelet reports these as CreateContainerConfigError. */
export class ContainerConfigError extends Error {
  readonly reason = 'CreateContainerConfigError';
}

/** The pod's ConfigMaps and Secrets, each read from the store at most once per pod. */
export class PodObjects {
  private readonly cache = new Map<string, Promise<ConfigMap | Secret | undefined>>();

  constructor(
    private readonly store: ResourceStore,
    private readonly namespace: string,
  ) {}

  configMap(name: string): Promise<ConfigMap | undefined> {
    return this.get('ConfigMap', name);
  }

  secret(name: string): Promise<Secret | undefined> {
    return this.get('Secret', name) as Promise<Secret | undefined>;
  }

  /** A ConfigMap's or Secret's entries as bytes; undefined when the object does not exist. */
  async entries(kind: 'ConfigMap' | 'Secret', name: string): Promise<Map<string, Buffer> | undefined> {
    const obj = await this.get(kind, name);
    if (!obj) return undefined;
    const out = new Map<string, Buffer>();
    if (kind === 'Secret') {
      for (const [k, v] of Object.entries((obj as Secret).data ?? {})) out.set(k, Buffer.from(v, 'base64'));
      for (const [k, v] of Object.entries((obj as Secret).stringData ?? {}))
        out.set(k, Buffer.from(v, 'utf8'));
    } else {
      for (const [k, v] of Object.entries((obj as ConfigMap).binaryData ?? {}))
        out.set(k, Buffer.from(v, 'base64'));
      for (const [k, v] of Object.entries((obj as ConfigMap).data ?? {})) out.set(k, Buffer.from(v, 'utf8'));
    }
    return out;
  }

  private get(kind: 'ConfigMap' | 'Secret', name: string): Promise<ConfigMap | Secret | undefined> {
    const key = `${kind}/${name}`;
    let found = this.cache.get(key);
    if (!found) {
      found = this.store.get<ConfigMap>(kind, this.namespace, name);
      this.cache.set(key, found);
    }
    return found;
  }
}

const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

export async function containerEnv(
  pod: Pod,
  container: Container,
  objects: PodObjects,
  base: Record<string, string>,
): Promise<Record<string, string>> {
  const env: Record<string, string> = { ...base };
  const ns = pod.metadata.namespace ?? '';
  for (const from of container.envFrom ?? []) {
    const ref = from.configMapRef ?? from.secretRef;
    if (!ref) continue;
    const kind = from.configMapRef ? 'ConfigMap' : 'Secret';
    const entries = await objects.entries(kind, ref.name ?? '');
    if (!entries) {
      if (ref.optional) continue;
      throw new ContainerConfigError(`${kind.toLowerCase()} "${ref.name ?? ''}" not found`);
    }
    for (const [key, value] of entries) {
      const name = (from.prefix ?? '') + key;
      // The kubelet skips keys that are not valid variable names (and says so in an event).
      if (ENV_NAME.test(name)) env[name] = value.toString('utf8');
    }
  }
  for (const v of container.env ?? []) {
    if (v.valueFrom) {
      const value = await valueFrom(pod, container, v.valueFrom, objects, ns);
      if (value !== undefined) env[v.name] = value;
    } else {
      env[v.name] = expandVars(v.value ?? '', env);
    }
  }
  return env;
}

async function valueFrom(
  pod: Pod,
  container: Container,
  from: NonNullable<NonNullable<Container['env']>[number]['valueFrom']>,
  objects: PodObjects,
  namespace: string,
): Promise<string | undefined> {
  if (from.fieldRef) return fieldValue(pod, from.fieldRef.fieldPath);
  if (from.resourceFieldRef) return resourceValue(container, from.resourceFieldRef.resource);
  const ref = from.configMapKeyRef ?? from.secretKeyRef;
  if (!ref) return undefined;
  const kind = from.configMapKeyRef ? 'ConfigMap' : 'Secret';
  const entries = await objects.entries(kind, ref.name ?? '');
  if (!entries) {
    if (ref.optional) return undefined;
    throw new ContainerConfigError(`${kind.toLowerCase()} "${ref.name ?? ''}" not found`);
  }
  const value = entries.get(ref.key);
  if (value === undefined) {
    if (ref.optional) return undefined;
    throw new ContainerConfigError(`couldn't find key ${ref.key} in ${kind} ${namespace}/${ref.name ?? ''}`);
  }
  return value.toString('utf8');
}

/** The downward API fields a kubelet resolves for env vars. */
function fieldValue(pod: Pod, fieldPath: string): string {
  const meta = pod.metadata;
  const indexed = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(fieldPath);
  if (indexed) return (indexed[1] === 'labels' ? meta.labels : meta.annotations)?.[indexed[2]] ?? '';
  switch (fieldPath) {
    case 'metadata.name':
      return meta.name ?? '';
    case 'metadata.namespace':
      return meta.namespace ?? '';
    case 'metadata.uid':
      return meta.uid ?? '';
    case 'spec.nodeName':
      return (pod.spec.nodeName as string | undefined) ?? hostname();
    case 'spec.serviceAccountName':
      return pod.spec.serviceAccountName ?? 'default';
    case 'status.podIP':
    case 'status.podIPs':
    case 'status.hostIP':
    case 'status.hostIPs':
      return '127.0.0.1';
    default:
      throw new ContainerConfigError(`unsupported fieldPath: ${fieldPath}`);
  }
}

/**
 * limits.cpu, requests.memory, ...: the container's quantity as written, or the host's capacity
 * for an unset limit. Divisors are not applied: nothing on the host enforces resources anyway.
 */
function resourceValue(container: Container, resource: string): string {
  const [kind, name] = resource.split('.');
  const set = kind === 'requests' ? container.resources?.requests : container.resources?.limits;
  if (set?.[name] !== undefined) return set[name];
  if (kind === 'requests') return '0';
  return String(name === 'cpu' ? cpus().length : name === 'memory' ? totalmem() : 0);
}
