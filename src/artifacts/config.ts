// Which artifact repository a workflow uses, resolved as upstream's controller resolves it: the
// workflow's artifactRepositoryRef (a key of a ConfigMap, `artifact-repositories` by default, in
// the workflow's namespace then the controller's), else an `artifact-repositories` ConfigMap in
// the workflow's namespace, else the controller configuration's `artifactRepository`. When that
// is empty too, artifacts go to the embedded repository of the argo home (see location.ts).
import { parse as parseYaml } from 'yaml';
import type { ConfigMap, SecretKeySelector } from '../model/meta.js';
import type { ArtifactLocation, S3Artifact } from '../model/template.js';
import { DEFAULT_KEY_FORMAT, joinKey } from './location.js';

export { CONTROLLER_CONFIGMAP } from '../model/controller-configmap.js';
export const ARTIFACT_REPOSITORIES_CONFIGMAP = 'artifact-repositories';
export const DEFAULT_REPOSITORY_ANNOTATION = 'workflows.argoproj.io/default-artifact-repository';

export interface S3ArtifactRepository extends Omit<S3Artifact, 'key'> {
  keyFormat?: string;
  /** Deprecated upstream in favour of keyFormat; still honoured. */
  keyPrefix?: string;
}

/** ArtifactRepository (pkg/apis): at most one kind, plus whether main logs are archived. */
export interface ArtifactRepositoryConfig {
  archiveLogs?: boolean;
  s3?: S3ArtifactRepository;
  artifactory?: Record<string, unknown>;
  hdfs?: Record<string, unknown>;
  oss?: Record<string, unknown>;
  gcs?: Record<string, unknown>;
  azure?: Record<string, unknown>;
  plugin?: Record<string, unknown>;
}

/** What status.artifactRepositoryRef records: where the repository came from, and the repository. */
export interface ArtifactRepositoryRefStatus {
  configMap?: string;
  key?: string;
  namespace?: string;
  default?: boolean;
  artifactRepository?: ArtifactRepositoryConfig;
}

export interface ArtifactRepositoryRef {
  configMap?: string;
  key?: string;
}

export class ArtifactRepositoryError extends Error {}

/**
 * The controller configuration's `artifactRepository`, from its ConfigMap: either one `config`
 * key holding the whole configuration, or one key per field (parseConfigMap upstream).
 */
export function controllerArtifactRepository(
  cm: ConfigMap | undefined,
): ArtifactRepositoryConfig | undefined {
  const data = cm?.data ?? {};
  let text: string | undefined;
  let config: Record<string, unknown> | undefined;
  try {
    if (data.config !== undefined) {
      config = (parseYaml(data.config) ?? {}) as Record<string, unknown>;
      return (config.artifactRepository as ArtifactRepositoryConfig | undefined) ?? undefined;
    }
    text = data.artifactRepository;
    if (text === undefined) return undefined;
    return (parseYaml(text) ?? undefined) as ArtifactRepositoryConfig | undefined;
  } catch (err) {
    throw new ArtifactRepositoryError(
      `cannot read artifactRepository of ConfigMap ${cm?.metadata.name ?? ''}: ${(err as Error).message}`,
    );
  }
}

/**
 * Resolves the repository a workflow uses. `getConfigMap` reads the store (or a cache of it);
 * `defaultRepository` is the controller configuration's. Throws when a named ref cannot be found.
 */
export function resolveArtifactRepository(
  ref: ArtifactRepositoryRef | undefined,
  workflowNamespace: string,
  controllerNamespace: string,
  getConfigMap: (namespace: string, name: string) => ConfigMap | undefined,
  defaultRepository: ArtifactRepositoryConfig | undefined,
): ArtifactRepositoryRefStatus {
  const candidates: ArtifactRepositoryRefStatus[] = ref
    ? [
        { namespace: workflowNamespace, configMap: ref.configMap, key: ref.key },
        { namespace: controllerNamespace, configMap: ref.configMap, key: ref.key },
      ]
    : [{ namespace: workflowNamespace }, { default: true }];
  for (const c of candidates) {
    if (c.default) return { default: true, artifactRepository: defaultRepository ?? {} };
    const name = c.configMap || ARTIFACT_REPOSITORIES_CONFIGMAP;
    const cm = getConfigMap(c.namespace ?? '', name);
    if (!cm) continue;
    const key = c.key || cm.metadata.annotations?.[DEFAULT_REPOSITORY_ANNOTATION] || '';
    const value = cm.data?.[key];
    if (value === undefined) continue;
    let repo: ArtifactRepositoryConfig;
    try {
      repo = (parseYaml(value) ?? {}) as ArtifactRepositoryConfig;
    } catch (err) {
      throw new ArtifactRepositoryError(
        `failed to unmarshall config map key "${key}" for artifact repository ref "${describeRef(c)}": ${(err as Error).message}`,
      );
    }
    return { namespace: c.namespace, configMap: name, key, artifactRepository: repo };
  }
  throw new ArtifactRepositoryError(
    `failed to find any artifact repository for artifact repository ref "${ref ? describeRef(ref) : 'nil'}"`,
  );
}

function describeRef(r: ArtifactRepositoryRef & { namespace?: string }): string {
  return `${r.namespace ? `${r.namespace}/` : ''}${r.configMap || ARTIFACT_REPOSITORIES_CONFIGMAP}#${r.key ?? ''}`;
}

/**
 * The archive location templates get from a repository (ToArtifactLocation upstream): its kind
 * with the key format as key. No repository kind means the embedded repository.
 */
export function archiveLocationOf(repo: ArtifactRepositoryConfig | undefined): ArtifactLocation {
  const loc: ArtifactLocation = {};
  if (repo?.archiveLogs !== undefined) loc.archiveLogs = repo.archiveLogs;
  if (repo?.s3) {
    const { keyFormat, keyPrefix, ...bucket } = repo.s3;
    loc.s3 = { ...structuredClone(bucket), key: keyFormat || joinKey(keyPrefix ?? '', DEFAULT_KEY_FORMAT) };
    return loc;
  }
  for (const kind of ['artifactory', 'hdfs', 'oss', 'gcs', 'azure', 'plugin'] as const) {
    if (repo?.[kind]) {
      const { keyFormat, blobNameFormat, pathFormat, ...rest } = repo[kind] as Record<string, unknown>;
      const key = (keyFormat || blobNameFormat || pathFormat || DEFAULT_KEY_FORMAT) as string;
      const field = kind === 'azure' ? 'blob' : kind === 'hdfs' ? 'path' : 'key';
      (loc as Record<string, unknown>)[kind] = { ...structuredClone(rest), [field]: key };
      return loc;
    }
  }
  loc.s3 = { key: DEFAULT_KEY_FORMAT };
  return loc;
}

/** Secrets an S3 location names, for whoever opens it. */
export function s3SecretRefs(s3: S3Artifact): {
  accessKey?: SecretKeySelector;
  secretKey?: SecretKeySelector;
  sessionToken?: SecretKeySelector;
} {
  return {
    accessKey: s3.accessKeySecret,
    secretKey: s3.secretKeySecret,
    sessionToken: s3.sessionTokenSecret,
  };
}
