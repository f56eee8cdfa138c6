import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Every YAML file under the folders, sorted. */
export function yamlFilesUnder(...dirs: string[]): string[] {
  return dirs.flatMap((dir) =>
    readdirSync(dir)
      .sort()
      .flatMap((n) => {
        const p = join(dir, n);
        return statSync(p).isDirectory() ? yamlFilesUnder(p) : /\.ya?ml$/.test(n) ? [p] : [];
      }),
  );
}
