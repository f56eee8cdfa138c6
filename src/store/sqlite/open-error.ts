// Why the store file could not be opened, in one line that names the file and what to do. SQLite
// and the file system say `unable to open database file` or `ENOENT ... mkdir`, which name
// neither the file nor the cause the user can act on.
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';

export class StoreOpenError extends Error {
  constructor(
    readonly file: string,
    message: string,
    cause?: unknown,
  ) {
    super(message, { cause });
    this.name = 'StoreOpenError';
  }
}

const SET_HOME = 'set ARGO_HOME to a folder you can write';

/** The error opening `file` threw, as a StoreOpenError (others pass through unchanged). */
export function storeOpenError(file: string, err: unknown): unknown {
  if (err instanceof StoreOpenError) return err;
  const code = (err as { code?: string }).code ?? '';
  const detail = (err as Error).message ?? String(err);
  const fail = (what: string): StoreOpenError => new StoreOpenError(file, `${file}: ${what}`, err);
  if (code.startsWith('SQLITE_CANTOPEN') && isDirectory(file))
    return fail('is a directory, not a database file; move it aside');
  const cause = fileSystemCause(file, code);
  if (cause === 'EROFS') return fail(`read-only file system (EROFS); ${SET_HOME}`);
  if (cause === 'EACCES' || cause === 'EPERM')
    return fail(`permission denied (${cause}); make it and its folder writable by you or ${SET_HOME}`);
  if (code === 'ENOSPC' || code === 'SQLITE_FULL')
    return fail(`no space left on device; free space or ${SET_HOME}`);
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT'))
    return fail(`damaged (${detail}); move it aside to start an empty store (its workflows are then gone)`);
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
    return fail(`locked by another process (${detail}); wait for it or stop it, then retry`);
  if (code.startsWith('SQLITE_')) return fail(`cannot be opened (${detail})`);
  return err;
}

/**
 * The file system's reason: the code itself for an errno; for SQLite's open and write failures
 * (which name none) and for a recursive mkdir (which says ENOENT on a read-only file system),
 * what the file or the nearest folder that exists refuse.
 */
function fileSystemCause(file: string, code: string): string | undefined {
  if (code === 'ENOENT') return accessCause(nearestExisting(path.dirname(file)));
  if (/^SQLITE_(CANTOPEN|READONLY|IOERR)/.test(code))
    return accessCause(file) ?? accessCause(nearestExisting(path.dirname(file)));
  return code;
}

/** EROFS or EACCES when `p` exists and cannot be written, else undefined. */
function accessCause(p: string): string | undefined {
  try {
    accessSync(p, constants.W_OK);
    return undefined;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'EROFS' || code === 'EACCES' || code === 'EPERM' ? code : undefined;
  }
}

function nearestExisting(p: string): string {
  let cur = p;
  while (cur !== path.dirname(cur) && !exists(cur)) cur = path.dirname(cur);
  return cur;
}

function exists(p: string): boolean {
  try {
    statSync(p);
    return true;
  } catch {
    return false;
  }
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
