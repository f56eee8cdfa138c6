// Small C helpers the host runtime compiles on first use, once per argo home. The file name
// carries a hash of the source, so a changed helper is rebuilt, never reused stale.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The helper's path under `dir`, compiling `source` first if needed; undefined when no compiler works. */
export async function compileHelper(dir: string, name: string, source: string): Promise<string | undefined> {
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 12);
  const binary = path.join(dir, `${name}-${hash}`);
  if (existsSync(binary)) return binary;
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}-${hash}.c`);
  writeFileSync(file, source);
  const partial = `${binary}.${process.pid}.tmp`;
  for (const cc of [process.env.CC, 'cc', 'gcc', 'clang']) {
    if (!cc) continue;
    try {
      await run(cc, ['-O2', '-o', partial, file], { timeout: 60_000 });
      // Rename so a concurrent runtime never executes a half-written binary.
      renameSync(partial, binary);
      return binary;
    } catch {
      // Try the next compiler.
    }
  }
  return undefined;
}
