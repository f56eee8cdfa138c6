// Running a pod on the host as a kubelet does and no more, for pods whose own containers do
// argoexec's work (see argoexec-layout.ts): init containers one after another, then the
// containers together, each in its own mount namespace with the pod's volumes at their mount
// paths and a termination log at its terminationMessagePath; container statuses, exit codes and
// termination messages reported as the kubelet reports them. Nothing of the node's inputs or
// outputs is touched here. One thing beyond a kubelet: once the main containers are done, the
// containers still running are stopped, which upstream's controller does with `argoexec kill`
// over pods/exec, an API the host has no equivalent of.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Container } from '../../model/meta.js';
import type { ContainerStatus, Pod, PodStatus } from '../../model/pod.js';
import { rfc3339 } from '../../workflow/phase.js';
import { containerLogDonePath, containerLogPath, podDir, podLogDir } from '../paths.js';
import { MAIN_CONTAINER_NAME, podTemplate, WAIT_CONTAINER_NAME } from '../pod-contract.js';
import {
  emulateImage,
  layoutMainNames,
  NEEDS_ISOLATION_MESSAGE,
  type ArgoexecSupport,
  type ExecutorView,
} from './argoexec-layout.js';
import { CommandError, resolveCommand } from './command.js';
import { ContainerFs, type PrivatePath } from './container-fs.js';
import { ContainerProcess, type ProcessExit } from './container-process.js';
import { runningStatus, terminatedStatus, waitingStatus, type Termination } from './container-status.js';
import { containerEnv, ContainerConfigError, PodObjects } from './env.js';
import { launchCommand } from './isolation.js';
import { LineLog } from './line-log.js';
import type { HostContext } from './pod-run.js';
import { freshFolder, removeFolder, writeHostsFile } from './pod-folders.js';
import { StatusWriter } from './status-writer.js';
import { materializeVolumes, resolveMounts, type PodVolume, type ResolvedMount } from './volumes.js';

export interface KubeletContext extends HostContext {
  argoexec: ArgoexecSupport;
}

const DEADLINE_MESSAGE = 'Pod was active on the node longer than the specified deadline';
const DEFAULT_TERMINATION_LOG = '/dev/termination-log';
/** How long wait has to report on its own once the main containers are done. */
const WAIT_REPORT_MS = 30_000;
/** The most of a termination log the kubelet reports. */
const TERMINATION_MESSAGE_BYTES = 4096;

type Role = 'init' | 'main' | 'wait' | 'sidecar';

interface Slot {
  spec: Container;
  name: string;
  role: Role;
  argv?: string[];
  env?: Record<string, string>;
  fs?: ContainerFs;
  terminationLog?: string;
  startError?: CommandError;
  proc?: ContainerProcess;
  startedAt?: string;
  termination?: Termination;
  finished?: Promise<void>;
  /** Over: terminated, or never to start. */
  ended?: boolean;
}

type StopReason = 'deleted' | 'stopped';

export class KubeletRun {
  readonly uid: string;
  readonly done: Promise<void>;
  private readonly ns: string;
  private readonly name: string;
  private readonly dir: string;
  private readonly slots: Slot[];
  private readonly graceMs: number;
  private readonly objects: PodObjects;
  private readonly outputPaths: PrivatePath[];
  private volumes = new Map<string, PodVolume>();
  private view: ExecutorView | undefined;
  private hostsFile: string | undefined;
  /** Why containers not started yet cannot be: the kubelet's CreateContainerConfigError. */
  private configError: ContainerConfigError | undefined;
  private stopReason: StopReason | undefined;
  private terminating = false;
  private deadlineExceeded = false;
  /** The main containers are done (or one failed): the others are being stopped. */
  private mainsOver = false;
  private readonly timers: NodeJS.Timeout[] = [];
  private progress: 'initializing' | 'running' | undefined;
  private reporting = false;
  private status: StatusWriter | undefined;
  private readonly markers: Promise<unknown>[] = [];

