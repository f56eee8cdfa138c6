// Artifact checks shared by inputs, outputs and arguments: path hygiene, whether a location is
// given, and the location kinds Argo validates up front (git, hdfs).
import { posix } from 'node:path';
import type { Artifact, ArtifactLocation } from '../../model/template.js';
import { ValidationFailure } from './failure.js';

/** Go's filepath.Clean for '/'-separated paths: normalized, without a trailing slash. */
export function goCleanPath(path: string): string {
  if (path === '') return '.';
  const normalized = posix.normalize(path);
  return normalized.length > 1 && normalized.endsWith('/') ? normalized.slice(0, -1) : normalized;
}

/** The error Argo's Artifact.CleanPath gives, or undefined when the path is acceptable. */
export function artifactPathError(art: Pick<Artifact, 'name' | 'path'>): string | undefined {
  const path = art.path ?? '';
  if (path === '') return `Artifact '${art.name}' did not specify a path`;
  let safeDir = '';
  const traversal = path.indexOf('/../');
  // Upstream's pattern is `/..$` with unescaped dots: a slash and any two final characters.
  if (traversal >= 0) safeDir = path.slice(0, traversal);
  else if (path.length >= 3 && path[path.length - 3] === '/') safeDir = path.slice(0, -3);
  const cleaned = goCleanPath(path);
  const withSlash = `${safeDir}/`;
  if (safeDir.length > 0 && (!cleaned.startsWith(withSlash) || cleaned.length <= withSlash.length)) {
    return `Artifact '${art.name}' attempted to use a path containing '..'. Directory traversal is not permitted`;
  }
  return undefined;
}

const LOCATION_ORDER = [
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
] as const;

function urlPath(url: unknown): string {
  if (typeof url !== 'string') return '';
  try {
    return new URL(url).pathname;
  } catch {
    const m = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#]*([^?#]*)/.exec(url) ?? /^([^?#]*)/.exec(url);
    return m ? m[1] : '';
  }
}

/** Whether the artifact names where it is (or a key in the default repository). */
export function hasLocationOrKey(loc: ArtifactLocation | undefined): boolean {
  if (!loc) return false;
  const kind = LOCATION_ORDER.find((k) => (loc as Record<string, unknown>)[k] != null);
  if (!kind) return false;
  const v = (loc as Record<string, Record<string, unknown>>)[kind];
  const str = (k: string): string => (typeof v[k] === 'string' ? (v[k] as string) : '');
  let hasLocation: boolean;
  let key: string;
  switch (kind) {
    case 's3':
      hasLocation = str('endpoint') !== '' && str('bucket') !== '' && str('key') !== '';
      key = str('key');
      break;
    case 'git':
      hasLocation = str('repo') !== '';
      key = '';
      break;
    case 'artifactory':
      hasLocation = str('url') !== '' && v.usernameSecret != null;
      key = urlPath(v.url);
      break;
    case 'azure':
      hasLocation = str('endpoint') !== '' && str('container') !== '' && str('blob') !== '';
      key = str('blob');
      break;
    case 'hdfs':
      hasLocation = Array.isArray(v.addresses) && v.addresses.length > 0;
      key = str('path');
      break;
    case 'raw':
      hasLocation = true;
      key = '';
      break;
    case 'http':
      hasLocation = str('url') !== '';
      key = urlPath(v.url);
      break;
    case 'gcs':
      hasLocation = str('bucket') !== '' && str('key') !== '';
      key = str('key');
      break;
    case 'oss':
      hasLocation = str('bucket') !== '' && str('endpoint') !== '' && str('key') !== '';
      key = str('key');
      break;
    case 'plugin':
      hasLocation = str('name') !== '' && str('configuration') !== '' && str('key') !== '';
      key = str('key');
      break;
  }
  return hasLocation || key !== '';
}

/** Checks the location kinds Argo validates before running; throws ValidationFailure. */
export function checkArtifactLocation(prefix: string, loc: ArtifactLocation, path: string): void {
  if (loc.git && !loc.git.repo)
    throw new ValidationFailure(`${prefix}.git.repo is required`, `${path}.git.repo`);
  const h = loc.hdfs as Record<string, unknown> | undefined;
  if (!h) return;
  const p = `${prefix}.hdfs`;
  const fail = (msg: string): never => {
    throw new ValidationFailure(msg, `${path}.hdfs`);
  };
  if (!Array.isArray(h.addresses) || h.addresses.length === 0) fail(`${p}.addresses is required`);
  if (!h.path) fail(`${p}.path is required`);
  if (!String(h.path).startsWith('/')) fail(`${p}.path must be a absolute file path`);
  const ccache = h.krbCCacheSecret != null;
  const keytab = h.krbKeytabSecret != null;
  if (!h.hdfsUser && !ccache && !keytab)
    fail(`either ${p}.hdfsUser, ${p}.krbCCacheSecret or ${p}.krbKeytabSecret is required`);
  if (
    keytab &&
    (!h.krbServicePrincipalName || h.krbConfigConfigMap == null || !h.krbUsername || !h.krbRealm)
  ) {
    fail(
      `${p}.krbServicePrincipalName, ${p}.krbConfigConfigMap, ${p}.krbUsername and ${p}.krbRealm are required with ${p}.krbKeytabSecret`,
    );
  }
  if (ccache && (!h.krbServicePrincipalName || h.krbConfigConfigMap == null)) {
    fail(`${p}.krbServicePrincipalName and ${p}.krbConfigConfigMap are required with ${p}.krbCCacheSecret`);
  }
}
