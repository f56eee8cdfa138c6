// Packing an artifact for upload and unpacking it after download, as argoexec does: tar+gzip by
// default (the top entry is the artifact path's base name; compressionLevel as gzip's), zip, or
// none (the file or folder as it is). An archive unpacks into a scratch folder first, and a single
// top entry is then renamed to the destination, so `path` ends up being the file or folder itself.
import { createReadStream, createWriteStream } from 'node:fs';
import { lstat, mkdir, open, readdir, readlink, rename, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type { ArchiveStrategy } from '../model/template.js';
import { commonJsExports } from '../commonjs-import.js';

export type ArchiveFormat = 'tgz' | 'zip' | 'none';

export function archiveFormat(strategy: ArchiveStrategy | undefined): ArchiveFormat {
  if (strategy?.none) return 'none';
  if (strategy?.zip) return 'zip';
  return 'tgz';
}

/** Go's gzip.DefaultCompression; also what an unset compressionLevel means. */
const DEFAULT_LEVEL = -1;

export class ArchiveError extends Error {}

/**
 * Writes `source` (a file or folder) as a gzipped tarball at `dest`, its base name as the top
 * entry. Only regular files and folders (and links inside folders) can be archived.
 */
export async function packTarGz(source: string, dest: string, level = DEFAULT_LEVEL): Promise<void> {
  const st = await lstat(source);
  if (!st.isFile() && !st.isDirectory())
    throw new ArchiveError(`${source} is not a regular file or directory`);
  const tar = await import('tar');
  await tar.c(
    {
      gzip: { level: Math.max(-1, Math.min(9, Math.trunc(level))) },
      file: dest,
      cwd: path.dirname(source),
      portable: true,
    },
    [path.basename(source)],
  );
}

/** Writes `source` as a zip at `dest`, entries named below its base name as argoexec does. */
export async function packZip(source: string, dest: string): Promise<void> {
  const st = await lstat(source);
  if (!st.isFile() && !st.isDirectory())
    throw new ArchiveError(`${source} is not a regular file or directory`);
  const { ZipFile } = await commonJsExports(import('yazl'));
  const zip = new ZipFile();
  const done = pipeline(zip.outputStream, createWriteStream(dest));
  const base = path.basename(source);
  if (st.isFile()) zip.addFile(source, base);
  else {
    zip.addEmptyDirectory(base);
    const walk = async (rel: string): Promise<void> => {
      for (const e of await readdir(path.join(source, rel), { withFileTypes: true })) {
        const r = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) {
          zip.addEmptyDirectory(`${base}/${r}`);
          await walk(r);
        } else if (e.isFile()) zip.addFile(path.join(source, r), `${base}/${r}`);
        else if (e.isSymbolicLink()) {
          // Zip has no portable links; the link's target path is stored as its content.
          zip.addBuffer(Buffer.from(await readlink(path.join(source, r))), `${base}/${r}`);
        }
      }
    };
    await walk('');
  }
  zip.end();
  await done;
}

/** Whether `file` is a gzipped tarball: gzip magic, then a tar header whose checksum holds. */
export async function isTarball(file: string): Promise<boolean> {
  const fh = await open(file, 'r');
  try {
    const magic = Buffer.alloc(2);
    await fh.read(magic, 0, 2, 0);
    if (magic[0] !== 0x1f || magic[1] !== 0x8b) return false;
  } finally {
    await fh.close();
  }
  const header = await firstGunzippedBytes(file, 512);
  return header !== undefined && header.length === 512 && tarChecksumHolds(header);
}

async function firstGunzippedBytes(file: string, n: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let have = 0;
  const gunzip = createGunzip();
  const input = createReadStream(file);
  try {
    await new Promise<void>((resolve, reject) => {
      gunzip.on('data', (c: Buffer) => {
        chunks.push(c);
        have += c.length;
        if (have >= n) resolve();
      });
      gunzip.on('end', () => resolve());
      gunzip.on('error', reject);
      input.on('error', reject);
      input.pipe(gunzip);
    });
  } catch {
    return undefined;
  } finally {
    input.destroy();
    gunzip.destroy();
  }
  return Buffer.concat(chunks).subarray(0, n);
}

function tarChecksumHolds(h: Buffer): boolean {
  const stored = Number.parseInt(
    h
      .subarray(148, 156)
      .toString('latin1')
      .replace(/[\0 ]+/g, ' ')
      .trim(),
    8,
  );
  if (Number.isNaN(stored)) return false;
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i];
  return sum === stored;
}

/**
 * Unpacks the archive `file` to `dest` as argoexec does: into `<dest>.tmpdir`, then a single top
 * entry is renamed to `dest`, several become the contents of a folder `dest`. Entries may not
 * leave the destination.
 */
export async function unpack(file: string, dest: string, format: 'tgz' | 'zip'): Promise<void> {
  const tmp = `${dest}.tmpdir`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  try {
    if (format === 'tgz') await untarGz(file, tmp);
    else await unzip(file, tmp);
    const entries = await readdir(tmp);
    if (entries.length === 1) {
      await rename(path.join(tmp, entries[0]), dest);
      await rmdir(tmp);
    } else {
      await rename(tmp, dest);
    }
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
}

async function untarGz(file: string, dir: string): Promise<void> {
  const tar = await import('tar');
  const problems: string[] = [];
  await tar.x({
    file,
    cwd: dir,
    strict: false,
    preservePaths: false,
    preserveOwner: false,
    onwarn: (code: string, message: string | Error) => {
      // Entries that would leave the folder are skipped by tar; argoexec refuses the archive.
      if (code === 'TAR_ENTRY_ERROR' || code === 'TAR_ENTRY_UNSUPPORTED')
        problems.push(typeof message === 'string' ? message : message.message);
    },
  });
  if (problems.length) throw new ArchiveError(`illegal file path in archive: ${problems[0]}`);
}

async function unzip(file: string, dir: string): Promise<void> {
  const yauzl = await commonJsExports(import('yauzl'));
  const zip = await new Promise<import('yauzl').ZipFile>((resolve, reject) =>
    yauzl.open(file, { lazyEntries: true }, (err, z) => (err ? reject(err) : resolve(z))),
  );
  const root = path.resolve(dir);
  await new Promise<void>((resolve, reject) => {
    const fail = (err: unknown): void => {
      zip.close();
      reject(err instanceof Error ? err : new ArchiveError(String(err)));
    };
    zip.on('error', fail);
    zip.on('end', () => resolve());
    zip.on('entry', (entry: import('yauzl').Entry) => {
      const target = path.resolve(root, entry.fileName);
      if (!target.startsWith(root + path.sep)) return fail(new ArchiveError(`${target}: Illegal file path`));
      if (entry.fileName.endsWith('/')) {
        mkdir(target, { recursive: true }).then(() => zip.readEntry(), fail);
        return;
      }
      zip.openReadStream(entry, (err, stream) => {
        if (err) return fail(err);
        const mode = (entry.externalFileAttributes >>> 16) & 0o777;
        mkdir(path.dirname(target), { recursive: true })
          .then(() => pipeline(stream, createWriteStream(target, { mode: mode || 0o644 })))
          .then(() => zip.readEntry(), fail);
      });
    });
    zip.readEntry();
  });
}