  constructor(
    private readonly ctx: KubeletContext,
    private readonly pod: Pod,
  ) {
    this.uid = pod.metadata.uid ?? '';
    this.ns = pod.metadata.namespace ?? '';
    this.name = pod.metadata.name ?? '';
    this.dir = podDir(ctx.home, this.ns, this.name);
    const tmpl = podTemplate(pod);
    const mains = layoutMainNames(tmpl);
    // Where main writes its outputs is its own, as in a container: not the host's, nor another pod's.
    this.outputPaths = [
      ...(tmpl?.outputs?.parameters ?? []).map((p) => p.valueFrom?.path),
      ...(tmpl?.outputs?.artifacts ?? []).map((a) => a.path),
    ]
      .filter((p): p is string => !!p && p.startsWith('/'))
      .map((p) => ({ path: p, kind: 'output' as const }));
    const role = (c: Container): Role =>
      mains.has(c.name ?? '') ? 'main' : c.name === WAIT_CONTAINER_NAME ? 'wait' : 'sidecar';
    this.slots = [
      ...(pod.spec.initContainers ?? []).map((c) => slot(c, 'init')),
      ...pod.spec.containers.map((c) => slot(c, role(c))),
    ];
    const grace = pod.spec.terminationGracePeriodSeconds;
    this.graceMs = typeof grace === 'number' && grace >= 0 ? grace * 1000 : ctx.defaultGraceMs;
    this.objects = new PodObjects(ctx.store, this.ns);
    this.done = this.run().catch((err) => this.crashed(err));
  }

  /** Kills the pod's processes; nothing more is written to the store for it. */
  stop(reason: StopReason): Promise<void> {
    this.stopReason ??= reason;
    this.killAll();
    return this.done;
  }

  /** The pod is being deleted but held by finalizers: its containers stop and their end is reported. */
  terminate(): void {
    if (this.terminating) return;
    this.terminating = true;
    this.killAll();
  }

  // -------------------------------------------------------------------------------------------

  private async run(): Promise<void> {
    const startMs = Date.now();
    this.status = new StatusWriter({
      store: this.ctx.store,
      pod: this.pod,
      owner: this.ctx.owner,
      startTime: rfc3339(new Date(startMs)),
      stopped: () => this.stopReason !== undefined,
      onGone: () => (this.stopReason ??= 'deleted'),
      onError: this.ctx.onError,
    });
    await Promise.all([freshFolder(this.dir), freshFolder(podLogDir(this.ctx.home, this.ns, this.name))]);
    try {
      if (this.ctx.isolation.kind === 'none') {
        await this.status.final({ phase: 'Failed', message: NEEDS_ISOLATION_MESSAGE });
        return;
      }
      try {
        this.volumes = await materializeVolumes(this.pod, this.dir, this.ctx.home, this.objects);
      } catch (err) {
        if (!(err instanceof ContainerConfigError)) throw err;
        this.configError = err;
      }
      const base = { ...this.ctx.baseEnv, HOSTNAME: this.name, TMPDIR: '/tmp' };
      this.view = await this.ctx.argoexec.prepare(this.dir, this.ns, base);
      const aliases = this.pod.spec.hostAliases ?? [];
      if (aliases.length) this.hostsFile = writeHostsFile(this.dir, aliases);
      if (this.stopReason) return;
      this.armDeadline(startMs);
      this.timers.push(setTimeout(() => this.startReporting(), this.ctx.reportAfterMs));
      if ((await this.runInits()) && !this.stopping()) await this.runContainers();
      if (this.stopReason) return;
      await this.status.final(this.finalStatus());
    } finally {
      await this.cleanUp();
    }
  }

  private async runInits(): Promise<boolean> {
    const inits = this.inits();
    if (inits.length) this.setProgress('initializing');
    for (const s of inits) {
      if (this.stopping() || !(await this.prepare(s))) return false;
      await this.start(s);
      if (s.termination?.exitCode !== 0) return false;
    }
    return true;
  }

  private async runContainers(): Promise<void> {
    const regular = this.regular();
    for (const s of regular) if (!(await this.prepare(s))) return;
    this.setProgress('running');
    for (const s of regular) void this.start(s);
    const mains = regular.filter((s) => s.role === 'main');
    await new Promise<void>((resolve) => {
      const check = (): void => {
        const over = mains.every((s) => s.ended) || mains.some((s) => s.termination?.exitCode);
        if (over) resolve();
      };
      for (const s of mains) void s.finished!.then(check);
      check();
    });
    this.mainsOver = true;
    for (const s of regular) {
      if (s.termination || !s.proc) continue;
      // wait ends on its own once it has the main containers' exit codes (it may still be starting
      // now, too early for a signal); it is told to stop waiting (SIGTERM, on which it reports
      // what it has) only if it is still at it long after: an exit code never came.
      if (s.role === 'wait') this.timers.push(setTimeout(() => s.proc!.signal('SIGTERM'), WAIT_REPORT_MS));
      else void s.proc.terminate(this.graceMs);
    }
    await Promise.all(regular.map((s) => s.finished));
  }

