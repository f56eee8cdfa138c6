// Pods of upstream's legacy layout (argoexec init, wait and emissary in the pod) on the host: how
// the runtime recognises them, and what the executor image and a cluster would give their
// containers that the host has to provide itself, all shown at /run/argo-ts in each container:
// an `argoexec` command (the image's entrypoint) that is this package's CLI run by this Node,
// access to the Kubernetes API with the pod's namespace, and the argo home's embedded artifact
// repository, which argoexec uses as ARGO_HOME.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { localArtifactRoot } from '../../artifacts/index.js';
import type { Container } from '../../model/meta.js';
import type { Pod } from '../../model/pod.js';
import type { Template } from '../../model/template.js';
// The CLI whose `argoexec` command the pods' `argoexec` runs.
import { CLI_LAUNCHER as CLI } from '../../package-files.js';
import { INIT_CONTAINER_NAME, MAIN_CONTAINER_NAME, WAIT_CONTAINER_NAME } from '../pod-contract.js';
import { BUILTINS_DIR, standInName } from './command.js';
import { findExecutable } from './executables.js';
import { imageDefaults } from './image-defaults.js';
import type { Bind } from './isolation.js';
import type { ResolvedMount } from './volumes.js';

export const NEEDS_ISOLATION_MESSAGE =
  'this pod runs argoexec in its init and wait containers (the argoexec pod layout), which needs ' +
  'mount isolation to give each container its volumes at /var/run/argo and the other paths of the pod; ' +
  'the host runtime has none here (it needs Linux mount namespaces: the argo-ns helper, or unshare and mount)';

function runsArgoexec(c: Container | undefined, command: string): boolean {
  const argv = c?.command ?? [];
  return path.posix.basename(argv[0] ?? '') === 'argoexec' && argv[1] === command;
}

/** Whether the pod's init or wait container runs argoexec, so the pod needs no executor from us. */
export function isArgoexecLayout(pod: Pod): boolean {
  const init = pod.spec.initContainers?.find((c) => c.name === INIT_CONTAINER_NAME);
  const wait = pod.spec.containers.find((c) => c.name === WAIT_CONTAINER_NAME);
  return runsArgoexec(init, 'init') || runsArgoexec(wait, 'wait');
}

/** The containers whose end ends the step: a containerSet's, else main. */
export function layoutMainNames(tmpl: Template | undefined): Set<string> {
  if (tmpl?.containerSet) return new Set(tmpl.containerSet.containers.map((c) => c.name));
  return new Set([MAIN_CONTAINER_NAME]);
}

/** Where every container of such a pod finds what the executor needs from the host. */
export const EXECUTOR_VIEW = '/run/argo-ts';
const VIEW_FOLDER = 'argo-ts';

/** The executor's view for one pod: made once, mounted in each of its containers. */
export interface ExecutorView {
  /**
   * Host paths bound into the pod's view folder first thing in each container, before any of
   * its volumes can hide them (a volume at /work hides a package installed in /work/...).
   */
  binds: Bind[];
  /** The view folder at EXECUTOR_VIEW; the source is inside the pod folder, which nothing hides. */
  mount: ResolvedMount;
  /** The variables every container of the pod starts with. */
  env: Record<string, string>;
  /** What `argoexec` is in the pod's containers. */
  launcher: string;
  /** Where the containers find our stand-ins for test images' programs (argosay). */
  standIns: string;
}

/**
 * The binds of a container of the pod, in order. Without a private root, the view's pieces are
 * bound into the pod's view folder first, before a volume can hide their sources, and the folder
 * then shows at EXECUTOR_VIEW. With one (an overlay root), a bind's target is inside the container's
 * root while its source is read from the host, which no bind changes: the pieces are bound straight
 * to their place under EXECUTOR_VIEW, after the folder is (into the host's folder they would not show).
 */
export function containerBinds(view: ExecutorView | undefined, fsBinds: Bind[], overlay: boolean): Bind[] {
  if (!view) return fsBinds;
  if (!overlay) return [...view.binds, ...fsBinds];
  const folder = view.mount.source;
  const inside = view.binds.map((b) => ({
    ...b,
    target: path.posix.join(EXECUTOR_VIEW, path.relative(folder, b.target)),
  }));
  return [...fsBinds, ...inside];
}

/**
 * The images are not there, so the program the emissary runs stands in for the image's as the host
 * layout's does: our argosay for /argosay, bash for the busybox sh of images whose scripts need it.
 */
export function emulateImage(
  argv: string[],
  image: string | undefined,
  view: ExecutorView,
  env: Record<string, string>,
): string[] {
  const at = argv[1] === 'emissary' ? argv.indexOf('--') + 1 : 0;
  if (at <= 0 || at >= argv.length) return argv;
  const program = argv[at];
  let replacement: string | undefined;
  const standIn = standInName(program);
  if (standIn) replacement = `${view.standIns}/${standIn}`;
  else if ((program === 'sh' || program === '/bin/sh') && imageDefaults(image).ashShell)
    replacement = findExecutable('bash', env.PATH ?? '');
  return replacement ? [...argv.slice(0, at), replacement, ...argv.slice(at + 1)] : argv;
}

