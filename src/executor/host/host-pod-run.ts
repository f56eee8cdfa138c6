// What every runner of a pod on the host does as a kubelet would, whoever does argoexec's work:
// the containers' slots, stopping (the pod stopped, deleted, or out of its activeDeadlineSeconds),
// progress reports once the pod has run a while, the final status, and clean-up. PodRun (which
// also plays argoexec) and KubeletRun (pods whose own containers do that) add how containers run.
// With the shim, containers outlive this process: the run is journalled (run-journal.ts) so a
// later runtime can adopt it, and a runtime that stops may let its pods go (detach) instead of
// killing them.
import { chmodSync, mkdirSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Container } from '../../model/meta.js';
import type { ContainerStatus, Pod, PodStatus } from '../../model/pod.js';
import type { ResourceStore } from '../../store/types.js';
import { rfc3339 } from '../../workflow/phase.js';
import type { Backoff } from '../transient-retry.js';
import { containerLogDonePath, containerLogPath, podDir, podLogDir } from '../paths.js';
import type { CommandError } from './command.js';
import type { ContainerFs } from './container-fs.js';
import { ContainerProcess } from './container-process.js';
import { containerStdio } from './container-stdio.js';
import { execProblem } from './exec-check.js';
import { waitingStatus, type Termination } from './container-status.js';
import { launchCommand, type Bind, type IsolationMode } from './isolation.js';
import type { ProcessLauncher } from './launcher.js';
import type { LineLog } from './line-log.js';
import type { MountPoints } from './mount-points.js';
import { freshFolder, removeFolder } from './pod-folders.js';
import { RunJournal } from './run-journal.js';
import { shimStarted } from './shim.js';
import { StatusWriter } from './status-writer.js';
import { traceStep } from '../../step-trace.js';

export interface HostContext {
  store: ResourceStore;
  home: string;
  isolation: IsolationMode;
  /** Starts containers without forking this process; absent where it cannot run. */
  launcher?: ProcessLauncher;
  /** The per-container supervisor that lets containers outlive this process; absent where it cannot be built. */
  shim?: string;
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
  /** How a task result the store refuses is tried again (see task-result.ts). */
  taskResultBackoff: Backoff;
  onError(err: unknown, where: string): void;
}

