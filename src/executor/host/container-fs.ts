// One container's view of the file system, and the way back from it. With isolation, the
// container gets its own /tmp and every path the pod names (volume mount paths, output paths, a
// missing working directory) bound to a folder or file of the pod; after the container exits,
// hostPathOf() finds where a path the container wrote actually lives. Without isolation, paths
// map 1:1 and only TMPDIR points into the pod. With an overlay root (see ns-helper.ts), every
// other path the container writes lands in its own upper layer, so nothing is made on the host:
// paths the pod names are made in that layer, and a path is read back from it, or from the host
// (the overlay's lower layer) when the container left it as it was.
import { closeSync, lstatSync, mkdirSync, openSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { builtinsDir } from './command.js';
import type { Bind } from './isolation.js';
import { exists, type MountPoints, type PathKind } from './mount-points.js';
import type { ResolvedMount } from './volumes.js';

export interface PrivatePath {
  /** Absolute path inside the container. */
  path: string;
  /**
   * 'output': a path the container creates, file or folder, which must not exist before it
   * runs (a script may mkdir it); its parent is made private where hiding the host's is safe.
   */
  kind: PathKind | 'output';
  /**
   * Only read after the container exits (an output parameter's file), never written before it
   * starts: an overlay root needs nothing made for it, and the host's file shows through.
   */
  readOnlyAfter?: boolean;
}

export interface ContainerFsInput {
  isolated: boolean;
  /** The container's root is an overlay over the host's `/` (isolated only). */
  overlay?: boolean;
  podDir: string;
  container: string;
  mounts: ResolvedMount[];
  /** Paths whose content the runtime reads back after exit (output parameters, later artifacts). */
  privatePaths: PrivatePath[];
  workingDir?: string;
  /** Host file to show as /etc/hosts (pods with hostAliases). */
  hostsFile?: string;
  mountPoints: MountPoints;
}

const TMP = '/tmp';

export class ContainerFs {
  /** Bind mounts in the order they must be made (parents first, /tmp last). */
  readonly binds: Bind[] = [];
  /** Working directory for the launch plan: a container path, or relative to the pod folder. */
  readonly workDir: string = '';
  /** The host folder the container sees as /tmp (TMPDIR without isolation). */
  readonly tmpDir: string;
  /**
   * Folders of the pod the caller must create before the container starts, each after the one
   * that holds it: these are made for every container, the rest only on request. An overlay
   * root's layer is not among them: the helper makes it as it mounts the overlay.
   */
  readonly folders: string[] = [];
  /** The folder holding the overlay's upper/, work/ and root/, relative to the pod's; '' without one. */
  readonly rootLayer: string = '';
  /** Where the container's own files are: the overlay's upper layer, or what private paths are bound from. */
  private readonly root: string;
  private readonly overlay: boolean;
  /** The private /tmp is made by the helper, not among `folders`. */
  private readonly helperMakesTmp: boolean;
  private readonly container: string;
  private readonly isolated: boolean;
  private readonly podDir: string;
  private readonly mounts: ResolvedMount[];
  /** Container paths bound to the same path under `root`. */
  private readonly privatized = new Map<string, PathKind>();
  private readonly acquired: string[] = [];
  private readonly mountPoints: MountPoints;
  private readonly namedWorkDir: boolean;

  constructor(input: ContainerFsInput) {
    this.namedWorkDir = !!input.workingDir;
    this.isolated = input.isolated;
    this.podDir = input.podDir;
    this.mountPoints = input.mountPoints;
    this.container = input.container;
    this.mounts = [...input.mounts].sort((a, b) => depth(a.mountPath) - depth(b.mountPath));
    // Flat names in the pod's folder (container names have no dots): fewer folders to make and remove.
    this.overlay = input.isolated && !!input.overlay;
    if (this.overlay) {
      this.rootLayer = `${input.container}.layer`;
      this.root = path.join(input.podDir, this.rootLayer, 'upper');
    } else this.root = path.join(input.podDir, `${input.container}.root`);
    const tmpVolume = this.mounts.find((m) => m.mountPath === TMP);
    this.tmpDir = tmpVolume?.source ?? path.join(input.podDir, `${input.container}.tmp`);
    // Under an overlay root the helper makes the container's own /tmp as it binds it (Bind.make).
    this.helperMakesTmp = this.overlay && !tmpVolume;
    if (!this.helperMakesTmp) this.folders.push(this.tmpDir);

    try {
      this.workDir = this.isolated ? this.planIsolated(input, tmpVolume) : this.planDirect(input);
    } catch (err) {
      // Mount points made before the failure are not left behind.
      this.release();
      throw err;
    }
  }

  private planDirect(input: ContainerFsInput): string {
    for (const m of this.mounts) this.linkMount(m);
    return this.directWorkDir(input.workingDir);
  }

  /** Plans the binds; returns the working directory. */
  private planIsolated(input: ContainerFsInput, tmpVolume: ResolvedMount | undefined): string {
    for (const m of this.mounts) {
      if (m.mountPath === TMP) continue;
      const target = this.ensureTarget(m.mountPath, m.kind);
      if (target) this.binds.push({ source: this.relative(m.source), target, readOnly: m.readOnly });
    }
    // In an overlay root, what the container writes is its own already: outputs need no place made.
    const wanted = this.overlay
      ? input.privatePaths.filter((p) => p.kind !== 'output' && !p.readOnlyAfter)
      : input.privatePaths;
    const concrete = wanted.map((p) => (p.kind === 'output' ? this.outputPath(p.path) : p));
    for (const p of concrete.sort((a, b) => depth(a.path) - depth(b.path)))
      this.privatize(p as PrivatePath & { kind: PathKind });
    if (input.hostsFile)
      this.binds.push({ source: this.relative(input.hostsFile), target: '/etc/hosts', readOnly: true });
    const workDir = this.isolatedWorkDir(input.workingDir);
    // Last, so binds above could still reach sources below the real /tmp.
    this.binds.push({
      source: this.relative(this.tmpDir),
      target: TMP,
      readOnly: tmpVolume?.readOnly ?? false,
      make: this.helperMakesTmp,
    });
    return workDir;
  }

  /**
   * Where the image's working directory `/` is emulated (the private /tmp, or the pod's work
   * folder without isolation) when the container names none: a file it wrote relative to its
   * working directory, which upstream finds at `/<name>`, is there. Undefined when it named one.
   */
  get defaultWorkDirHost(): string | undefined {
    if (this.namedWorkDir) return undefined;
    return this.isolated ? this.tmpDir : path.resolve(this.podDir, this.workDir);
  }

  /** Where a path the container used lives on the host, for reading outputs after it exits. */
  hostPathOf(containerPath: string): string {
    const p = path.posix.normalize(containerPath);
    if (!this.isolated) return p;
    for (let i = this.mounts.length - 1; i >= 0; i--) {
      const m = this.mounts[i];
      if (isUnder(p, m.mountPath)) return path.join(m.source, path.posix.relative(m.mountPath, p));
    }
    if (isUnder(p, TMP)) return path.join(this.tmpDir, path.posix.relative(TMP, p));
    for (const dir of this.privatized.keys()) if (isUnder(p, dir)) return path.join(this.root, p);
    if (this.overlay) {
      const own = path.join(this.root, p);
      // The upper layer holds what the container wrote; the rest it saw as the host has it.
      if (lstatSync(own, { throwIfNoEntry: false })) return own;
    }
    return p;
  }

  /** Whether a path lies on one of the container's volumes (upstream reads those differently). */
  onVolume(containerPath: string): boolean {
    return this.mounts.some((m) => isUnder(path.posix.normalize(containerPath), m.mountPath));
  }

  /**
   * Whether a private file was left as it was made: a bound file always exists, so "the
   * container never wrote it" is told by the untouched timestamp set when it was created.
   */
  untouched(containerPath: string): boolean {
    if (this.privatized.get(containerPath) !== 'file') return false;
    try {
      const st = statSync(this.hostPathOf(containerPath));
      return st.size === 0 && st.mtimeMs === 0;
    } catch {
      return false;
    }
  }

  /**
   * The folders to remove once the container has ended, each before the one that holds it: those
   * made for it, and its overlay layer's (the helper's and the one overlayfs makes in its work
   * folder). Any may be missing.
   */
  get removable(): string[] {
    const made = [...this.folders].reverse();
    if (!this.overlay) return made;
    const layer = path.join(this.podDir, this.rootLayer);
    const work = path.join(layer, 'work');
    const tmp = this.helperMakesTmp ? [this.tmpDir] : [];
    return [...tmp, ...made, path.join(work, 'work'), work, this.root, layer];
  }

  /** Releases the host mount points this container needed. */
  release(): void {
    for (const target of this.acquired.splice(0)) this.mountPoints.release(target);
  }

  // -------------------------------------------------------------------------------------------

  /**
   * What to make private for a path the container will create, which must not exist when it
   * starts (a script may mkdir it): its top-level folder, or else the folder above its top-most
   * missing one, replaced by a private folder when nothing the host needs is in it (/mnt, /data,
   * /outputs). Otherwise the path itself becomes a private file, as an output parameter's does.
   */
  private outputPath(containerPath: string): { path: string; kind: PathKind } {
    const target = path.posix.normalize(containerPath);
    // The container starts with an empty top-level folder of its own (as an image has its own
    // /mnt), so nothing of the host, a leftover or a mount point, is mistaken for its output.
    const top = `/${target.split('/')[1] ?? ''}`;
    if (top !== target && this.canHide(top)) return { path: top, kind: 'dir' };
    const parent = path.posix.dirname(this.topToCreate(target) ?? target);
    if (this.canHide(parent)) return { path: parent, kind: 'dir' };
    if (statSync(target, { throwIfNoEntry: false })?.isDirectory()) return { path: target, kind: 'dir' };
    return { path: target, kind: 'file' };
  }

  /** A folder may be replaced by a private one unless the host needs it or a volume is mounted inside. */
  private canHide(dir: string): boolean {
    return safeToHide(dir, this.podDir) && !this.mounts.some((m) => isUnder(m.mountPath, dir));
  }

  private privatize(p: PrivatePath & { kind: PathKind }): void {
    const target = path.posix.normalize(p.path);
    if (isUnder(target, TMP) || this.mounts.some((m) => isUnder(target, m.mountPath))) return;
    if ([...this.privatized.keys()].some((dir) => isUnder(target, dir))) return;
    if (this.overlay) {
      // Its own layer already hides the host's: the path is made there, nothing is bound.
      createPath(path.join(this.root, target), p.kind);
      this.privatized.set(target, p.kind);
      return;
    }
    const bound = this.ensureTarget(target, p.kind, true);
    if (
      bound &&
      !this.privatized.has(target) &&
      ![...this.privatized.keys()].some((dir) => isUnder(target, dir))
    ) {
      // The target itself is the mount point: bind a private file or folder of the pod onto it.
      const own = path.join(this.root, target);
      mkdirSync(path.dirname(own), { recursive: true });
      if (p.kind === 'dir') mkdirSync(own, { recursive: true });
      else {
        closeSync(openSync(own, 'w'));
        utimesSync(own, 0, 0);
      }
      this.privatized.set(target, p.kind);
      this.binds.push({ source: this.relative(own), target, readOnly: false });
    }
  }

  /**
   * Makes sure `target` can be bound on: below /tmp it is created inside the private tmp folder
   * (and the returned target is that folder's host path, bound before /tmp is); below a volume
   * or private folder it is created inside that; otherwise it must exist on the host, so the
   * top-most missing folder is created there as a mount point and a private folder bound on it.
   * Returns the target to bind on, or undefined when the host does not let us create it.
   */
  private ensureTarget(target: string, kind: PathKind, forPrivate = false): string | undefined {
    if (isUnder(target, TMP)) {
      const inTmp = path.join(this.tmpDir, path.posix.relative(TMP, target));
      createPath(inTmp, kind);
      return inTmp;
    }
    const inside = this.mounts.find((m) => m.mountPath !== target && isUnder(target, m.mountPath));
    if (inside) {
      createPath(path.join(inside.source, path.posix.relative(inside.mountPath, target)), kind);
      return target;
    }
    for (const dir of this.privatized.keys()) {
      if (isUnder(target, dir)) {
        createPath(path.join(this.root, target), kind);
        return target;
      }
    }
    if (this.overlay) {
      // Made in the upper layer before the overlay is mounted: the host is not touched.
      if (!exists(target)) createPath(path.join(this.root, target), kind);
      return target;
    }
    const top = this.topToCreate(target);
    if (top === undefined) return target;
    if (top === target) {
      if (!this.mountPoints.acquire(target, kind)) return undefined;
      this.acquired.push(target);
      return target;
    }
    if (!this.mountPoints.acquire(top, 'dir')) return undefined;
    this.acquired.push(top);
    this.privatized.set(top, 'dir');
    mkdirSync(path.join(this.root, top), { recursive: true });
    // A private path's own file is made by privatize(); a mount target must exist for the bind.
    if (forPrivate) mkdirSync(path.join(this.root, path.posix.dirname(target)), { recursive: true });
    else createPath(path.join(this.root, target), kind);
    this.binds.push({ source: this.relative(path.join(this.root, top)), target: top, readOnly: false });
    return target;
  }

  /**
   * The top-most path from `target` up that must be made as a mount point (its parent is a real
   * folder of the host), or undefined when `target` itself is real. A mount point another pod
   * made counts as missing: this pod then holds it too, so it stays while either needs it.
   */
  private topToCreate(target: string): string | undefined {
    const real = (p: string): boolean => exists(p) && !this.mountPoints.made(p);
    if (real(target)) return undefined;
    let top = target;
    for (
      let parent = path.posix.dirname(top);
      parent !== top && !real(parent);
      parent = path.posix.dirname(top)
    )
      top = parent;
    return top;
  }

  private isolatedWorkDir(workingDir: string | undefined): string {
    // Images default to /, which is the host's here: the private /tmp keeps relative writes in the pod.
    if (!workingDir) return TMP;
    const dir = path.posix.normalize(workingDir);
    if (isUnder(dir, TMP)) {
      createPath(path.join(this.tmpDir, path.posix.relative(TMP, dir)), 'dir');
      return dir;
    }
    return this.ensureTarget(dir, 'dir') ? dir : TMP;
  }

  private directWorkDir(workingDir: string | undefined): string {
    if (!workingDir) return this.defaultWorkDir();
    try {
      mkdirSync(workingDir, { recursive: true });
      return workingDir;
    } catch {
      return this.defaultWorkDir();
    }
  }

  /** Without isolation, a folder of the pod stands in for the image's working directory. */
  private defaultWorkDir(): string {
    const dir = path.join(this.podDir, `${this.container}.work`);
    this.folders.push(dir);
    return this.relative(dir);
  }

  /** Without isolation a volume can only appear at its mount path as a link to its folder. */
  private linkMount(m: ResolvedMount): void {
    if (exists(m.mountPath) || !exists(path.dirname(m.mountPath))) return;
    if (this.mountPoints.acquireLink(m.mountPath, m.source)) this.acquired.push(m.mountPath);
  }

  /** Paths inside the pod folder are given relative to it (see LaunchPlan.baseDir). */
  private relative(hostPath: string): string {
    const rel = path.relative(this.podDir, hostPath);
    return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : hostPath;
  }
}

function createPath(p: string, kind: PathKind): void {
  if (kind === 'dir') mkdirSync(p, { recursive: true });
  else if (!exists(p)) {
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, '');
  }
}

/** Host folders a container's programs, libraries and our own files live in: never hidden. */
const SYSTEM_DIRS = [
  '/bin',
  '/boot',
  '/dev',
  '/etc',
  '/home',
  '/lib',
  '/lib32',
  '/lib64',
  '/libx32',
  '/nix',
  '/opt',
  '/proc',
  '/root',
  '/run',
  '/sbin',
  '/snap',
  '/sys',
  '/usr',
  '/var',
];

function safeToHide(dir: string, podDir: string): boolean {
  if (dir === '/' || SYSTEM_DIRS.some((s) => isUnder(dir, s))) return false;
  const needed = [podDir, process.cwd(), homedir(), tmpdir(), path.dirname(process.execPath), builtinsDir()];
  return !needed.some((n) => isUnder(path.resolve(n), dir));
}

function isUnder(p: string, dir: string): boolean {
  return p === dir || p.startsWith(dir.endsWith('/') ? dir : `${dir}/`);
}

function depth(p: string): number {
  return path.posix.normalize(p).split('/').filter(Boolean).length;
}
