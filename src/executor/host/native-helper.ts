// Small C helpers the host runtime compiles on first use. Each argo home keeps its own copy (the
// runtime and the containers' shims run it from there), named by a hash of the source, so a
// changed helper is rebuilt, never reused stale. A per-user cache, keyed also by the compiler and
// the machine, spares every new home the compiler's second or so: the home gets a hard link (or a
// copy) of the cached binary. Every file lands under its final name by a rename, so concurrent
// first runs never see, or run, a half-written one.
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * The per-user cache of compiled helpers: `$ARGO_TS_HELPER_CACHE`, else
 * `$XDG_CACHE_HOME/argo-ts/helpers` (`~/.cache/argo-ts/helpers`); undefined when set to empty.
 */
export function helperCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const set = env.ARGO_TS_HELPER_CACHE;
  if (set !== undefined) return set === '' ? undefined : path.resolve(set);
  // The XDG spec says a relative XDG_CACHE_HOME is invalid and must be ignored.
  const xdg = env.XDG_CACHE_HOME;
  return path.join(xdg && path.isAbsolute(xdg) ? xdg : path.join(homedir(), '.cache'), 'argo-ts', 'helpers');
}

function hash(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 12);
}

/** A unique name beside `file` to write before renaming into place. */
function partialName(file: string): string {
  return `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
}

/** The compilers to try, in order, each with its resolved file (undefined when not found). */
function compilers(): { cc: string; file?: string }[] {
  const names = [process.env.CC, 'cc', 'gcc', 'clang'].filter((cc): cc is string => !!cc);
  return [...new Set(names)].map((cc) => ({ cc, file: findExecutable(cc) }));
}

function findExecutable(cc: string): string | undefined {
  const dirs = cc.includes('/') ? [''] : (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  for (const dir of dirs) {
    try {
      const file = realpathSync(path.resolve(dir, cc));
      if (statSync(file).isFile()) return file;
    } catch {
      // Not here.
    }
  }
  return undefined;
}

/**
 * What the cached binary of `source` built by `compiler` is named by: the source, the machine and
 * the compiler's file as found now (path, size, change time), so an upgraded compiler or another
 * architecture sharing the cache folder builds its own, and telling this needs no exec.
 */
function cacheKey(source: string, compiler: string): string {
  const st = statSync(compiler);
  return hash(source, process.platform, process.arch, compiler, String(st.size), String(st.mtimeMs));
}

/** Places `from` at `to` through a rename: a hard link where it can, else a copy. */
function placeCopy(from: string, to: string): void {
  const partial = partialName(to);
  try {
    try {
      linkSync(from, partial);
    } catch {
      copyFileSync(from, partial);
    }
    renameSync(partial, to);
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  }
}

/** Compiles `source` to `binary` with `cc` (via a unique partial name); false if it fails. */
async function compileTo(cc: string, source: string, binary: string): Promise<boolean> {
  const partial = partialName(binary);
  const file = `${partial}.c`;
  try {
    writeFileSync(file, source);
    await run(cc, ['-O2', '-o', partial, file], { timeout: 60_000 });
    renameSync(partial, binary);
    return true;
  } catch {
    rmSync(partial, { force: true });
    return false;
  } finally {
    rmSync(file, { force: true });
  }
}

/** Builds under way in this process, by target file: callers wanting the same one share it. */
const building = new Map<string, Promise<boolean>>();

function buildOnce(cc: string, source: string, binary: string): Promise<boolean> {
  let found = building.get(binary);
  if (!found) {
    found = compileTo(cc, source, binary).finally(() => building.delete(binary));
    building.set(binary, found);
  }
  return found;
}

/** Whether `dir` exists (made if need be) and a file can be created in it. */
function writableDir(dir: string): boolean {
  try {
    mkdirSync(dir, { recursive: true });
    const probe = partialName(path.join(dir, 'probe'));
    writeFileSync(probe, '', { flag: 'wx' });
    rmSync(probe);
    return true;
  } catch {
    return false;
  }
}

/** The helper's path under `dir`, built (or taken from the cache) first if needed; undefined when no compiler works. */
export async function compileHelper(dir: string, name: string, source: string): Promise<string | undefined> {
  const binary = path.join(dir, `${name}-${hash(source)}`);
  if (existsSync(binary)) return binary;
  mkdirSync(dir, { recursive: true });
  const cache = helperCacheDir();
  const cacheUsable = cache !== undefined && writableDir(cache);
  for (const { cc, file } of compilers()) {
    if (!file) continue;
    if (cacheUsable) {
      const cached = path.join(cache, `${name}-${cacheKey(source, file)}`);
      // This compiler does not work: the next one may.
      if (!existsSync(cached) && !(await buildOnce(cc, source, cached))) continue;
      try {
        placeCopy(cached, binary);
        return binary;
      } catch {
        // The home could not take it: built there below, which tells whether it can take anything.
      }
    }
    if (await buildOnce(cc, source, binary)) return binary;
    // Try the next compiler.
  }
  return undefined;
}
