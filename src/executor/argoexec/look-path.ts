// Finding a command the way Go's exec.LookPath does, so a missing or unusable command fails
// before anything starts, with the same words upstream's emissary reports.
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';

export class LookPathError extends Error {}

/** The text Go gives for an errno, as exec.LookPath's errors embed it. */
export function errnoText(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'ENOTDIR':
      return 'not a directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOEXEC':
      return 'exec format error';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    case 'ENAMETOOLONG':
      return 'file name too long';
    case 'E2BIG':
      return 'argument list too long';
    default:
      return (err as Error).message;
  }
}

class NotExecutable extends Error {}

function checkExecutable(file: string): void {
  let st;
  try {
    st = statSync(file);
  } catch (err) {
    throw new NotExecutable(`stat ${file}: ${errnoText(err)}`);
  }
  if (st.isDirectory()) throw new NotExecutable('is a directory');
  try {
    accessSync(file, constants.X_OK);
  } catch {
    throw new NotExecutable('permission denied');
  }
}

const quote = (s: string) => JSON.stringify(s);

/** The file `name` runs: itself when it has a slash, else the first executable match on PATH. */
export function lookPath(name: string, env: NodeJS.ProcessEnv = process.env): string {
  if (name.includes('/')) {
    try {
      checkExecutable(name);
      return name;
    } catch (err) {
      throw new LookPathError(`exec: ${quote(name)}: ${(err as Error).message}`);
    }
  }
  // An empty PATH has no entries at all (Go's SplitList), not one empty entry meaning ".".
  const entries = env.PATH ? env.PATH.split(path.delimiter) : [];
  for (const entry of entries) {
    const candidate = path.join(entry || '.', name);
    try {
      checkExecutable(candidate);
    } catch {
      continue;
    }
    // Go refuses a match found through a relative PATH entry: the current folder is not trusted.
    if (!path.isAbsolute(candidate))
      throw new LookPathError(
        `exec: ${quote(name)}: cannot run executable found relative to current directory`,
      );
    return candidate;
  }
  throw new LookPathError(`exec: ${quote(name)}: executable file not found in $PATH`);
}
