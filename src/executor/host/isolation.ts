// How containers get a private view of the file system. On Linux each container runs in its own
// mount namespace (as root, or in a user namespace otherwise) where the pod's folders are bound
// over /tmp, volume mount paths and output paths. Elsewhere, or when namespaces are not allowed,
// containers run directly and paths map 1:1 to the host. The mode is found once per process by
// trying it, because only running it tells whether the kernel and sandbox allow it.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { findExecutable } from './executables.js';
import { buildNamespaceHelper } from './ns-helper.js';

export type IsolationMode =
  | { kind: 'none' }
  /**
   * The compiled argo-ns helper: one exec per container. `overlay`: each container's root is an
   * overlay over the host's `/` (root only, where the kernel has overlayfs).
   */
  | { kind: 'helper'; file: string; user: boolean; overlay: boolean }
  /** util-linux unshare with a shell prelude that runs mount(8) per bind. */
  | { kind: 'unshare'; file: string; mount: string; user: boolean };

/** 'auto' takes the first that works of helper, unshare (each as root, then in a user namespace). */
export type IsolationPreference = 'auto' | 'none' | 'helper' | 'unshare' | 'helper-user' | 'unshare-user';

export interface Bind {
  /** Host path; relative paths are resolved from the plan's baseDir. */
  source: string;
  /** Path inside the container. */
  target: string;
  readOnly: boolean;
  /**
   * The source is a folder of the pod that the helper makes where it is missing, as it binds it
   * (the container's private /tmp under an overlay root): one call fewer on the engine's thread.
   * Only for the helper; elsewhere the source must exist.
   */
  make?: boolean;
}

export interface LaunchPlan {
  /** Folder the sources are relative to (the pod's folder). */
  baseDir: string;
  /** The container's working directory: a container path, or relative to baseDir. */
  workDir: string;
  binds: Bind[];
  /** The command, argv[0] first. */
  argv: string[];
  /**
   * A folder (relative to baseDir) holding upper/ and work/, on which the container's own root
   * is mounted: an overlay over the host's `/`. The helper makes what is missing of it. Only
   * where the mode has `overlay`.
   */
  rootLayer?: string;
  /** Host folders the container must not see (the argo home), with what it may see inside them. */
  hide?: { path: string; expose: string[] }[];
  /** securityContext.runAsUser / runAsGroup: honoured by the helper running as root. */
  runAs?: { uid?: number; gid?: number };
  /** securityContext.readOnlyRootFilesystem: honoured where the root is an overlay (rootLayer). */
  readOnlyRoot?: boolean;
}

/** Whether containers get an overlay root (see LaunchPlan.rootLayer). */
export function overlayRoot(mode: IsolationMode): boolean {
  return mode.kind === 'helper' && mode.overlay;
}

/** What to spawn for a plan: the wrapper (if any) followed by the container's command. */
export function launchCommand(
  mode: IsolationMode,
  plan: LaunchPlan,
): { file: string; args: string[]; cwd?: string } {
  const ops: string[] = [];
  if (mode.kind === 'helper') ops.push(...privateRootOps(mode, plan));
  for (const b of plan.binds) ops.push(bindOp(mode, b), b.source, b.target);
  if (plan.readOnlyRoot && overlayRoot(mode) && plan.rootLayer) ops.push('R', '-', '/');
  if (mode.kind === 'helper' && !mode.user && plan.runAs) {
    const { uid, gid } = plan.runAs;
    // runAsUser alone keeps the group the runtime has, as the image's default group would be.
    if (uid !== undefined || gid !== undefined)
      ops.push('u', String(uid ?? process.getuid?.() ?? 0), String(gid ?? process.getgid?.() ?? 0));
  }
  switch (mode.kind) {
    case 'none':
      return { file: plan.argv[0], args: plan.argv.slice(1), cwd: path.resolve(plan.baseDir, plan.workDir) };
    case 'helper':
      return {
        file: mode.file,
        args: [mode.user ? 'user' : 'root', plan.baseDir, plan.workDir, ...ops, '--', ...plan.argv],
      };
    case 'unshare':
      return {
        file: mode.file,
        args: [
          ...unshareFlags(mode.user),
          '/bin/sh',
          '-c',
          PRELUDE,
          'argo-ns',
          mode.mount,
          plan.baseDir,
          plan.workDir,
          ...ops,
          '--',
          ...plan.argv,
        ],
      };
  }
}

function bindOp(mode: IsolationMode, b: Bind): string {
  if (b.make && mode.kind === 'helper') return 't';
  return b.readOnly ? 'r' : 'b';
}

