// Reading manifest files: the only I/O in workflow/. Directories are walked in lexical order and
// only .yaml/.yml/.json files in them are read, as upstream's `argo lint` walks paths; `-` is stdin.
import { readFile, readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { parseManifests, type ParseOptions, type ParsedManifest } from './parse.js';

export interface ManifestSource {
  /** The path as given or found (`stdin` for `-`). */
  source: string;
  text: string;
}

export interface ReadOptions {
  /** Descend into sub-directories (default true, as upstream's walk does). */
  recursive?: boolean;
  /**
   * Which files must have a manifest extension: `directories` (default) reads any file named
   * explicitly; `all` also skips named files with other extensions, as `argo lint` does.
   */
  extensionFilter?: 'directories' | 'all';
  /** Reads standard input; defaults to process.stdin. */
  readStdin?: () => Promise<string>;
}

const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/** A path that could not be read, with Go's wording (`open x: no such file or directory`). */
export class ManifestReadError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = 'ManifestReadError';
  }
}

export async function readManifestFiles(paths: string[], opts: ReadOptions = {}): Promise<ManifestSource[]> {
  const recursive = opts.recursive ?? true;
  const filterAll = opts.extensionFilter === 'all';
  const out: ManifestSource[] = [];
  for (const path of paths) {
    if (path === '-') {
      out.push({ source: 'stdin', text: await (opts.readStdin ?? readStdin)() });
      continue;
    }
    const info = await stat(path).catch((e: NodeJS.ErrnoException) => {
      throw new ManifestReadError(path, `${filterAll ? 'lstat' : 'open'} ${path}: ${describe(e)}`);
    });
    if (info.isDirectory()) await walk(path, recursive, out);
    else if (!filterAll || isManifestFile(path)) out.push({ source: path, text: await readText(path) });
  }
  return out;
}

/** Reads and parses every manifest; a malformed file throws ManifestError naming it. */
export async function readManifests(
  paths: string[],
  opts: ReadOptions & ParseOptions = {},
): Promise<ParsedManifest[]> {
  const sources = await readManifestFiles(paths, opts);
  return sources.flatMap((s) => parseManifests(s.text, s.source, opts));
}

function isManifestFile(path: string): boolean {
  return path.startsWith('/dev/') || MANIFEST_EXTENSIONS.has(extname(path));
}

async function walk(dir: string, recursive: boolean, out: ManifestSource[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (recursive) await walk(path, recursive, out);
    } else if (MANIFEST_EXTENSIONS.has(extname(entry.name))) {
      out.push({ source: path, text: await readText(path) });
    }
  }
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    throw new ManifestReadError(path, `open ${path}: ${describe(e as NodeJS.ErrnoException)}`);
  }
}

function describe(e: NodeJS.ErrnoException): string {
  switch (e.code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    default:
      return e.message;
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}
