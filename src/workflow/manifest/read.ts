// Reading manifest files: the only I/O in workflow/. Directories are walked in lexical order and
// only .yaml/.yml/.json files in them are read, as upstream's `argo lint` walks paths; `-` is stdin.
import { open, readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { MANIFEST_LIMITS, oversizeMessage } from './limits.js';
import { ManifestLimitError, parseManifests, type ParseOptions, type ParsedManifest } from './parse.js';

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
  opts: ReadOptions & ParseOptions & { parsing?: Around } = {},
): Promise<ParsedManifest[]> {
  const sources = await readManifestFiles(paths, opts);
  const parse = (): ParsedManifest[] => sources.flatMap((s) => parseManifests(s.text, s.source, opts));
  if (!opts.parsing) return parse();
  return opts.parsing(
    parse,
    sources.reduce((n, s) => n + s.text.length, 0),
  );
}

/**
 * Runs the (synchronous) parsing of `length` characters of text: a caller may set how signals
 * are handled meanwhile.
 */
export type Around = <T>(work: () => T, length: number) => T;

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
  let file;
  try {
    file = await open(path, 'r');
  } catch (e) {
    throw new ManifestReadError(path, `open ${path}: ${describe(e as NodeJS.ErrnoException)}`);
  }
  try {
    // A regular file too large is refused before reading; pipes and devices tell no size.
    const { size } = await file.stat();
    if (size > MANIFEST_LIMITS.maxBytes) throw new ManifestLimitError(oversizeMessage(path, size));
    return await readCapped(file.readableWebStream() as AsyncIterable<Uint8Array>, path);
  } catch (e) {
    if (e instanceof ManifestLimitError) throw e;
    throw new ManifestReadError(path, `read ${path}: ${describe(e as NodeJS.ErrnoException)}`);
  } finally {
    await file.close();
  }
}

/** Reads a stream as UTF-8, stopping as soon as it passes the manifest size limit. */
async function readCapped(chunks: AsyncIterable<Uint8Array | string>, source: string): Promise<string> {
  const parts: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of chunks) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk);
    bytes += buf.length;
    if (bytes > MANIFEST_LIMITS.maxBytes) throw new ManifestLimitError(oversizeMessage(source));
    parts.push(buf);
  }
  return Buffer.concat(parts).toString('utf8');
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
  return readCapped(process.stdin as AsyncIterable<Buffer | string>, 'stdin');
}
