// What every runner of a pod on the host does as a kubelet would, whoever does argoexec's work:
// the containers' slots, stopping (the pod stopped, deleted, or out of its activeDeadlineSeconds),
// progress reports once the pod has run a while, the final status, and clean-up. PodRun (which
// also plays argoexec) and KubeletRun (pods whose own containers do that) add how containers run.
import { writeFile } from 'node:fs/promises';
import type { Container } from '../../model/meta.js';
import type { ContainerStatus, Pod, PodStatus } from '../../model/pod.js';
import type { ResourceStore } from '../../store/types.js';
import { rfc3339 } from '../../workflow/phase.js';
import { containerLogDonePath, podDir, podLogDir } from '../paths.js';
import type { CommandError } from './command.js';
import type { ContainerFs } from './container-fs.js';
import { ContainerProcess } from './container-process.js';
import { execProblem } from './exec-check.js';
import { waitingStatus, type Termination } from './container-status.js';
import { launchCommand, type Bind, type IsolationMode } from './isolation.js';
import type { ProcessLauncher } from './launcher.js';
import type { LineLog } from './line-log.js';
import type { MountPoints } from './mount-points.js';
import { freshFolder, removeFolder } from './pod-folders.js';
import { StatusWriter } from './status-writer.js';

export interface HostContext {
  store: ResourceStore;
  home: string;
  isolation: IsolationMode;
  /** Starts containers without forking this process; absent where it cannot run. */
  launcher?: ProcessLauncher;
  mountPoints: MountPoints;
  /** The environment every container starts from (PATH, HOME, locale, ...). */
  baseEnv: Record<string, string>;
  /** Commands the host lacks and what runs in their place (see CommandInput.aliases). */
  aliases: Record<string, string>;
  defaultGraceMs: number;
  /** This runtime's identity, written on the pods it runs. */
  owner: string;
  keepPodDirs: boolean;
  /**
   * A pod's Pending/Running status is written once it has run this long; a pod done sooner goes
   * straight to its final status. Saves a status write (and a controller pass) per quick pod;
   * the kubelet, too, reports status changes some time after they happen.
   */
  reportAfterMs: number;
  onError(err: unknown, where: string): void;
}

export type StopReason = 'deleted' | 'stopped';

/** One container of the pod (an init container, or one of its containers) and how it went. */
export interface HostSlot<R extends string = string> {
  spec: Container;
  name: string;
  role: R | 'init';
  argv?: string[];
  env?: Record<string, string>;
  fs?: ContainerFs;
  /** The container's log, where the runner keeps it open for the slot's life. */
  log?: LineLog;
  /** Set when the container cannot start (unknown command): it terminates with this at once. */
  startError?: CommandError;
  proc?: ContainerProcess;
  startedAt?: string;
  termination?: Termination;
}

export function hostSlot<R extends string>(spec: Container, role: R | 'init'): HostSlot<R> {
  return { spec, name: spec.name ?? '', role };
}

const DEADLINE_MESSAGE = 'Pod was active on the node longer than the specified deadline';

export abstract class HostPodRun<S extends HostSlot, C extends HostContext = HostContext> {
  readonly uid: string;
  abstract readonly done: Promise<void>;
  protected readonly ns: string;
  protected readonly name: string;
  protected readonly dir: string;
  protected readonly logDir: string;
  protected stopReason: StopReason | undefined;
  protected deadlineExceeded = false;
  protected terminating = false;
  protected readonly timers: NodeJS.Timeout[] = [];
  protected startMs = 0;
  protected startTime = '';
  /** Written from the pod's start on (see begin()). */
  protected status!: StatusWriter;
  /** What the pod is doing, for the status reported while it runs. */
  private progress: 'initializing' | 'running' | undefined;
  /** Set once the pod has run long enough for its progress to be reported (see HostContext.reportAfterMs). */
  protected reporting = false;
  private readonly markers: Promise<unknown>[] = [];

  constructor(
    protected readonly ctx: C,
    protected readonly pod: Pod,
    protected readonly slots: S[],
    protected readonly graceMs: number,
  ) {
    this.uid = pod.metadata.uid ?? '';
    this.ns = pod.metadata.namespace ?? '';
    this.name = pod.metadata.name ?? '';
    this.dir = podDir(ctx.home, this.ns, this.name);
    this.logDir = podLogDir(ctx.home, this.ns, this.name);
  }

  /** Kills the pod's processes; nothing more is written to the store for it. */
  stop(reason: StopReason): Promise<void> {
    this.stopReason ??= reason;
    this.killAll();
    return this.done;
  }

  /**
   * The pod is being deleted (deletionTimestamp set, finalizers holding it): its containers are
   * stopped and, as the kubelet does, their end is still reported, outputs included.
   */
  terminate(): void {
    if (this.terminating) return;
    this.terminating = true;
    this.killAll();
  }

  /** Runs the pod (for the subclass's constructor, once it is set up): what becomes `done`. */
  protected begin(): Promise<void> {
    return this.run().catch((err) => this.crashed(err));
  }

  /** The pod's own work, between its folders being made and its clean-up. */
  protected abstract runPod(): Promise<void>;

  /** A container's status; one not started yet is waiting for `waitingReason`. */
  protected abstract statusOf(s: S, waitingReason: string): ContainerStatus;

  /** The status reported while the pod's containers run. */
  protected abstract runningPodStatus(): PodStatus;

