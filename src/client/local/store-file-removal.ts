// Whether the store file a detached controller opened is still the one at its path. Removing
// $ARGO_HOME (a user cleaning up, a test done with its home) does not stop a controller that has
// the file open: it would run on for good over an unlinked file no command can reach, and with an
// idle exit of 0 it never leaves. Asked once a second, a stat is all it costs.
import { statSync } from 'node:fs';

/** The file's identity (device and inode), or undefined when nothing is at `file`. */
function identity(file: string): string | undefined {
  try {
    const st = statSync(file);
    return `${st.dev}:${st.ino}`;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw err;
  }
}

export class StoreFileRemoval {
  private readonly opened: string | undefined;

  /** Call right after opening the store at `file`. */
  constructor(private readonly file: string) {
    this.opened = identity(file);
  }

  /**
   * True once the file opened is no longer at its path: removed, or replaced by another (a new
   * home made where the old one was). A stat that fails otherwise (EACCES) says nothing: false.
   */
  removed(): boolean {
    if (this.opened === undefined) return false;
    try {
      return identity(this.file) !== this.opened;
    } catch {
      return false;
    }
  }
}
