// A pod's volumes as host folders: emptyDir in the pod's folder (shared by its containers),
// hostPath as is, configMap and secret written out from the store, and a persistentVolumeClaim as
// a folder of the argo home that outlives the pod, as a claim outlives its pods.
import { chmodSync, closeSync, mkdirSync, openSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Container, Volume, VolumeMount } from '../../model/meta.js';
import type { Pod } from '../../model/pod.js';
import { expandVars } from './command.js';
import { ContainerConfigError, type PodObjects } from './env.js';
import type { PathKind } from './mount-points.js';

export interface PodVolume {
  name: string;
  /** The host file or folder that backs the volume. */
  source: string;
  kind: PathKind;
  readOnly: boolean;
}

export interface ResolvedMount {
  mountPath: string;
  source: string;
  kind: PathKind;
  readOnly: boolean;
}

export async function materializeVolumes(
  pod: Pod,
  podDir: string,
  home: string,
  objects: PodObjects,
): Promise<Map<string, PodVolume>> {
  const out = new Map<string, PodVolume>();
  for (const v of pod.spec.volumes ?? []) {
    out.set(v.name, await materialize(v, pod, podDir, home, objects));
  }
  return out;
}

async function materialize(
  v: Volume,
  pod: Pod,
  podDir: string,
  home: string,
  objects: PodObjects,
): Promise<PodVolume> {
  const own = path.join(podDir, 'volumes', v.name);
  if (v.hostPath) return hostPathVolume(v.name, v.hostPath.path, v.hostPath.type ?? '');
  if (v.persistentVolumeClaim) {
    const dir = claimFolder(home, pod.metadata.namespace ?? '', v.persistentVolumeClaim.claimName);
    mkdirSync(dir, { recursive: true });
    return { name: v.name, source: dir, kind: 'dir', readOnly: v.persistentVolumeClaim.readOnly === true };
  }
  mkdirSync(own, { recursive: true });
  if (v.configMap || v.secret) {
    const kind = v.configMap ? 'ConfigMap' : 'Secret';
    const src = (v.configMap ?? v.secret)!;
    const objName = v.configMap ? (v.configMap.name ?? '') : (v.secret!.secretName ?? '');
    const entries = await objects.entries(kind, objName);
    if (!entries && !src.optional) {
      throw new ContainerConfigError(
        `MountVolume.SetUp failed for volume "${v.name}" : ${kind.toLowerCase()} "${objName}" not found`,
      );
    }
    const mode = src.defaultMode ?? 0o644;
    const items =
      src.items ?? [...(entries?.keys() ?? [])].map((key) => ({ key, path: key, mode: undefined }));
    for (const item of items) {
      const data = entries?.get(item.key);
      if (data === undefined) {
        if (src.optional) continue;
        throw new ContainerConfigError(
          `MountVolume.SetUp failed for volume "${v.name}" : ${kind.toLowerCase()} references non-existent ${kind === 'Secret' ? 'secret' : 'config'} key: ${item.key}`,
        );
      }
      const file = path.join(own, item.path);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, data);
      chmodSync(file, item.mode ?? mode);
    }
    // The kubelet always mounts these read-only.
    return { name: v.name, source: own, kind: 'dir', readOnly: true };
  }
  // emptyDir, and kinds the host cannot provide (downwardAPI, projected, ...): a fresh folder,
  // writable by any user as the kubelet makes an emptyDir (containers may run as another user).
  chmodSync(own, 0o777);
  return { name: v.name, source: own, kind: 'dir', readOnly: false };
}

/** The folder that stands in for a PersistentVolumeClaim's volume; it goes when the claim is deleted. */
export function claimFolder(home: string, namespace: string, claimName: string): string {
  return path.join(home, 'volumes', namespace, claimName);
}

function hostPathVolume(name: string, hostPath: string, type: string): PodVolume {
  let stat = statOrUndefined(hostPath);
  if (!stat) {
    if (type === 'FileOrCreate') {
      mkdirSync(path.dirname(hostPath), { recursive: true });
      closeSync(openSync(hostPath, 'a'));
    } else if (type === '' || type === 'DirectoryOrCreate') {
      mkdirSync(hostPath, { recursive: true });
    } else {
      throw new ContainerConfigError(
        `MountVolume.SetUp failed for volume "${name}" : hostPath type check failed: ${hostPath} does not exist`,
      );
    }
    stat = statOrUndefined(hostPath);
  }
  if ((type === 'Directory' && !stat?.isDirectory()) || (type === 'File' && !stat?.isFile())) {
    throw new ContainerConfigError(
      `MountVolume.SetUp failed for volume "${name}" : hostPath type check failed: ${hostPath} is not a ${type === 'File' ? 'file' : 'directory'}`,
    );
  }
  return { name, source: hostPath, kind: stat?.isDirectory() ? 'dir' : 'file', readOnly: false };
}

/** A container's volumeMounts resolved to host sources (subPath and subPathExpr applied). */
export function resolveMounts(
  container: Container,
  volumes: Map<string, PodVolume>,
  env: Record<string, string>,
): ResolvedMount[] {
  return (container.volumeMounts ?? []).map((m: VolumeMount) => {
    const volume = volumes.get(m.name);
    if (!volume)
      throw new ContainerConfigError(`volume "${m.name}" not found for volumeMount ${m.mountPath}`);
    const sub = m.subPathExpr ? expandVars(m.subPathExpr, env) : m.subPath;
    let source = volume.source;
    let kind = volume.kind;
    if (sub) {
      source = path.join(volume.source, sub);
      if (path.isAbsolute(sub) || path.relative(volume.source, source).startsWith('..')) {
        throw new ContainerConfigError(`subPath "${sub}" must be a relative path inside volume "${m.name}"`);
      }
      const stat = statOrUndefined(source);
      if (!stat) mkdirSync(source, { recursive: true });
      kind = stat?.isFile() ? 'file' : 'dir';
    }
    return {
      mountPath: path.posix.normalize(m.mountPath),
      source,
      kind,
      readOnly: m.readOnly === true || volume.readOnly,
    };
  });
}

function statOrUndefined(p: string): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(p);
  } catch {
    return undefined;
  }
}
