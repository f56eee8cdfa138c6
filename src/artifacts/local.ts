// The embedded default repository: objects are files in a folder of the argo home, keys are their
// paths below it. Every write goes to a private name in the same folder tree first and is renamed
// into place, so a reader sees either nothing (or the previous object) or the complete new one.
import { randomBytes } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import { copyFile, cp, lstat, mkdir, open, readdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { ArtifactNotFoundError, keySegments, type ArtifactRepository, type EntryKind } from './repository.js';

/** Where partial writes live; a name no key can have (keys never start with a dot-folder we make). */
const PARTIAL_DIR = '.partial';

export class LocalDirectoryRepository implements ArtifactRepository {
  readonly description: string;

  constructor(readonly root: string) {
    this.description = `local directory ${root}`;
  }

  /** The file or folder a key names. */
  pathOf(key: string): string {
    const segs = keySegments(key);
    if (segs[0] === PARTIAL_DIR) throw new ArtifactNotFoundError(key);
    return path.join(this.root, ...segs);
  }

  async putFile(key: string, file: string): Promise<void> {
    const target = this.pathOf(key);
    const partial = await this.partialName();
    try {
      await copyFile(file, partial);
      await mkdir(path.dirname(target), { recursive: true });
      await this.replace(partial, target);
    } finally {
      await rm(partial, { force: true, recursive: true });
    }
  }

  async putDirectory(key: string, dir: string): Promise<void> {
    const target = this.pathOf(key);
    const partial = await this.partialName();
    try {
      await cp(dir, partial, { recursive: true, verbatimSymlinks: true });
      await mkdir(path.dirname(target), { recursive: true });
      // Nothing there yet: the whole folder appears at once. Otherwise it merges file by file
      // (each file still whole), as objects under a prefix do in S3.
      if (!(await pathExists(target))) {
        try {
          await rename(partial, target);
          return;
        } catch (err) {
          if (!isCode(err, 'ENOTEMPTY', 'EEXIST')) throw err;
        }
      }
      for (const rel of await filesBelow(partial)) {
        const to = path.join(target, rel);
        await mkdir(path.dirname(to), { recursive: true });
        await this.replace(path.join(partial, rel), to);
      }
    } finally {
      await rm(partial, { force: true, recursive: true });
    }
  }

  async stat(key: string): Promise<EntryKind | undefined> {
    try {
      const st = await this.lstatWithoutLinks(key);
      if (!st || st.isSymbolicLink()) return undefined;
      return st.isDirectory() ? 'directory' : 'file';
    } catch (err) {
      if (err instanceof ArtifactNotFoundError) return undefined;
      throw err;
    }
  }

  /**
   * What is at a key, looked at segment by segment below the root: a key that passes through a
   * symbolic link finds nothing. Artifacts keep the links a container made (`etclink -> /etc`),
   * and following one would serve the host's files; a link itself is returned as one.
   */
  private async lstatWithoutLinks(key: string): Promise<Stats | undefined> {
    this.pathOf(key); // refuses the partial-writes folder
    let cur = this.root;
    let st: Stats | undefined;
    for (const seg of keySegments(key)) {
      if (st?.isSymbolicLink()) return undefined;
      cur = path.join(cur, seg);
      try {
        st = await lstat(cur);
      } catch (err) {
        if (isCode(err, 'ENOENT', 'ENOTDIR')) return undefined;
        throw err;
      }
    }
    return st ?? (await stat(this.root).catch(() => undefined));
  }

  async get(key: string, dest: string): Promise<EntryKind> {
    const kind = await this.stat(key);
    if (!kind) throw new ArtifactNotFoundError(key);
    const source = this.pathOf(key);
    await mkdir(path.dirname(dest), { recursive: true });
    if (kind === 'file') await copyFile(source, dest);
    else await cp(source, dest, { recursive: true, verbatimSymlinks: true });
    return kind;
  }

  async openRead(key: string): Promise<Readable> {
    if ((await this.stat(key)) !== 'file') throw new ArtifactNotFoundError(key);
    // O_NOFOLLOW: a link put in place after the check is not followed either.
    const file = await open(this.pathOf(key), constants.O_RDONLY | constants.O_NOFOLLOW);
    return file.createReadStream();
  }

  async list(key: string): Promise<string[]> {
    const segs = keySegments(key);
    const base = path.join(this.root, ...segs);
    const kind = segs.length === 0 ? 'directory' : await this.stat(key);
    if (!kind) return [];
    if (kind === 'file') return [segs.join('/')];
    const prefix = segs.length ? `${segs.join('/')}/` : '';
    const files = await filesBelow(base, segs.length === 0 ? new Set([PARTIAL_DIR]) : undefined);
    return files.map((f) => prefix + f.split(path.sep).join('/')).sort();
  }

  async delete(key: string): Promise<void> {
    const segs = keySegments(key);
    if (segs.length === 0) throw new ArtifactNotFoundError(key);
    const target = this.pathOf(key);
    // Renamed away first, so nothing half-removed is ever seen under the key.
    const doomed = await this.partialName();
    try {
      await rename(target, doomed);
    } catch (err) {
      if (isCode(err, 'ENOENT', 'ENOTDIR')) return;
      throw err;
    }
    await rm(doomed, { recursive: true, force: true });
    await this.pruneEmptyParents(path.dirname(target));
  }

  // -------------------------------------------------------------------------------------------

  private async partialName(): Promise<string> {
    const dir = path.join(this.root, PARTIAL_DIR);
    await mkdir(dir, { recursive: true });
    return path.join(dir, `${process.pid}-${randomBytes(6).toString('hex')}`);
  }

  /** Puts `from` at `to`, replacing a file there; a folder in the way is replaced as a whole. */
  private async replace(from: string, to: string): Promise<void> {
    try {
      await rename(from, to);
    } catch (err) {
      if (!isCode(err, 'EISDIR', 'ENOTEMPTY', 'EEXIST', 'ENOTDIR')) throw err;
      const old = await this.partialName();
      await rename(to, old);
      await rename(from, to);
      await rm(old, { recursive: true, force: true });
    }
  }

  /** Folders left empty by a delete go too, up to (not including) the root. */
  private async pruneEmptyParents(dir: string): Promise<void> {
    let cur = dir;
    while (cur.startsWith(this.root + path.sep)) {
      try {
        if ((await readdir(cur)).length > 0) return;
        // rmdir, not rm: rm refuses any folder unless recursive, and recursive would race a writer.
        await rmdir(cur);
      } catch {
        return;
      }
      cur = path.dirname(cur);
    }
  }
}

/** Relative paths of every file (and symbolic link) below `dir`. */
async function filesBelow(dir: string, skip?: Set<string>): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(path.join(dir, rel), { withFileTypes: true });
    } catch (err) {
      if (isCode(err, 'ENOENT')) return;
      throw err;
    }
    for (const e of entries) {
      const r = rel ? path.join(rel, e.name) : e.name;
      if (!rel && skip?.has(e.name)) continue;
      if (e.isDirectory()) await walk(r);
      else out.push(r);
    }
  };
  await walk('');
  return out;
}

/** Whether anything (a dangling link included) is at `p`. */
export async function pathExists(p: string): Promise<boolean> {
  try {
    await lstat(p);
    return true;
  } catch {
    return false;
  }
}

function isCode(err: unknown, ...codes: string[]): boolean {
  return codes.includes((err as NodeJS.ErrnoException)?.code ?? '');
}