export class ArgoexecSupport {
  constructor(
    private readonly home: string,
    private readonly kubeconfig: string | undefined,
  ) {}

  /**
   * Lays out <podDir>/argo-ts: the `argoexec` launcher, the kubeconfig (a copy whose context names
   * the pod's namespace, as a pod's in-cluster configuration does), and mount points for Node,
   * this package and the argo home's artifact repository.
   */
  async prepare(podDir: string, namespace: string, base: Record<string, string>): Promise<ExecutorView> {
    const dir = path.join(podDir, VIEW_FOLDER);
    const pkg = packageSource();
    const artifacts = localArtifactRoot(this.home);
    await Promise.all(
      [path.join(dir, 'bin'), path.join(dir, pkg.name), path.join(dir, 'home', 'artifacts'), artifacts].map(
        (d) => mkdir(d, { recursive: true }),
      ),
    );
    const launcher = `${EXECUTOR_VIEW}/bin/argoexec`;
    const script = `#!/bin/sh\nexec ${EXECUTOR_VIEW}/node ${EXECUTOR_VIEW}/${pkg.cli} argoexec "$@"\n`;
    await Promise.all([
      replaceFile(path.join(dir, 'bin', 'argoexec'), script, 0o755),
      writeFile(path.join(dir, 'node'), ''),
    ]);
    const env: Record<string, string> = {
      ...base,
      PATH: `${EXECUTOR_VIEW}/bin:${base.PATH ?? ''}`,
      ARGO_HOME: `${EXECUTOR_VIEW}/home`,
    };
    if (this.kubeconfig) {
      await this.writeKubeconfig(path.join(dir, 'kubeconfig'), namespace);
      env.KUBECONFIG = `${EXECUTOR_VIEW}/kubeconfig`;
    }
    return {
      binds: [
        { source: process.execPath, target: path.join(dir, 'node'), readOnly: true },
        { source: pkg.source, target: path.join(dir, pkg.name), readOnly: true },
        { source: artifacts, target: path.join(dir, 'home', 'artifacts'), readOnly: false },
      ],
      mount: { mountPath: EXECUTOR_VIEW, source: dir, kind: 'dir', readOnly: false },
      env,
      launcher,
      standIns: `${EXECUTOR_VIEW}/${pkg.name}/${path.relative(pkg.source, BUILTINS_DIR)}`,
    };
  }

  private async writeKubeconfig(file: string, namespace: string): Promise<void> {
    const config = parse(await readFile(this.kubeconfig!, 'utf8')) as KubeconfigFile | null;
    const current = config?.['current-context'];
    const context = config?.contexts?.find((c) => c.name === current)?.context;
    if (context) context.namespace = namespace;
    // The copy lives elsewhere: files it names relative to the original must still be found.
    const dir = path.dirname(path.resolve(this.kubeconfig!));
    const absolute = (o: Record<string, unknown> | undefined, keys: string[]) => {
      for (const k of keys)
        if (o && typeof o[k] === 'string' && o[k] && !path.isAbsolute(o[k])) o[k] = path.join(dir, o[k]);
    };
    for (const c of config?.clusters ?? []) absolute(c.cluster, ['certificate-authority']);
    for (const u of config?.users ?? []) absolute(u.user, ['client-certificate', 'client-key', 'tokenFile']);
    // Readable by any user, as the kubelet projects a service account's token (defaultMode 0644).
    await replaceFile(file, stringify(config ?? {}), 0o644);
  }
}

/**
 * Writes `text` to `file` whole or not at all: a pod being adopted is laid out again while its
 * containers may be starting the launcher or reading the kubeconfig, and they must never see the
 * file cut short.
 */
async function replaceFile(file: string, text: string, mode: number): Promise<void> {
  const partial = `${file}.partial`;
  await writeFile(partial, text, { mode });
  await rename(partial, file);
}

/**
 * This package as the view shows it. Installed under node_modules, its dependencies may sit
 * beside it (npm hoists them), so the whole node_modules folder is shown, as Node finds them there.
 */
function packageSource(): { source: string; name: string; cli: string } {
  const root = path.resolve(CLI, '../..');
  let modules = path.dirname(root);
  if (path.basename(modules).startsWith('@')) modules = path.dirname(modules);
  if (path.basename(modules) === 'node_modules')
    return { source: modules, name: 'node_modules', cli: `node_modules/${path.relative(modules, CLI)}` };
  return { source: root, name: 'pkg', cli: `pkg/${path.relative(root, CLI)}` };
}

interface KubeconfigFile {
  'current-context'?: string;
  contexts?: { name: string; context?: { namespace?: string } }[];
  clusters?: { cluster?: Record<string, unknown> }[];
  users?: { user?: Record<string, unknown> }[];
}