  /** Resolves the container's environment, command and file system; false on a config error. */
  private async prepare(s: Slot): Promise<boolean> {
    if (this.configError) return false;
    try {
      const view = this.view!;
      const env = await containerEnv(this.pod, s.spec, this.objects, view.env);
      const aliases = { ...this.ctx.aliases, argoexec: view.launcher };
      try {
        s.argv = emulateImage(resolveCommand({ container: s.spec, env, aliases }), s.spec.image, view, env);
      } catch (err) {
        if (!(err instanceof CommandError)) throw err;
        s.startError = err;
      }
      s.env = env;
      s.terminationLog = path.join(this.dir, `${s.name}.termination-log`);
      await writeFile(s.terminationLog, '');
      const mounts: ResolvedMount[] = [
        ...resolveMounts(s.spec, this.volumes, env),
        view.mount,
        {
          mountPath: s.spec.terminationMessagePath || DEFAULT_TERMINATION_LOG,
          source: s.terminationLog,
          kind: 'file',
          readOnly: false,
        },
      ];
      s.fs = new ContainerFs({
        isolated: true,
        podDir: this.dir,
        container: s.name,
        mounts,
        privatePaths: s.name === MAIN_CONTAINER_NAME && s.role === 'main' ? this.outputPaths : [],
        workingDir: s.spec.workingDir,
        hostsFile: this.hostsFile,
        mountPoints: this.ctx.mountPoints,
      });
      await Promise.all(s.fs.folders.map((f) => mkdir(f, { recursive: true })));
      return true;
    } catch (err) {
      if (!(err instanceof ContainerConfigError)) throw err;
      this.configError = err;
      return false;
    }
  }

  /** Runs a container to its end; `finished` resolves then (at once if it never started). */
  private start(s: Slot): Promise<void> {
    s.finished ??= this.execute(s).finally(() => {
      s.ended = true;
      this.report();
    });
    return s.finished;
  }

  private async execute(s: Slot): Promise<void> {
    if (this.stopping()) return;
    s.startedAt = rfc3339(new Date());
    let log: LineLog | undefined;
    let exit: ProcessExit;
    try {
      log = await LineLog.open(containerLogPath(this.ctx.home, this.ns, this.name, s.name));
      if (s.startError || !s.argv) {
        const message = s.startError?.message ?? 'no command specified';
        log.write([Buffer.from(message)]);
        exit = { exitCode: 128, reason: 'StartError', message };
      } else {
        const launch = launchCommand(this.ctx.isolation, {
          baseDir: this.dir,
          workDir: s.fs!.workDir,
          binds: [...this.view!.binds, ...s.fs!.binds],
          argv: s.argv,
        });
        const proc = new ContainerProcess({
          file: launch.file,
          args: launch.args,
          cwd: launch.cwd,
          env: s.env!,
          log,
          captureStdout: 0,
          launcher: this.ctx.launcher,
        });
        s.proc = proc;
        this.report();
        // Stopped, or the main containers were over while this one was still being started.
        if (this.stopping() || (this.mainsOver && s.role !== 'wait')) void proc.terminate(this.graceMs);
        exit = await proc.exited;
      }
    } catch (err) {
      exit = {
        exitCode: 128,
        reason: 'StartError',
        message: `failed to start container: ${(err as Error).message}`,
      };
    } finally {
      log?.close();
      this.markLogDone(s.name);
    }
    s.termination = {
      exitCode: exit.exitCode,
      message: exit.message ?? (await terminationMessage(s.terminationLog)),
      reason: exit.reason,
      startedAt: s.startedAt,
      finishedAt: rfc3339(new Date()),
    };
  }

  private killAll(): void {
    for (const s of this.slots) if (s.proc && !s.termination) void s.proc.terminate(this.graceMs);
  }

