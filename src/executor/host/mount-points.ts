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

/**
 * Shared by every runtime of the process (tests run several, on different homes): a mount point
 * one of them made is counted while pods of any of them use it. Each path remembers the record
 * file of the runtime that made it.
 */
const users = new Map<string, number>();
const made = new Map<string, { kind: CreatedKind; record: string }>();

export class MountPoints {
  constructor(private readonly recordFile: string) {
    try {
      const saved = JSON.parse(readFileSync(recordFile, 'utf8')) as Record<string, CreatedKind>;
      for (const [p, kind] of Object.entries(saved))
        if (!made.has(p)) made.set(p, { kind, record: recordFile });
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

  /** Whether a runtime made this path (it is a mount point, not part of the host). */
  made(target: string): boolean {
    return made.has(target);
  }

  release(target: string): void {
    const count = users.get(target);
    if (count === undefined) return;
    if (count > 1) {
      users.set(target, count - 1);
      return;
    }
    users.delete(target);
    if (made.has(target)) remove(target);
  }

  /** Removes mount points this runtime's record lists that no pod uses. */
  removeUnused(): void {
    for (const [target, entry] of [...made])
      if (entry.record === this.recordFile && !users.has(target)) remove(target);
  }

  private use(target: string, kind: CreatedKind, create: () => void): boolean {
    const count = users.get(target);
    if (count !== undefined) {
      users.set(target, count + 1);
      return true;
    }
    if (!exists(target)) {
      try {
        create();
      } catch {
        return false;
      }
      made.set(target, { kind, record: this.recordFile });
      save(this.recordFile);
    }
    users.set(target, 1);
    return true;
  }
}

function remove(target: string): void {
  const entry = made.get(target);
  if (!entry) return;
  try {
    // Only ever remove what is still empty: a user may have put something there meanwhile.
    if (entry.kind === 'dir') rmdirSync(target);
    else if (entry.kind === 'link' ? lstatSync(target).isSymbolicLink() : statSync(target).size === 0)
      unlinkSync(target);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // Still in use or not empty yet: it stays ours (not taken for part of the host), to be
    // removed by a later removeUnused().
    if (code === 'ENOTEMPTY' || code === 'EBUSY' || code === 'EEXIST') return;
  }
  made.delete(target);
  save(entry.record);
}

function save(recordFile: string): void {
  try {
    const entries = [...made].filter(([, e]) => e.record === recordFile).map(([p, e]) => [p, e.kind]);
    mkdirSync(path.dirname(recordFile), { recursive: true });
    const partial = `${recordFile}.${process.pid}.tmp`;
    writeFileSync(partial, JSON.stringify(Object.fromEntries(entries)));
    renameSync(partial, recordFile);
  } catch {
    // The record only helps clean up after a crash; running pods matter more.
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