/** The helper's ops for the overlay root and the hidden folders, which come before the binds. */
function privateRootOps(mode: Extract<IsolationMode, { kind: 'helper' }>, plan: LaunchPlan): string[] {
  if (!mode.overlay || !plan.rootLayer) return [];
  const ops = ['o', plan.rootLayer, '/'];
  for (const h of plan.hide ?? []) {
    ops.push('h', '-', h.path);
    for (const e of h.expose) ops.push('e', e, e);
  }
  return ops;
}

function unshareFlags(user: boolean): string[] {
  return user
    ? ['--user', '--map-root-user', '--mount', '--propagation', 'private']
    : ['--mount', '--propagation', 'private'];
}

/** The helper's protocol in sh: $1 mount(8), $2 base dir, $3 work dir, then OP SOURCE TARGET triples, --, the command. */
const PRELUDE = [
  'm=$1; cd "$2" || exit 125; w=$3; shift 3',
  'while [ "$1" != -- ]; do',
  '  "$m" --rbind "$2" "$3" || exit 125',
  '  if [ "$1" = r ]; then "$m" -o remount,bind,ro "$3" || exit 125; fi',
  '  shift 3',
  'done',
  'shift; cd "$w" || exit 125',
  'exec "$@"',
].join('\n');

const execFileAsync = promisify(execFile);
const detected = new Map<string, Promise<IsolationMode>>();

/**
 * The best mode that works here, tried once per process (and helper folder). `scratch` is a
 * folder of the argo home for probes and the compiled helper.
 */
export function detectIsolation(
  scratch: string,
  preference: IsolationPreference = 'auto',
): Promise<IsolationMode> {
  const key = `${preference}\u0000${scratch}`;
  let found = detected.get(key);
  if (!found) {
    found = probeModes(scratch, preference);
    detected.set(key, found);
  }
  return found;
}

async function probeModes(scratch: string, preference: IsolationPreference): Promise<IsolationMode> {
  if (preference === 'none' || process.platform !== 'linux') return { kind: 'none' };
  const wants = (kind: 'helper' | 'unshare', user: boolean): boolean =>
    preference === 'auto' ? user || process.getuid?.() === 0 : preference === (user ? `${kind}-user` : kind);
  const candidates: IsolationMode[] = [];
  if (wants('helper', false) || wants('helper', true)) {
    const file = await buildNamespaceHelper(path.join(scratch, 'bin'));
    if (file)
      for (const user of [false, true])
        if (wants('helper', user)) candidates.push({ kind: 'helper', file, user, overlay: false });
  }
  const unshare = which('unshare');
  const mount = which('mount');
  if (unshare && mount) {
    for (const user of [false, true])
      if (wants('unshare', user)) candidates.push({ kind: 'unshare', file: unshare, mount, user });
  }
  for (const mode of candidates) {
    if (!(await bindWorks(scratch, mode))) continue;
    if (mode.kind !== 'helper' || mode.user) return mode;
    const overlay = await overlayWorks(scratch, mode);
    if (!overlay)
      console.error(
        'host runtime: overlayfs over / is not available here; containers share the host files outside their volumes and /tmp',
      );
    return { ...mode, overlay };
  }
  return { kind: 'none' };
}

/**
 * Writes a file at `/<probe name>` in an overlay root: true only if it lands in the upper layer
 * and not on the host.
 */
async function overlayWorks(scratch: string, mode: IsolationMode): Promise<boolean> {
  const dir = mkdtempSync(path.join(scratch, 'probe-'));
  const name = `/.${path.basename(dir)}`;
  try {
    const { file, args } = launchCommand({ ...mode, overlay: true } as IsolationMode, {
      baseDir: dir,
      workDir: '/',
      binds: [],
      rootLayer: 'layer',
      argv: ['/bin/sh', '-c', ': > "$1"', 'sh', name],
    });
    await execFileAsync(file, args, { timeout: 10_000 });
    return existsSync(path.join(dir, 'layer', 'upper', name)) && !existsSync(name);
  } catch {
    return false;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs `test -f TARGET/probe` with a folder holding `probe` bound on TARGET: true only if binding really works. */
async function bindWorks(scratch: string, mode: IsolationMode): Promise<boolean> {
  mkdirSync(scratch, { recursive: true });
  const dir = mkdtempSync(path.join(scratch, 'probe-'));
  try {
    mkdirSync(path.join(dir, 'source'));
    mkdirSync(path.join(dir, 'target'));
    writeFileSync(path.join(dir, 'source', 'probe'), '');
    const target = path.join(dir, 'target');
    const { file, args } = launchCommand(mode, {
      baseDir: dir,
      workDir: '.',
      binds: [{ source: 'source', target, readOnly: true }],
      argv: ['/bin/sh', '-c', 'test -f "$1/probe"', 'sh', target],
    });
    await execFileAsync(file, args, { timeout: 10_000 });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function which(name: string): string | undefined {
  return findExecutable(name, `${process.env.PATH ?? ''}:/usr/sbin:/sbin:/usr/bin:/bin`);
}
