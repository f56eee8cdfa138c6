// Mount points the runtime had to create on the host (a bind needs an existing target: an output
// path like /outputs/result.txt or a volume mounted at /data). Each is counted while pods use it
// and removed when the last one is done. The list of created paths is kept in a file so a
// runtime that starts after a crash removes what the previous one left behind.
import {
  closeSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmdirSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';

export type PathKind = 'file' | 'dir';
type CreatedKind = PathKind | 'link';

export class MountPoints {
  private readonly users = new Map<string, number>();
  private readonly created = new Map<string, CreatedKind>();

  constructor(private readonly recordFile: string) {
    try {
      const saved = JSON.parse(readFileSync(recordFile, 'utf8')) as Record<string, CreatedKind>;
      for (const [p, kind] of Object.entries(saved)) this.created.set(p, kind);
    } catch {
      // No record: nothing was left behind.
    }
  }

  /**
   * Makes `target` exist as a mount point of this kind, counting one more user. Returns false
   * (and counts nothing) when it cannot be created, e.g. without permission on its parent.
   */
  acquire(target: string, kind: PathKind): boolean {
    return this.use(target, kind, () => {
      // The parent must exist: callers create the top-most missing folder, never a chain.
      if (kind === 'dir') mkdirSync(target);
      else closeSync(openSync(target, 'wx'));
    });
  }

  /** Like acquire, for a symbolic link to `to` (how volumes appear when there is no isolation). */
  acquireLink(target: string, to: string): boolean {
    return this.use(target, 'link', () => symlinkSync(to, target));
  }

  private use(target: string, kind: CreatedKind, create: () => void): boolean {
    const count = this.users.get(target);
    if (count !== undefined) {
      this.users.set(target, count + 1);
      return true;
    }
    if (!exists(target)) {
      try {
        create();
      } catch {
        return false;
      }
      this.created.set(target, kind);
      this.save();
    }
    this.users.set(target, 1);
    return true;
  }

  /** Whether the runtime made this path (it is a mount point, not part of the host). */
  made(target: string): boolean {
    return this.created.has(target);
  }

  release(target: string): void {
    const count = this.users.get(target);
    if (count === undefined) return;
    if (count > 1) {
      this.users.set(target, count - 1);
      return;
    }
    this.users.delete(target);
    if (this.created.has(target)) this.remove(target);
  }

  /** Removes created mount points that no pod of this runtime uses. */
  removeUnused(): void {
    for (const target of [...this.created.keys()]) if (!this.users.has(target)) this.remove(target);
  }

  private remove(target: string): void {
    const kind = this.created.get(target);
    try {
      // Only ever remove what is still empty: a user may have put something there meanwhile.
      if (kind === 'dir') rmdirSync(target);
      else if (kind === 'link' ? lstatSync(target).isSymbolicLink() : statSync(target).size === 0)
        unlinkSync(target);
    } catch {
      // Already gone, or no longer ours to remove.
    }
    this.created.delete(target);
    this.save();
  }

  private save(): void {
    try {
      mkdirSync(path.dirname(this.recordFile), { recursive: true });
      const partial = `${this.recordFile}.${process.pid}.tmp`;
      writeFileSync(partial, JSON.stringify(Object.fromEntries(this.created)));
      renameSync(partial, this.recordFile);
    } catch {
      // The record only helps clean up after a crash; running pods matter more.
    }
  }
}

/** Whether anything (a dangling link included) is at this path. */
export function exists(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}