/** The user and group the container runs as: its own securityContext over the pod's. */
function runAs(pod: Pod, c: Container): { uid?: number; gid?: number } | undefined {
  const id = (key: string): number | undefined => {
    const v =
      c.securityContext?.[key] ?? (pod.spec.securityContext as Record<string, unknown> | undefined)?.[key];
    return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined;
  };
  const uid = id('runAsUser');
  const gid = id('runAsGroup');
  return uid === undefined && gid === undefined ? undefined : { uid, gid };
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
/** The container log's line when securityContext.readOnlyRootFilesystem cannot be honoured. */
export const READ_ONLY_ROOT_UNSUPPORTED =
  'readOnlyRootFilesystem is not honoured: this host runs containers without a root of their own (an overlay needs the argo-ns helper as root)';

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
  /** Let go of, still running, for a later runtime to adopt (see detach()). */
  private detached = false;
  /** Where the run is recorded for a later runtime; only where containers can outlive us (a shim). */
  protected readonly journal: RunJournal | undefined;
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
    /** This run takes over a pod a runtime that died (or let go) had started: see adopted(). */
    protected readonly adopting = false,
  ) {
    this.uid = pod.metadata.uid ?? '';
    this.ns = pod.metadata.namespace ?? '';
    this.name = pod.metadata.name ?? '';
    this.dir = podDir(ctx.home, this.ns, this.name);
    this.logDir = podLogDir(ctx.home, this.ns, this.name);
    this.journal = ctx.shim ? new RunJournal(ctx.home, this.ns, this.name) : undefined;
  }

  /** Kills the pod's processes; nothing more is written to the store for it. */
  stop(reason: StopReason): Promise<void> {
    this.stopReason ??= reason;
    this.killAll();
    return this.done;
  }

  /**
   * Lets the pod go without stopping it (the runtime is stopping and another will adopt it): its
   * containers run on under their shims, nothing more is written for it, and its journal says no
   * runtime runs it. Where containers cannot outlive us (no shim), it is stopped instead.
   */
  detach(): Promise<void> {
    if (!this.journal) return this.stop('stopped');
    this.stopReason ??= 'stopped';
    this.detached = true;
    try {
      this.journal.claim(this.uid, '');
    } catch (err) {
      // Unwritten (a full disk), the journal still names this runtime: told, and the pod let go anyway.
      this.ctx.onError(err, `pod ${this.ns}/${this.name}: letting go`);
    }
    for (const s of this.slots) s.proc?.release();
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
    // An adopted pod keeps the start it was reported with: its deadlines count from there.
    const reported = this.adopting ? Date.parse(this.pod.status?.startTime ?? '') : NaN;
    this.startMs = Number.isNaN(reported) ? Date.now() : reported;
    this.startTime = rfc3339(new Date(this.startMs));
    this.status = new StatusWriter({
      store: this.ctx.store,
      pod: this.pod,
      owner: this.ctx.owner,
      startTime: this.startTime,
      stopped: () => this.stopReason !== undefined,
      onGone: () => (this.stopReason ??= 'deleted'),
      onError: this.ctx.onError,
      // A full disk may be the pod's own doing: its files go before the store is tried again.
      onRefused: () => this.removeFiles(),
      logsWritten: () => this.logsWritten(),
    });
    if (this.adopting) {
      // Its folders hold what its containers wrote and are writing: kept as they are.
      this.journal?.claim(this.uid, this.ctx.owner);
    } else {
      freshFolder(this.dir);
      freshFolder(this.logDir);
      this.journal?.begin(this.uid, this.ctx.owner);
    }
    try {
      await this.runPod();
    } finally {
      await this.cleanUp();
      traceStep('cleaned up', this.name);
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
  protected spawn(s: S, log: LineLog, binds: Bind[], captureStdout: number, attempt = 1): ContainerProcess {
    const shim =
      this.journal && this.ctx.shim
        ? {
            file: this.ctx.shim,
            dir: this.journal.markStart(s.name, attempt),
            logFile: containerLogPath(this.ctx.home, this.ns, this.name, s.name),
            namespaceHelper: this.ctx.isolation.kind === 'helper' ? this.ctx.isolation.file : undefined,
          }
        : undefined;
    // The stdin and terminal the container asks for (tty, stdin): a wrapper, only for those that do.
    const stdio = containerStdio(s.spec, s.argv!, {
      path: s.env?.PATH ?? '',
      tell: (message) =>
        this.ctx.onError(
          Object.assign(new Error(message), { code: 'ENOTTY' }),
          `pod ${this.ns}/${this.name}`,
        ),
    });
    if (stdio.notice) log.write([Buffer.from(stdio.notice)]);
    const readOnlyRoot = s.spec.securityContext?.readOnlyRootFilesystem === true;
    // Said, not silently ignored: only a container with an overlay root can have it read-only.
    if (readOnlyRoot && !s.fs!.rootLayer) log.write([Buffer.from(READ_ONLY_ROOT_UNSUPPORTED)]);
    const user = runAs(this.pod, s.spec);
    // An image's /tmp is anyone's (1777): a container running as another user must be able to write it.
    if (user) {
      mkdirSync(s.fs!.tmpDir, { recursive: true });
      chmodSync(s.fs!.tmpDir, 0o1777);
    }
    const launch = launchCommand(this.ctx.isolation, {
      baseDir: this.dir,
      workDir: s.fs!.workDir,
      binds,
      argv: stdio.argv,
      rootLayer: s.fs!.rootLayer || undefined,
      // The argo home (database, token, other pods) is not the container's; the command stand-ins are.
      hide: [{ path: path.resolve(this.ctx.home), expose: [path.resolve(this.ctx.home, 'host', 'shims')] }],
      runAs: user,
      readOnlyRoot,
    });
    const proc = new ContainerProcess({
      file: launch.file,
      args: launch.args,
      cwd: launch.cwd,
      env: s.env!,
      log,
      captureStdout,
      launcher: this.ctx.launcher,
      shim,
    });
    s.proc = proc;
    return proc;
  }

  /** Whether the runtime this run took over from had started the container. */
  protected startedBefore(s: S): boolean {
    return this.adopting && (this.journal?.lastAttempt(s.name) ?? 0) > 0;
  }

  /** The start to continue from when adopting (the latest one recorded), else the first. */
  protected firstAttempt(s: S): number {
    return this.adopting ? Math.max(1, this.journal?.lastAttempt(s.name) ?? 0) : 1;
  }

  /**
   * When adopting: the container's start `attempt` as the runtime before made it, watched until it
   * ends (or found ended); undefined when that start never happened, so it is made now.
   */
  protected async adopted(
    s: S,
    attempt: number,
    captureStdout: number,
  ): Promise<ContainerProcess | undefined> {
    if (!this.adopting || !this.journal) return undefined;
    const dir = this.journal.containerDir(s.name, attempt);
    const start = await shimStarted(dir);
    if (!start) {
      await rm(dir, { recursive: true, force: true });
      return undefined;
    }
    s.startedAt ??= rfc3339(new Date(start.startedMs));
    s.proc = ContainerProcess.adopt(dir, start.pid, captureStdout);
    return s.proc;
  }

  /** Signals a running container's processes; false when it is not running (or not in the pod). */
  signalContainer(name: string, sig: NodeJS.Signals): boolean {
    const s = this.slots.find((slot) => slot.name === name);
    if (!s?.proc || s.termination) return false;
    s.proc.signal(sig);
    return true;
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

  /** Resolves once every log closed so far has its last lines and its done marker written. */
  protected logsWritten(): Promise<unknown> {
    return Promise.all(this.markers);
  }

  /** Tells log followers that the container's log is complete (once `written`: its last lines are in). */
  protected markLogDone(container: string, written?: Promise<void>): void {
    // A container let go of is still writing its log.
    if (this.detached) return;
    const file = containerLogDonePath(this.ctx.home, this.ns, this.name, container);
    const mark = (): Promise<void> => writeFile(file, '');
    this.markers.push((written ? written.then(mark) : mark()).catch(() => undefined));
  }

  private async cleanUp(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    if (this.detached) {
      // Folders, mount points and the journal stay for the runtime that adopts the pod.
      for (const s of this.slots) s.log?.close();
      return;
    }
    for (const s of this.slots) {
      s.fs?.release();
      s.log?.close();
      if (!s.termination) this.markLogDone(s.name);
    }
    await Promise.all(this.markers);
    // Stopped, or taken over: a container of its journal may still run that this run never
    // watched (stopped before it got to it); nothing of a pod outlives its run.
    if (this.adopting || this.stopReason) await this.journal?.killAll();
    try {
      await this.journal?.remove();
    } finally {
      // The pod's files go even when its journal could not: a failed pod's space is freed.
      await this.removeFiles();
    }
  }

  /** Removes the pod's folder (its containers have ended), unless asked to keep it. */
  private async removeFiles(): Promise<void> {
    for (const s of this.slots) s.fs?.release();
    if (!this.ctx.keepPodDirs)
      await removeFolder(
        this.dir,
        this.slots.flatMap((s) => s.fs?.removable ?? []),
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
