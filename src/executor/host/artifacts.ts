// A pod's artifacts on the host, as argoexec's init and wait containers handle them: input
// artifacts fetched into the pod's folder before any container starts (then placed where the
// main containers see them), output artifacts packed and uploaded once main has exited, and the
// main containers' logs saved when the archive location says to.
import { readFileSync } from 'node:fs';
import { chmod, cp, lstat, mkdir, readdir, readlink, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  ArtifactNotFoundError,
  archiveFormat,
  cloneGit,
  downloadHttp,
  hasKey,
  hasLocation,
  hasLocationOrKey,
  isTarball,
  joinKey,
  keyOnly,
  locationKey,
  locationKind,
  packTarGz,
  packZip,
  pathExists,
  relocate,
  Repositories,
  unpack,
  writeRaw,
} from '../../artifacts/index.js';
import type { Artifact, ArtifactLocation, Template } from '../../model/template.js';
import type { ContainerFs, PrivatePath } from './container-fs.js';
import type { MainFiles } from './main-files.js';
import type { PathKind } from './mount-points.js';

/** An input artifact fetched into the pod's folder, waiting to be placed at its path. */
export interface StagedInput {
  name: string;
  /** Where the containers see it. */
  path: string;
  /** Where it is now. */
  staged: string;
  kind: PathKind;
}

/** Why the pod cannot start: argoexec's init container fails with this. */
export class InputArtifactError extends Error {}

/** gzip's default level, which an unset compressionLevel means. */
const DEFAULT_COMPRESSION = -1;

export class PodArtifacts {
  private readonly dir: string;

  constructor(
    private readonly tmpl: Template | undefined,
    podDir: string,
    private readonly repos: Repositories,
    /** Where an input is fetched to; by default a folder of the pod's, to be placed later. */
    private readonly inputTarget?: (art: Artifact) => string,
  ) {
    this.dir = path.join(podDir, 'artifacts');
  }

  get archiveLocation(): ArtifactLocation | undefined {
    return this.tmpl?.archiveLocation;
  }

  /** Fetches every input artifact into the pod's folder; throws InputArtifactError. */
  async stageInputs(): Promise<StagedInput[]> {
    const out: StagedInput[] = [];
    for (const art of this.tmpl?.inputs?.artifacts ?? []) {
      try {
        const staged = await this.stageInput(art);
        if (staged) out.push(staged);
      } catch (err) {
        if (err instanceof InputArtifactError) throw err;
        throw new InputArtifactError(`artifact ${art.name} failed to load: ${(err as Error).message}`);
      }
    }
    return out;
  }

  private async stageInput(art: Artifact): Promise<StagedInput | undefined> {
    if (!hasLocationOrKey(art)) {
      if (art.optional) return undefined;
      throw new InputArtifactError(`required artifact '${art.name}' not supplied`);
    }
    if (!art.path) throw new InputArtifactError(`Artifact '${art.name}' did not specify a path`);
    const staged = this.inputTarget?.(art) ?? path.join(this.dir, 'in', art.name);
    const download = `${staged}.tmp`;
    await mkdir(path.dirname(staged), { recursive: true });
    const secret = this.repos.ctx.secret;
    try {
      if (art.raw) await writeRaw(art.raw.data ?? '', download);
      else if (art.http && hasLocation(art)) await downloadHttp(art.http, download, secret);
      else if (art.git) await cloneGit(art.git, download, secret);
      else {
        const { repository, key } = await this.repos.open(relocate(art, this.archiveLocation), art.name);
        await repository.get(key, download);
      }
    } catch (err) {
      if (art.optional && err instanceof ArtifactNotFoundError) return undefined;
      throw err;
    }
    await this.unarchive(art, download, staged);
    if (art.mode !== undefined) await applyMode(staged, art.mode, art.recurseMode === true);
    return {
      name: art.name,
      path: art.path,
      staged,
      kind: (await stat(staged)).isDirectory() ? 'dir' : 'file',
    };
  }

