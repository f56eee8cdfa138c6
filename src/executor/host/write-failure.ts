// How a failed write (a full disk, an I/O error) is told: the path and the cause in the words Go's
// runtime (and so upstream's messages) use, e.g. "writing /x/main.log: no space left on device".
import { constants } from 'node:os';

const CAUSES: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EIO: 'input/output error',
  EFBIG: 'file too large',
  EROFS: 'read-only file system',
};

/** The errno name (ENOSPC) of a number a native helper reported. */
export function errnoName(value: number): string {
  return Object.entries(constants.errno).find(([, v]) => v === value)?.[0] ?? `E${value}`;
}

/** "writing PATH: CAUSE" for an errno name (or an error carrying one in `code`). */
export function writeFailure(file: string, err: string | NodeJS.ErrnoException): string {
  const code = typeof err === 'string' ? err : (err.code ?? '');
  const cause = CAUSES[code] ?? (typeof err === 'string' ? err : err.message);
  return `writing ${file}: ${cause}`;
}
