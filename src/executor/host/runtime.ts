// The host runtime: plays the kubelet for pods on this machine, and argoexec too for pods of the
// host layout (pod-run.ts); pods whose init and wait containers run argoexec themselves are only
// run (kubelet-run.ts). It watches Pods in every namespace, runs each new one as host processes,
// kills a pod's processes when the pod is deleted, and after a crash takes over pods a dead
// runtime left running: where containers run under their shims it adopts them as they are
// (adoption.ts decides), otherwise it kills what is left and runs the pod again.
import { mkdirSync, symlinkSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { KubeObject } from '../../model/meta.js';
import type { Pod } from '../../model/pod.js';
import { Informer, objectKey, runWorkers, WorkQueue } from '../../store/informer/index.js';
import type { ResourceStore, WatchEvent } from '../../store/types.js';
import { builtinsDir } from './command.js';
import { findExecutable } from './executables.js';
import { detectIsolation, type IsolationMode, type IsolationPreference } from './isolation.js';
import { ProcessLauncher } from './launcher.js';
import { MountPoints } from './mount-points.js';
import { claimOwnerIdentity, killGroups, ownerState, type Owner } from './owner.js';
import { adoptionOf, sweepJournals } from './adoption.js';
import { compileShim } from './shim.js';
import { ArgoexecSupport, isArgoexecLayout } from './argoexec-layout.js';
import { KubeletRun, type KubeletContext } from './kubelet-run.js';
import { execKill, type ContainerExecOutcome } from './container-exec.js';
import { PodRun } from './pod-run.js';
import { ANNOTATION_HOST_OWNER, ANNOTATION_HOST_PGID } from './status-writer.js';
import { TASK_RESULT_BACKOFF } from './task-result.js';
import { claimFolder } from './volumes.js';
import type { Backoff } from '../transient-retry.js';
import { traceStep } from '../../step-trace.js';

export interface HostRuntimeOptions {
  /** The argo home: pod folders go to <home>/pods, logs to <home>/logs. */
  home: string;
  /** How containers are isolated; 'auto' picks the best that works here. */
  isolation?: IsolationPreference;
  /** Grace period between SIGTERM and SIGKILL when a pod names none. Default 10. */
  gracePeriodSeconds?: number;
  /** Keep each pod's working folder after it finishes (for debugging). */
  keepPodDirs?: boolean;
  /**
   * How long a pod runs before its Pending/Running status is written; quicker pods go straight
   * to Succeeded or Failed. Default 100.
   */
  reportAfterMs?: number;
  /** How a task result the store refuses for a passing reason is tried again; default TASK_RESULT_BACKOFF. */
  taskResultBackoff?: Partial<Backoff>;
  /** Host environment variables containers inherit besides the usual few (PATH, HOME, locale, ...). */
  inheritEnv?: string[];
  /**
   * Start containers through the argo-launch helper (default true where it can be built), so
   * the runtime's process never forks; false spawns each container from Node.
   */
  launcher?: boolean;
  /**
   * On stop(), let running pods go instead of killing them: they run on under their shims and
   * the next runtime adopts them (what an engine handing over to another does). Default false.
   */
  detachOnStop?: boolean;
  /** Where runtime errors that concern no caller go. Default: console.error. */
  onError?: (err: unknown, where: string) => void;
  /**
   * The kubeconfig through which pods of the argoexec layout (whose init and wait containers run
   * argoexec) reach the Kubernetes API; each such pod gets a copy naming its namespace as KUBECONFIG.
   */
  kubeconfig?: string;
}

/** Host variables a container starts with; everything else about the host stays out. */
const INHERITED = ['HOME', 'USER', 'LOGNAME', 'LANG', 'LANGUAGE', 'TZ', 'TERM'];
const INHERITED_PREFIXES = ['LC_', 'PYENV_'];
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

type Run = PodRun | KubeletRun;

export class HostRuntime {
  private readonly runs = new Map<string, Run>();
  /** Pod uids this runtime has taken on and not finished, so repeated events never start a pod twice. */
  private readonly taken = new Set<string>();
  private ctx: KubeletContext | undefined;
  private owner: Owner | undefined;
  private pods: Informer<Pod> | undefined;
  /** Keys of pods whose events are yet to be handled (see watchPods). */
  private readonly podQueue = new WorkQueue();
  /** Pods the informer saw deleted, by key, until their key is worked on. */
  private readonly tombstones = new Map<string, Pod>();
  private podWorkers: Promise<void> | undefined;
  private claims: Informer<KubeObject> | undefined;
  private starting: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly store: ResourceStore,
    private readonly opts: HostRuntimeOptions,
  ) {}

  /** The isolation in use, once started. */
  get isolation(): IsolationMode | undefined {
    return this.ctx?.isolation;
  }

  start(): Promise<void> {
    this.starting ??= this.init();
    return this.starting;
  }

  /**
   * Stops watching and kills every pod this runtime runs (or, with detachOnStop, lets them run on
   * for the next runtime to adopt); their status is left for the next runtime.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.starting?.catch(() => undefined);
    this.pods?.stop();
    this.claims?.stop();
    await this.podQueue.shutDown();
    await this.podWorkers;
    const detach = this.opts.detachOnStop === true && this.ctx?.shim !== undefined;
    const runs = [...this.runs.values()];
    if (detach) {
      const released = Promise.all(runs.map((r) => r.detach()));
      // What the launcher still waits on ends with it, unsignalled.
      this.ctx?.launcher?.release();
      await released;
    } else {
      await Promise.all(runs.map((r) => r.stop('stopped')));
      this.ctx?.launcher?.stop();
    }
    this.ctx?.mountPoints.removeUnused();
    this.owner?.release();
  }

  /**
   * pods/exec of a command in a container of a pod this runtime runs: only a signal to the
   * container's entrypoint is served (container-exec.ts says why); rejects otherwise.
   */
  async exec(
    namespace: string,
    pod: string,
    container: string,
    command: string[],
  ): Promise<ContainerExecOutcome> {
    await this.starting;
    const run = this.runs.get(`${namespace}/${pod}`);
    return execKill(
      command,
      (sig) => run?.signalContainer(container, sig) ?? false,
      `${namespace}/${pod}/${container}`,
    );
  }

  /** Resolves once no pod is running (pods created meanwhile are waited for too). */
  async idle(): Promise<void> {
    // Pods seen and not yet handled are as good as running.
    while (this.runs.size > 0 || !this.podQueue.isIdle) {
      await this.podQueue.idle();
      await Promise.all([...this.runs.values()].map((r) => r.done));
    }
  }

  // -------------------------------------------------------------------------------------------

  private async init(): Promise<void> {
    const hostDir = path.join(this.opts.home, 'host');
    const [isolation, launcher, shim] = await Promise.all([
      detectIsolation(hostDir, this.opts.isolation ?? 'auto'),
      this.opts.launcher === false ? undefined : ProcessLauncher.start(path.join(hostDir, 'bin')),
      compileShim(path.join(hostDir, 'bin')),
    ]);
    // A system or store error (it has a code: ENOSPC, 500) is one line; anything else keeps its stack.
    const onError =
      this.opts.onError ??
      ((err, where) =>
        (err as { code?: unknown }).code !== undefined
          ? console.error(`host runtime: ${where}: ${(err as Error).message}`)
          : console.error(`host runtime: ${where}:`, err));
    // What runs of pods that are gone is killed before anything else; pods left to adopt keep theirs.
    const adoptable = await sweepJournals(this.store, this.opts.home, onError);
    const mountPoints = new MountPoints(path.join(hostDir, 'mount-points.json'));
    // Mount points adopted containers still sit on stay (a later start removes them once unused).
    if (!adoptable) mountPoints.removeUnused();
    this.owner = claimOwnerIdentity();
    this.ctx = {
      store: this.store,
      home: this.opts.home,
      isolation,
      launcher,
      shim,
      mountPoints,
      baseEnv: baseEnv(path.join(hostDir, 'shims'), this.opts.inheritEnv ?? []),
      aliases: hostAliases(path.join(hostDir, 'shims')),
      defaultGraceMs: (this.opts.gracePeriodSeconds ?? 10) * 1000,
      owner: this.owner.identity,
      keepPodDirs: this.opts.keepPodDirs ?? false,
      reportAfterMs: this.opts.reportAfterMs ?? 100,
      taskResultBackoff: { ...TASK_RESULT_BACKOFF, ...this.opts.taskResultBackoff },
      onError,
      argoexec: new ArgoexecSupport(this.opts.home, this.opts.kubeconfig),
    };
    if (!this.stopped) {
      await this.watchPods();
      await this.watchClaims();
    }
  }

  /**
   * A deleted claim takes the folder standing in for its volume with it, as a dynamic volume goes.
   * Through an informer, so a claim deleted while its watch was down is still seen on the re-list.
   */
  private async watchClaims(): Promise<void> {
    this.claims = this.informer<KubeObject>('PersistentVolumeClaim');
    this.claims.addHandler({
      onDelete: (claim) => {
        const { namespace, name } = claim.metadata;
        void rm(claimFolder(this.opts.home, namespace ?? '', name ?? ''), {
          recursive: true,
          force: true,
        }).catch((err: unknown) =>
          this.ctx!.onError(err, `removing the volume of claim ${namespace ?? ''}/${name ?? ''}`),
        );
      },
    });
    await this.claims.start();
  }

  /**
   * Pods through an informer: after a watch ends (410 Expired, a dropped connection) it lists again,
   * so a pod deleted meanwhile is still stopped; pods already taken on are recognised by uid.
   * Its events go through the work queue as the controllers' do: a burst of changes to one pod
   * (its own status writes) is handled once, from the newest state the cache holds, and a key is
   * never handled twice at once. A deleted pod's last state is kept until its key is handled.
   */
  private async watchPods(): Promise<void> {
    this.pods = this.informer<Pod>('Pod');
    const cache = this.pods.cache;
    this.pods.addHandler({
      onAdd: (pod) => this.podQueue.add(objectKey(pod)),
      onUpdate: (_old, pod) => this.podQueue.add(objectKey(pod)),
      onDelete: (pod) => {
        this.tombstones.set(objectKey(pod), pod);
        this.podQueue.add(objectKey(pod));
      },
    });
    // One worker: handling a key only decides and starts work (runs go on by themselves), and keeps
    // the order in which pods were first seen.
    this.podWorkers = runWorkers(
      this.podQueue,
      1,
      (key) => {
        const gone = this.tombstones.get(key);
        this.tombstones.delete(key);
        const pod = cache.get(key);
        if (gone && gone.metadata.uid !== pod?.metadata.uid) this.onPod({ type: 'DELETED', object: gone });
        if (pod) this.onPod({ type: 'MODIFIED', object: pod });
        this.podQueue.forget(key);
        return Promise.resolve();
      },
      (err, key) => {
        this.ctx!.onError(err, `handling pod ${key}`);
        this.podQueue.addRateLimited(key);
      },
    );
    await this.pods.start();
  }

  private informer<T extends KubeObject>(kind: 'Pod' | 'PersistentVolumeClaim'): Informer<T> {
    return new Informer<T>({
      store: this.store,
      kind,
      log: (msg) => this.ctx!.onError(new Error(msg), `watching ${kind}`),
    });
  }

  private onPod(event: WatchEvent<Pod>): void {
    if (this.stopped) return;
    const pod = event.object;
    traceStep(['runtime sees', event.type, pod.status?.phase].filter(Boolean).join(' '), pod.metadata.name);
    const key = `${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}`;
    const uid = pod.metadata.uid ?? '';
    const run = this.runs.get(key);
    if (event.type === 'DELETED') {
      if (run?.uid === uid) void run.stop('deleted');
      this.taken.delete(uid);
      return;
    }
    if (pod.metadata.deletionTimestamp) {
      // Deleted but held by finalizers: stop it, and say so in its status (unless never started).
      if (run?.uid === uid) run.terminate();
      // Started by a runtime that died: adopted to be stopped the same way.
      else if (!this.taken.has(uid) && adoptionOf(this.ctx!, pod) === 'adopt') {
        this.taken.add(uid);
        void this.adopt(pod, true);
      }
      return;
    }
    if (this.taken.has(uid)) return;
    if (run) {
      // Same name, new pod: the old one's processes go first.
      void run.stop('deleted').then(() => this.onPod(event));
      return;
    }
    const phase = pod.status?.phase;
    const adoption = adoptionOf(this.ctx!, pod);
    if (adoption === 'adopt') {
      this.taken.add(uid);
      void this.adopt(pod, false);
      return;
    }
    if (adoption === 'owned') return;
    const owner = pod.metadata.annotations?.[ANNOTATION_HOST_OWNER];
    if (!owner) {
      if (!phase || phase === 'Pending') this.run(pod);
      return;
    }
    if (owner === this.ctx!.owner || (phase !== 'Pending' && phase !== 'Running')) return;
    const state = ownerState(owner);
    if (state.alive) return;
    this.taken.add(uid);
    void this.takeOver(pod, state.rebooted);
  }

  /**
   * A pod a runtime that died had started, whose containers run (or ran) under their shims: run
   * on from where they are, not started again; pods of either layout alike (a kubelet crash does
   * not rerun a pod's containers either). `terminate`: it is being deleted, stop it.
   */
  private async adopt(pod: Pod, terminate: boolean): Promise<void> {
    if (!(await this.claim(pod))) return;
    if (this.stopped) return;
    const run = this.run(pod, true);
    if (terminate) run.terminate();
  }

  /** Claims a pod for this runtime, at the version seen: of two runtimes claiming it, one gets a conflict. */
  private async claim(pod: Pod): Promise<boolean> {
    try {
      const claim = {
        metadata: {
          resourceVersion: pod.metadata.resourceVersion,
          annotations: { [ANNOTATION_HOST_OWNER]: this.ctx!.owner },
        },
      };
      await this.store.patch('Pod', pod.metadata.namespace ?? '', pod.metadata.name ?? '', claim);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * A pod left running by a runtime that died: kill what is left of it and run it from scratch.
   * The groups in its annotation go here; those recorded in its folder when the pod run starts.
   */
  private async takeOver(pod: Pod, rebooted: boolean): Promise<void> {
    if (!(await this.claim(pod))) return;
    if (!rebooted)
      await killGroups((pod.metadata.annotations?.[ANNOTATION_HOST_PGID] ?? '').split(',').map(Number));
    if (!this.stopped) this.run(pod);
  }

  private run(pod: Pod, adopt = false): Run {
    const key = `${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}`;
    this.taken.add(pod.metadata.uid ?? '');
    // A pod that brings its own executor is only run; any other gets ours in-process.
    const run = isArgoexecLayout(pod)
      ? new KubeletRun(this.ctx!, pod, adopt)
      : new PodRun(this.ctx!, pod, adopt);
    this.runs.set(key, run);
    void run.done.finally(() => {
      if (this.runs.get(key) === run) this.runs.delete(key);
      // Its status now says it is done (or it is gone), which later events show: no need to remember it.
      this.taken.delete(run.uid);
    });
    return run;
  }
}

function baseEnv(shimDir: string, extra: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined) continue;
    if (
      INHERITED.includes(name) ||
      extra.includes(name) ||
      INHERITED_PREFIXES.some((p) => name.startsWith(p))
    )
      env[name] = value;
  }
  env.PATH = [builtinsDir(), hostPath(), shimDir].join(':');
  return env;
}

function hostPath(): string {
  return process.env.PATH || DEFAULT_PATH;
}

/**
 * Images call `python` where hosts often only have python3. A command of a container is mapped
 * directly; for scripts that call it, a link in a folder at the end of PATH stands in.
 */
function hostAliases(shimDir: string): Record<string, string> {
  const aliases: Record<string, string> = {};
  const python3 = findExecutable('python3', hostPath());
  if (python3 && !findExecutable('python', hostPath())) {
    aliases.python = python3;
    mkdirSync(shimDir, { recursive: true });
    try {
      symlinkSync(python3, path.join(shimDir, 'python'));
    } catch {
      // Already there from an earlier start.
    }
  }
  return aliases;
}
