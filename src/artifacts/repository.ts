// What every artifact repository offers: objects under slash-separated keys, as in S3. A key may
// name one object (a file) or be the prefix of several (a directory, as `archive: none` stores a
// folder). Writes are never partially visible: a reader sees the old object or the whole new one.
import type { Readable } from 'node:stream';

export type EntryKind = 'file' | 'directory';

export interface ArtifactRepository {
  /** A short description for messages, e.g. `local directory /home/u/.local/share/argo-ts/artifacts`. */
  readonly description: string;
  /** Stores a local file under `key`. */
  putFile(key: string, file: string): Promise<void>;
  /** Stores every file below a local folder under `key/`, each under its relative path. */
  putDirectory(key: string, dir: string): Promise<void>;
  /** What is stored at `key`: one object, objects below it, or nothing. */
  stat(key: string): Promise<EntryKind | undefined>;
  /** Copies what is at `key` to `dest` (a file, or a folder for a directory); throws ArtifactNotFoundError. */
  get(key: string, dest: string): Promise<EntryKind>;
  /** The bytes of the object at `key`; throws ArtifactNotFoundError. */
  openRead(key: string): Promise<Readable>;
  /** Keys of every object at or below `key` (all objects when `key` is ''), sorted. */
  list(key: string): Promise<string[]>;
  /** Removes the object at `key` and every object below it; nothing there is not an error. */
  delete(key: string): Promise<void>;
}

export class ArtifactNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`artifact key "${key}" not found`);
  }
}

export class ArtifactKeyError extends Error {}

/**
 * A key as a list of clean segments. Keys are relative: `..`, `.` and empty segments (other
 * than a leading or trailing slash) are refused so no key can reach outside its repository.
 */
export function keySegments(key: string): string[] {
  const trimmed = key.replace(/^\/+/, '').replace(/\/+$/, '');
  if (trimmed === '') return [];
  const segs = trimmed.split('/');
  for (const s of segs) {
    if (s === '' || s === '.' || s === '..' || s.includes('\0') || s.includes('\\'))
      throw new ArtifactKeyError(`invalid artifact key "${key}"`);
  }
  return segs;
}