  private armDeadline(startMs: number): void {
    const seconds = this.pod.spec.activeDeadlineSeconds;
    if (seconds === undefined || seconds === null) return;
    const due = startMs + Number(seconds) * 1000;
    const fire = () => {
      this.deadlineExceeded = true;
      this.killAll();
    };
    this.timers.push(setTimeout(fire, Math.max(0, due - Date.now())));
  }

  // ---- status -------------------------------------------------------------------------------

  private statusOf(s: Slot, waitingReason: string): ContainerStatus {
    if (s.termination) return terminatedStatus(s.spec, s.termination);
    if (s.startedAt && s.proc) return runningStatus(s.spec, s.startedAt);
    const err = this.configError;
    return err ? waitingStatus(s.spec, err.reason, err.message) : waitingStatus(s.spec, waitingReason);
  }

  private finalStatus(): PodStatus {
    const initsOk = this.inits().every((s) => s.termination?.exitCode === 0);
    const waiting = initsOk ? 'ContainerCreating' : 'PodInitializing';
    const status: PodStatus = {
      phase: 'Succeeded',
      initContainerStatuses: this.inits().map((s) => this.statusOf(s, 'PodInitializing')),
      containerStatuses: this.regular().map((s) => this.statusOf(s, waiting)),
    };
    if (status.initContainerStatuses!.length === 0) delete status.initContainerStatuses;
    // restartPolicy Never: the pod failed if any container did not end with 0.
    if (this.deadlineExceeded || !initsOk || this.regular().some((s) => s.termination?.exitCode !== 0))
      status.phase = 'Failed';
    if (this.deadlineExceeded) {
      status.reason = 'DeadlineExceeded';
      status.message = DEADLINE_MESSAGE;
    }
    return status;
  }

  private setProgress(progress: 'initializing' | 'running'): void {
    this.progress = progress;
    this.report();
  }

  private startReporting(): void {
    this.reporting = true;
    this.report();
  }

  /** Pending while init containers run, then Running; only once the pod has run a while. */
  private report(): void {
    if (!this.reporting || !this.progress) return;
    const inits = this.inits().map((s) => this.statusOf(s, 'PodInitializing'));
    const status: PodStatus =
      this.progress === 'initializing'
        ? {
            phase: 'Pending',
            initContainerStatuses: inits,
            containerStatuses: this.regular().map((s) => waitingStatus(s.spec, 'PodInitializing')),
          }
        : {
            phase: 'Running',
            containerStatuses: this.regular().map((s) => this.statusOf(s, 'ContainerCreating')),
          };
    if (this.progress === 'running' && inits.length) status.initContainerStatuses = inits;
    const pgids = this.slots.filter((s) => s.proc && s.proc.pgid > 0).map((s) => s.proc!.pgid);
    this.status?.progress(status, pgids);
  }

  private async crashed(err: unknown): Promise<void> {
    this.ctx.onError(err, `pod ${this.ns}/${this.name}`);
    for (const s of this.slots) s.proc?.signal('SIGKILL');
    await this.status?.final({
      phase: 'Failed',
      message: `host runtime: ${(err as Error)?.message ?? String(err)}`,
    });
  }

  private markLogDone(container: string): void {
    const file = containerLogDonePath(this.ctx.home, this.ns, this.name, container);
    this.markers.push(writeFile(file, '').catch(() => undefined));
  }

  private async cleanUp(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    for (const s of this.slots) {
      s.fs?.release();
      if (!s.termination) this.markLogDone(s.name);
    }
    await Promise.all(this.markers);
    if (!this.ctx.keepPodDirs)
      await removeFolder(
        this.dir,
        this.slots.flatMap((s) => s.fs?.folders ?? []),
      );
  }

  private stopping(): boolean {
    return this.stopReason !== undefined || this.deadlineExceeded || this.terminating;
  }

  private inits(): Slot[] {
    return this.slots.filter((s) => s.role === 'init');
  }

  private regular(): Slot[] {
    return this.slots.filter((s) => s.role !== 'init');
  }
}

function slot(spec: Container, role: Role): Slot {
  return { spec, name: spec.name ?? '', role };
}

async function terminationMessage(file: string | undefined): Promise<string | undefined> {
  if (!file) return undefined;
  try {
    const text = (await readFile(file)).subarray(0, TERMINATION_MESSAGE_BYTES).toString('utf8');
    return text || undefined;
  } catch {
    return undefined;
  }
}