  /** A downloaded file is unpacked as its archive strategy says, or when it looks like a tarball. */
  private async unarchive(art: Artifact, download: string, dest: string): Promise<void> {
    const isFile = (await lstat(download)).isFile();
    let format: 'tgz' | 'zip' | undefined;
    if (art.archive?.none) format = undefined;
    else if (art.archive?.tar) format = 'tgz';
    else if (art.archive?.zip) format = 'zip';
    else format = isFile && (await isTarball(download)) ? 'tgz' : undefined;
    if (format && isFile) {
      await unpack(download, dest, format);
      await rm(download, { force: true });
    } else {
      await rename(download, dest);
    }
  }

  /** Container paths a main container needs private: each input at its path, each output's place. */
  privatePaths(inputs: StagedInput[], forMain: boolean): PrivatePath[] {
    const paths: PrivatePath[] = inputs.map((i) => ({ path: i.path, kind: i.kind }));
    if (forMain)
      for (const a of this.tmpl?.outputs?.artifacts ?? [])
        if (a.path) paths.push({ path: a.path, kind: 'output' });
    return paths;
  }

  /** Puts the staged inputs where the container sees them (a copy, when several containers need them). */
  async placeInputs(inputs: StagedInput[], fs: ContainerFs, copy: boolean): Promise<void> {
    for (const input of inputs) {
      const target = fs.hostPathOf(input.path);
      await rm(target, { recursive: true, force: true });
      await mkdir(path.dirname(target), { recursive: true });
      if (copy) await cp(input.staged, target, { recursive: true, verbatimSymlinks: true });
      else await moveOrCopy(input.staged, target);
    }
  }

  /**
   * Packs and uploads the output artifacts from the main container's file system. Returns the
   * artifacts saved (as the status records them) and, when some could not be, argoexec's error.
   */
  async saveOutputs(fs: MainFiles | undefined): Promise<{ artifacts: Artifact[]; error?: string }> {
    const saved: Artifact[] = [];
    const errors: string[] = [];
    for (const art of this.tmpl?.outputs?.artifacts ?? []) {
      try {
        const result = await this.saveOutput(art, fs);
        if (result) saved.push(result);
      } catch (err) {
        errors.push((err as Error).message);
      }
    }
    return { artifacts: saved, error: errors.length ? errors.join('; ') : undefined };
  }

  private async saveOutput(art: Artifact, fs: MainFiles | undefined): Promise<Artifact | undefined> {
    if (!art.path) throw new Error(`Artifact '${art.name}' did not specify a path`);
    let source = fs ? fs.hostPathOf(art.path) : art.path;
    let present = fs ? !fs.untouched(art.path) && (await pathExists(source)) : await pathExists(source);
    const inRoot = path.posix.dirname(path.posix.normalize(art.path)) === '/';
    if (!present && inRoot && fs?.defaultWorkDirHost) {
      // Images mostly work in `/`, which the host stands in for with another folder: a file the
      // container wrote relative to its working directory is looked for there.
      source = path.join(fs.defaultWorkDirHost, path.posix.basename(art.path));
      present = await pathExists(source);
    }
    if (!present) {
      if (art.optional) return undefined;
      throw new Error(missingOutputMessage(art, fs));
    }
    source = await ownTarget(art.path, source, fs);
    const format = archiveFormat(art.archive);
    const outDir = path.join(this.dir, 'out');
    await mkdir(outDir, { recursive: true });
    let fileName: string;
    let upload: string;
    if (format === 'tgz') {
      fileName = `${art.name}.tgz`;
      upload = path.join(outDir, fileName);
      await packTarGz(source, upload, art.archive?.tar?.compressionLevel ?? DEFAULT_COMPRESSION);
    } else if (format === 'zip') {
      fileName = `${art.name}.zip`;
      upload = path.join(outDir, fileName);
      await packZip(source, upload);
    } else {
      fileName = path.posix.basename(path.posix.normalize(art.path));
      upload = source;
    }
    return this.upload(art, fileName, upload);
  }