  private async run(): Promise<void> {
    this.startMs = Date.now();
    this.startTime = rfc3339(new Date(this.startMs));
    this.status = new StatusWriter({
      store: this.ctx.store,
      pod: this.pod,
      owner: this.ctx.owner,
      startTime: this.startTime,
      stopped: () => this.stopReason !== undefined,
      onGone: () => (this.stopReason ??= 'deleted'),
      onError: this.ctx.onError,
    });
    await Promise.all([freshFolder(this.dir), freshFolder(this.logDir)]);
    try {
      await this.runPod();
    } finally {
      await this.cleanUp();
    }
  }

  /** The pod's deadline and its first progress report, both counted from its start. */
  protected startClocks(): void {
    this.armDeadline();
    this.timers.push(setTimeout(() => this.startReporting(), this.ctx.reportAfterMs));
  }

  /** Why the slot's container cannot start (unknown or non-executable program), if it cannot. */
  protected startProblem(s: S, binds: Bind[]): CommandError | undefined {
    if (s.startError || !s.argv) return s.startError;
    return execProblem(s.argv[0], this.ctx.isolation.kind === 'none' ? undefined : binds, this.dir);
  }

  /**
   * Starts the container's command (resolved: `argv` set) in its file system, isolated as the
   * runtime is, with `binds` on top of the pod's folder; the process becomes the slot's.
   */
  protected spawn(s: S, log: LineLog, binds: Bind[], captureStdout: number): ContainerProcess {
    const launch = launchCommand(this.ctx.isolation, {
      baseDir: this.dir,
      workDir: s.fs!.workDir,
      binds,
      argv: s.argv!,
    });
    const proc = new ContainerProcess({
      file: launch.file,
      args: launch.args,
      cwd: launch.cwd,
      env: s.env!,
      log,
      captureStdout,
      launcher: this.ctx.launcher,
    });
    s.proc = proc;
    return proc;
  }

  /** Terminates every running container (grace period, then SIGKILL). */
  protected killAll(): void {
    for (const s of this.slots) if (s.proc && !s.termination) void s.proc.terminate(this.graceMs);
  }

  /** activeDeadlineSeconds, counted from the pod's start as the kubelet does. */
  private armDeadline(): void {
    const seconds = this.pod.spec.activeDeadlineSeconds;
    if (seconds === undefined || seconds === null) return;
    const due = this.startMs + Number(seconds) * 1000;
    this.timers.push(
      setTimeout(
        () => {
          this.deadlineExceeded = true;
          this.killAll();
        },
        Math.max(0, due - Date.now()),
      ),
    );
  }

  // ---- status -------------------------------------------------------------------------------

  /**
   * Completes a final status: it fails if `failed` or out of time (then with the kubelet's reason
   * and message); no init container statuses where the pod has none.
   */
  protected finishStatus(status: PodStatus, failed: boolean): PodStatus {
    if (status.initContainerStatuses?.length === 0) delete status.initContainerStatuses;
    if (this.deadlineExceeded || failed) status.phase = 'Failed';
    if (this.deadlineExceeded) {
      status.reason = 'DeadlineExceeded';
      status.message = DEADLINE_MESSAGE;
    }
    return status;
  }

  protected setProgress(progress: 'initializing' | 'running'): void {
    this.progress = progress;
    this.report();
  }

  private startReporting(): void {
    this.reporting = true;
    this.report();
  }

  /** Writes the pod's progress (Pending while initializing, then Running) once reporting has started. */
  protected report(): void {
    if (!this.reporting || !this.progress) return;
    const status: PodStatus =
      this.progress === 'initializing'
        ? {
            phase: 'Pending',
            initContainerStatuses: this.inits().map((s) => this.statusOf(s, 'PodInitializing')),
            containerStatuses: this.regular().map((s) => waitingStatus(s.spec, 'PodInitializing')),
          }
        : this.runningPodStatus();
    this.status.progress(status, () =>
      this.slots.filter((s) => s.proc && s.proc.pgid > 0).map((s) => s.proc!.pgid),
    );
  }

  /** An unexpected failure of the runtime itself: the pod fails with a message that says so. */
  private async crashed(err: unknown): Promise<void> {
    this.ctx.onError(err, `pod ${this.ns}/${this.name}`);
    for (const s of this.slots) s.proc?.signal('SIGKILL');
    await this.status?.final({
      phase: 'Failed',
      message: `host runtime: ${(err as Error)?.message ?? String(err)}`,
    });
  }

  // ---- clean-up -----------------------------------------------------------------------------

  /** Tells log followers that the container's log is complete. */
  protected markLogDone(container: string): void {
    const file = containerLogDonePath(this.ctx.home, this.ns, this.name, container);
    this.markers.push(writeFile(file, '').catch(() => undefined));
  }

  private async cleanUp(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    for (const s of this.slots) {
      s.fs?.release();
      s.log?.close();
      if (!s.termination) this.markLogDone(s.name);
    }
    await Promise.all(this.markers);
    if (!this.ctx.keepPodDirs)
      await removeFolder(
        this.dir,
        this.slots.flatMap((s) => s.fs?.folders ?? []),
      );
  }

  // ---- helpers ------------------------------------------------------------------------------

  protected stopping(): boolean {
    return this.stopReason !== undefined || this.deadlineExceeded || this.terminating;
  }

  protected inits(): S[] {
    return this.slots.filter((s) => s.role === 'init');
  }

  protected regular(): S[] {
    return this.slots.filter((s) => s.role !== 'init');
  }
}
