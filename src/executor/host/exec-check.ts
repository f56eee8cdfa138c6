// Whether a container's program can be executed, checked just before it is started. Behind the
// namespace wrapper a failed exec is only the wrapper's exit code (127 or 126) and a line in the
// container's log, so a missing or non-executable program would fail its node with nothing but
// "exit code 127". Checked here, the reason reaches the container's status and the node's message,
// worded as Go's exec words it (argoexec's emissary starts the command upstream).
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import { CommandError } from './command.js';
import type { Bind } from './isolation.js';

/**
 * Why `file` (argv[0], as the container sees it) cannot be executed, or undefined when it can or
 * when that is only known inside the container (a relative path resolved from its working folder).
 * `binds` map container paths to host paths when the container runs isolated.
 */
export function execProblem(
  file: string,
  binds: readonly Bind[] | undefined,
  baseDir: string,
): CommandError | undefined {
  if (!path.isAbsolute(file)) return undefined;
  const host = binds ? hostPath(file, binds, baseDir) : file;
  let isFile: boolean;
  try {
    isFile = statSync(host).isFile();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return failure(file, 'no such file or directory');
    return undefined;
  }
  if (!isFile) return failure(file, 'permission denied');
  try {
    accessSync(host, constants.X_OK);
  } catch {
    return failure(file, 'permission denied');
  }
  return undefined;
}

function failure(file: string, reason: string): CommandError {
  return new CommandError(`fork/exec ${file}: ${reason}`);
}

/** The host path behind a container path: the deepest bind over it (the last one on a tie). */
function hostPath(file: string, binds: readonly Bind[], baseDir: string): string {
  let best: Bind | undefined;
  for (const b of binds) {
    const covers = file === b.target || file.startsWith(b.target.endsWith('/') ? b.target : `${b.target}/`);
    if (covers && (!best || b.target.length >= best.target.length)) best = b;
  }
  if (!best) return file;
  return path.join(path.resolve(baseDir, best.source), path.relative(best.target, file));
}