  /** Uploads a file or folder for `art`: at its own key, or below the archive location's key. */
  private async upload(art: Artifact, fileName: string, local: string): Promise<Artifact> {
    let record: Artifact;
    if (hasKey(art)) record = structuredClone(art);
    else {
      const archive = this.archiveLocation;
      const kind = locationKind(archive);
      if (!archive || !kind)
        throw new Error(
          'artifact storage is not configured; see the docs for setup instructions: https://argo-workflows.readthedocs.io/en/latest/configure-artifact-repository/',
        );
      record = keyOnly(art, joinKey(locationKey(archive), fileName), kind);
    }
    const { repository, key } = await this.repos.open(relocate(record, this.archiveLocation), art.name);
    if ((await lstat(local)).isDirectory()) await repository.putDirectory(key, local);
    else await repository.putFile(key, local);
    return record;
  }

  /** Whether the main containers' logs are to be saved (archiveLocation.archiveLogs). */
  get archivesLogs(): boolean {
    return this.archiveLocation?.archiveLogs === true;
  }

  /** Saves a container's log (without the runtime's timestamps) as the artifact `<name>-logs`. */
  async saveLog(container: string, logFile: string): Promise<Artifact | undefined> {
    let text: string;
    try {
      text = readFileSync(logFile, 'utf8');
    } catch (err) {
      // A log is made at its first line (see LineLog): a container that printed nothing has none.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return undefined;
      text = '';
    }
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    // Each line is "<RFC 3339 time> <text>" in the runtime's log; the artifact holds the text.
    return this.saveLogText(container, lines.map((l) => `${l.slice(l.indexOf(' ') + 1)}\n`).join(''));
  }

  /** Saves a container's output (stdout and stderr as they came) as the artifact `<name>-logs`. */
  async saveLogText(container: string, plain: string | Buffer): Promise<Artifact> {
    const file = path.join(this.dir, 'logs', `${container}.log`);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, plain);
    return this.upload({ name: `${container}-logs` }, `${container}.log`, file);
  }
}

/** Links followed before giving up, as the kernel's ELOOP limit. */
const MAX_LINK_HOPS = 40;

/**
 * An output path that is a symbolic link is read where the link leads inside the container: to
 * one of the container's own files (its /tmp, volumes, output paths). A link that leads anywhere
 * else would upload a file of the host instead, so it is refused. Links inside a folder artifact
 * are stored as links and never followed.
 */
async function ownTarget(
  containerPath: string,
  hostPath: string,
  fs: MainFiles | undefined,
): Promise<string> {
  let inContainer = path.posix.normalize(containerPath);
  let onHost = hostPath;
  for (let hop = 0; hop < MAX_LINK_HOPS; hop++) {
    if (!(await lstat(onHost)).isSymbolicLink()) return onHost;
    const target = await readlink(onHost);
    inContainer = path.posix.resolve(path.posix.dirname(inContainer), target);
    const mapped = fs?.hostPathOf(inContainer);
    if (mapped === undefined || mapped === inContainer)
      throw new Error(
        `${containerPath} is a symbolic link to ${target}, which is outside the container's own files`,
      );
    onHost = mapped;
  }
  throw new Error(`${containerPath}: too many levels of symbolic links`);
}

/** argoexec's words for an output that is not there, which depend on where it looked. */
function missingOutputMessage(art: Artifact, fs: MainFiles | undefined): string {
  const p = path.posix.normalize(art.path ?? '');
  if (fs?.onVolume(p)) {
    return archiveFormat(art.archive) === 'none'
      ? `${p} no such file or directory`
      : `stat /mainctrfs${p}: no such file or directory`;
  }
  return `open /var/run/argo/outputs/artifacts${p.replace(/\/$/, '')}.tgz: no such file or directory`;
}

async function applyMode(p: string, mode: number, recurse: boolean): Promise<void> {
  await chmod(p, mode);
  if (!recurse || !(await stat(p)).isDirectory()) return;
  for (const e of await readdir(p, { withFileTypes: true })) {
    const child = path.join(p, e.name);
    if (e.isDirectory()) await applyMode(child, mode, true);
    else if (!e.isSymbolicLink()) await chmod(child, mode);
  }
}

async function moveOrCopy(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
    await cp(from, to, { recursive: true, verbatimSymlinks: true });
    await rm(from, { recursive: true, force: true });
  }
}
