// Looking commands up in a PATH, as execvp does, with the answers remembered: the same few
// commands are looked up for every container.
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';

const found = new Map<string, string>();

/** The first executable file named `name` in the PATH list, or undefined. */
export function findExecutable(name: string, pathList: string): string | undefined {
  const key = `${pathList}\u0000${name}`;
  const cached = found.get(key);
  if (cached) return cached;
  for (const dir of pathList.split(':')) {
    const candidate = path.join(dir || '.', name);
    if (isExecutableFile(candidate)) {
      found.set(key, candidate);
      return candidate;
    }
  }
  return undefined;
}

export function isExecutableFile(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}
