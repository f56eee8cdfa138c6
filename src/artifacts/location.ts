// Where an artifact lives, read the way Argo reads an ArtifactLocation: which kind it is, its key,
// whether it names a full location or only a key, and relocation of a key-only artifact into a
// template's archive location.
//
// The embedded default repository is a folder of the argo home. It has no ArtifactLocation kind
// of its own upstream, so it is written as an S3 location with a key and no bucket or endpoint:
// node statuses then look exactly as upstream's do with a configured repository (artifacts carry
// `s3.key` only), and tools that read `s3.key` keep working.
import type { Artifact, ArtifactLocation, S3Artifact } from '../model/template.js';

/** The key a repository's archive location gets unless the repository sets keyFormat. */
export const DEFAULT_KEY_FORMAT = '{{workflow.name}}/{{pod.name}}';

export type LocationKind =
  's3' | 'git' | 'http' | 'raw' | 'artifactory' | 'azure' | 'gcs' | 'hdfs' | 'oss' | 'plugin';

/** In the order upstream's ArtifactLocation.Get() checks them. */
const KINDS: LocationKind[] = [
  'artifactory',
  'azure',
  'git',
  'gcs',
  'hdfs',
  'http',
  'oss',
  'raw',
  's3',
  'plugin',
];

export function locationKind(loc: ArtifactLocation | undefined): LocationKind | undefined {
  if (!loc) return undefined;
  return KINDS.find((k) => loc[k] !== undefined && loc[k] !== null);
}

type Keyed = { key?: string; blob?: string; path?: string; url?: string };

/** The artifact's key, or '' when its kind has none (git, raw) or no kind is set. */
export function locationKey(loc: ArtifactLocation | undefined): string {
  const kind = locationKind(loc);
  if (!kind || !loc) return '';
  const v = loc[kind] as Keyed;
  switch (kind) {
    case 's3':
    case 'gcs':
    case 'oss':
      return v.key ?? '';
    case 'azure':
      return v.blob ?? '';
    case 'hdfs':
      return v.path ?? '';
    case 'http':
    case 'artifactory':
      try {
        return new URL(v.url ?? '').pathname;
      } catch {
        return '';
      }
    default:
      return '';
  }
}

export function hasKey(loc: ArtifactLocation | undefined): boolean {
  return locationKey(loc) !== '';
}

/** Whether the location is complete on its own (HasLocation upstream); a key alone is not. */
export function hasLocation(loc: ArtifactLocation | undefined): boolean {
  const kind = locationKind(loc);
  if (!kind || !loc) return false;
  const v = loc[kind] as Record<string, unknown>;
  switch (kind) {
    case 's3': {
      const s3 = v as S3Artifact;
      return !!s3.endpoint && !!s3.bucket && !!s3.key;
    }
    case 'raw':
      return true;
    case 'git':
      return !!v.repo;
    case 'http':
    case 'artifactory':
      return !!v.url;
    default:
      return !!v.bucket || !!v.container || !!v.addresses;
  }
}

export function hasLocationOrKey(loc: ArtifactLocation | undefined): boolean {
  return hasLocation(loc) || hasKey(loc);
}

/** Sets the key of the location's kind; throws for kinds without keys, as upstream does. */
export function setKey(loc: ArtifactLocation, key: string): void {
  const kind = locationKind(loc);
  if (!kind) throw new Error('artifact storage is not configured');
  const v = loc[kind] as Keyed;
  switch (kind) {
    case 's3':
    case 'gcs':
    case 'oss':
      v.key = key;
      return;
    case 'azure':
      v.blob = key;
      return;
    case 'hdfs':
      v.path = key;
      return;
    default:
      throw new Error(`key unsupported: ${kind} artifact does not have a key`);
  }
}

/** Joins key parts as path.Join does, keeping a trailing slash of the last part off. */
export function joinKey(...parts: string[]): string {
  const segs = parts
    .join('/')
    .split('/')
    .filter((s) => s !== '' && s !== '.');
  return segs.join('/');
}

const LOCATION_FIELDS: (keyof ArtifactLocation)[] = [...KINDS, 'archiveLogs'];

/**
 * A copy of `art` placed in `archive` when it has no full location of its own: every location
 * field is taken from `archive` except the key, which stays the artifact's (Relocate upstream).
 */
export function relocate<T extends ArtifactLocation>(art: T, archive: ArtifactLocation | undefined): T {
  const out = structuredClone(art);
  if (hasLocation(art)) return out;
  if (!archive) throw new Error('template artifact location not set');
  const key = locationKey(art);
  for (const f of LOCATION_FIELDS) delete (out as ArtifactLocation)[f];
  Object.assign(out, structuredClone(pickLocation(archive)));
  if (locationKind(out)) setKey(out, key);
  return out;
}

function pickLocation(loc: ArtifactLocation): ArtifactLocation {
  const out: ArtifactLocation = {};
  for (const f of LOCATION_FIELDS) if (loc[f] !== undefined) (out as Record<string, unknown>)[f] = loc[f];
  return out;
}

/**
 * Whether a relocated artifact lives in the embedded repository of this machine: an S3
 * location with neither endpoint nor bucket (see the comment at the top of this file).
 */
export function isLocalLocation(loc: ArtifactLocation | undefined): boolean {
  return locationKind(loc) === 's3' && !loc!.s3!.endpoint && !loc!.s3!.bucket;
}

/** The artifact with its location reduced to what the status keeps: the kind and key only. */
export function keyOnly(art: Artifact, key: string, kind: LocationKind = 's3'): Artifact {
  const out = structuredClone(art);
  for (const f of KINDS) delete out[f];
  (out as unknown as Record<string, unknown>)[kind] = kind === 'azure' ? { blob: key } : { key };
  return out;
}
