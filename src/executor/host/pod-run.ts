// Running one pod on the host, playing the kubelet and argoexec together: init containers in
// order, then main containers and sidecars together (containerSet containers once their
// dependencies succeeded), sidecars killed when the main containers are done, deadlines, outputs
// reported as a WorkflowTaskResult, and the pod's status written back as Kubernetes would.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import type { Container } from '../../model/meta.js';
import type { ContainerStatus, Pod, PodStatus } from '../../model/pod.js';
import type { Outputs, Template } from '../../model/template.js';
import type { ResourceStore } from '../../store/types.js';
import { localArtifactRoot, Repositories } from '../../artifacts/index.js';
import { parseGoDuration } from '../../workflow/duration.js';
import { rfc3339 } from '../../workflow/phase.js';
import { containerLogDonePath, containerLogPath, podDir, podLogDir } from '../paths.js';
import {
  ANNOTATION_NODE_ID,
  containerDependencies,
  ENV_DEADLINE,
  ENV_INCLUDE_SCRIPT_OUTPUT,
  ENV_NODE_ID,
  ENV_TERMINATION_GRACE_PERIOD_SECONDS,
  ENV_WORKFLOW_NAME,
  ENV_WORKFLOW_UID,
  LABEL_WORKFLOW,
  literalEnv,
  MAIN_CONTAINER_NAME,
  mainContainerNames,
  podTemplate,
  SCRIPT_SOURCE_PATH,
  WAIT_CONTAINER_NAME,
} from '../pod-contract.js';
import { InputArtifactError, PodArtifacts, type StagedInput } from './artifacts.js';
import { processData } from './data-template.js';
import { CommandError, resolveCommand } from './command.js';
import { ContainerFs, type PrivatePath } from './container-fs.js';
import { ContainerProcess, type ProcessExit } from './container-process.js';
import { runningStatus, terminatedStatus, waitingStatus, type Termination } from './container-status.js';
import { containerEnv, ContainerConfigError, PodObjects } from './env.js';
import { launchCommand, type IsolationMode } from './isolation.js';
import type { ProcessLauncher } from './launcher.js';
import { LineLog } from './line-log.js';
import type { MountPoints } from './mount-points.js';
import { OutputCollector } from './outputs.js';
import {
  freshFolder,
  removeFolder,
  STAGING_DIR,
  stagingFolderExists,
  writeHostsFile,
} from './pod-folders.js';
import { writeTaskResult } from './task-result.js';
import { materializeVolumes, resolveMounts, type PodVolume } from './volumes.js';

export const ANNOTATION_HOST_PGID = 'argo-ts.io/host-pgid';
export const ANNOTATION_HOST_OWNER = 'argo-ts.io/host-runtime';

const POD_IP = '127.0.0.1';
const NODE_NAME = hostname();
const DEADLINE_MESSAGE = 'Pod was active on the node longer than the specified deadline';
const STEP_DEADLINE_MESSAGE = 'Step exceeded its deadline';
/** What a container waiting on its dependencies exits with when it is terminated (emissary). */
const TERMINATED_WAITING = 143;

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

type Role = 'init' | 'main' | 'sidecar';

interface Slot {
  spec: Container;
  name: string;
  role: Role;
  argv?: string[];
  env?: Record<string, string>;
  fs?: ContainerFs;
  /** Opened while preparing, so starting the container needs no file system call. */
  log?: LineLog;
  /** Set when the container cannot start (unknown command): it terminates with this at once. */
  startError?: CommandError;
  proc?: ContainerProcess;
  startedAt?: string;
  termination?: Termination & { stdout?: Buffer };
  killedByUs: boolean;
}

type StopReason = 'deleted' | 'stopped';

export class PodRun {
  readonly uid: string;
  readonly done: Promise<void>;
  private readonly ns: string;
  private readonly name: string;
  private readonly dir: string;
  private readonly logDir: string;
  private readonly tmpl: Template | undefined;
  private readonly slots: Slot[];
  private readonly graceMs: number;
  private readonly collector: OutputCollector;
  private readonly objects: PodObjects;
  private readonly artifacts: PodArtifacts;
  private readonly repositories: Repositories;
  /** A data template's result, which its main container (argoexec upstream) produced in-process. */
  private dataResult: string | undefined;
  private stopReason: StopReason | undefined;
  private deadlineExceeded = false;
  private terminating = false;
  private stepDeadlineExceeded = false;
  private readonly timers: NodeJS.Timeout[] = [];
  private startTime = '';
  /** What the pod is doing, for the status reported while it runs. */
  private progress: 'initializing' | 'running' | undefined;
  /** Set once the pod has run long enough for its progress to be reported (see HostContext.reportAfterMs). */
  private reporting = false;
  /** The final status is on its way: progress reports are dropped. */
  private finalizing = false;
  /** Status writes in flight, so the final status is never overtaken by a progress report. */
  private writes: Promise<void> = Promise.resolve();
  private readonly markers: Promise<unknown>[] = [];
  private startMs = 0;
  /** Re-decides waiting containerSet containers; set while main containers run. */
  private settle: () => void = () => undefined;

  constructor(
    private readonly ctx: HostContext,
    private readonly pod: Pod,
  ) {
    this.uid = pod.metadata.uid ?? '';
    this.ns = pod.metadata.namespace ?? '';
    this.name = pod.metadata.name ?? '';
    this.dir = podDir(ctx.home, this.ns, this.name);
    this.logDir = podLogDir(ctx.home, this.ns, this.name);
    this.tmpl = podTemplate(pod);
    const mains = mainContainerNames(pod, this.tmpl);
    this.slots = [
      ...(pod.spec.initContainers ?? []).map((c) => slot(c, 'init')),
      ...pod.spec.containers.map((c) => slot(c, mains.has(c.name ?? '') ? 'main' : 'sidecar')),
    ];
    this.graceMs = gracePeriodMs(pod, ctx.defaultGraceMs);
    this.collector = new OutputCollector(this.tmpl, this.mainEnv(ENV_INCLUDE_SCRIPT_OUTPUT) === 'true');
    this.objects = new PodObjects(ctx.store, this.ns);
    const repositories = (this.repositories = new Repositories({
      localRoot: localArtifactRoot(ctx.home),
      secret: async (name, key) => (await this.objects.entries('Secret', name))?.get(key)?.toString('utf8'),
    }));
    this.artifacts = new PodArtifacts(this.tmpl, this.dir, repositories);
    this.done = this.run().catch((err) => this.crashed(err));
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

  // -------------------------------------------------------------------------------------------

  private async run(): Promise<void> {
    this.startMs = Date.now();
    this.startTime = rfc3339(new Date(this.startMs));
    await Promise.all([freshFolder(this.dir), freshFolder(this.logDir)]);
    try {
      try {
        await this.prepare();
      } catch (err) {
        if (err instanceof InputArtifactError) {
          await this.writeStatus(this.initFailure(err.message));
          return;
        }
        if (!(err instanceof ContainerConfigError)) throw err;
        await this.writeStatus({
          phase: 'Failed',
          initContainerStatuses: this.inits().map((s) => waitingStatus(s.spec, err.reason, err.message)),
          containerStatuses: this.regular().map((s) => waitingStatus(s.spec, err.reason, err.message)),
        });
        return;
      }
      if (this.stopReason) return;
      this.armDeadline();
      this.timers.push(setTimeout(() => this.startReporting(), this.ctx.reportAfterMs));
      const initOk = await this.runInitContainers();
      if (this.stopReason) return;
      if (!initOk || this.deadlineExceeded) {
        await this.writeStatus(this.finalStatus(undefined));
        return;
      }
      await this.runMainContainers();
      if (this.stopReason) return;
      const main = this.regular().find((s) => s.name === MAIN_CONTAINER_NAME && s.role === 'main');
      const collected = this.collector.collect({
        fs: main?.fs,
        exitCode: main?.termination?.exitCode,
        stdout: main?.termination?.stdout,
      });
      if (this.dataResult !== undefined) collected.outputs.result = this.dataResult;
      const artifactError = await this.saveArtifacts(main?.fs, collected.outputs);
      const error = collected.error ?? artifactError;
      const wait: Termination = {
        exitCode: error ? 64 : 0,
        message: error ?? (this.stepDeadlineExceeded ? STEP_DEADLINE_MESSAGE : undefined),
        startedAt: this.startTime,
        finishedAt: rfc3339(new Date()),
      };
      // The result goes first: the controller must never see the pod done without its outputs.
      await this.writeTaskResult(collected.outputs);
      if (this.stopReason) return;
      await this.writeStatus(this.finalStatus(wait));
    } finally {
      await this.cleanUp();
    }
  }

  private async prepare(): Promise<void> {
    const objects = this.objects;
    const volumes = await materializeVolumes(this.pod, this.dir, this.ctx.home, objects);
    const inputs = await this.artifacts.stageInputs();
    const hostsFile = this.hostsFile();
    const receivers = this.slots.filter((s) => s.role === 'main').length;
    for (const s of this.slots) await this.prepareSlot(s, volumes, objects, hostsFile, inputs, receivers > 1);
  }

  private async prepareSlot(
    s: Slot,
    volumes: Map<string, PodVolume>,
    objects: PodObjects,
    hostsFile: string | undefined,
    inputs: StagedInput[],
    copyInputs: boolean,
  ): Promise<void> {
    const isolated = this.ctx.isolation.kind !== 'none';
    const base = { ...this.ctx.baseEnv, HOSTNAME: this.name };
    const env = await containerEnv(this.pod, s.spec, objects, base);
    const collects = s.role === 'main' && s.name === MAIN_CONTAINER_NAME;
    const source = collects ? this.tmpl?.script?.source : undefined;
    const privatePaths: PrivatePath[] = collects ? this.collector.privatePaths() : [];
    // Input artifacts reach every main container (all of a containerSet); outputs come from main.
    const artifactInputs = s.role === 'main' ? inputs : [];
    privatePaths.push(...this.artifacts.privatePaths(artifactInputs, collects));
    if (source !== undefined && isolated && stagingFolderExists())
      privatePaths.push({ path: STAGING_DIR, kind: 'dir' });
    const fs = new ContainerFs({
      isolated,
      podDir: this.dir,
      container: s.name,
      mounts: resolveMounts(s.spec, volumes, env),
      privatePaths,
      workingDir: s.spec.workingDir,
      hostsFile,
      mountPoints: this.ctx.mountPoints,
    });
    s.fs = fs;
    const [log] = await Promise.all([
      LineLog.open(containerLogPath(this.ctx.home, this.ns, this.name, s.name)),
      ...fs.folders.map((f) => mkdir(f, { recursive: true })),
    ]);
    s.log = log;
    await this.artifacts.placeInputs(artifactInputs, fs, copyInputs);
    if (!s.spec.env?.some((e) => e.name === 'TMPDIR')) env.TMPDIR = isolated ? '/tmp' : fs.tmpDir;
    s.env = env;
    const script =
      source !== undefined
        ? { path: this.stageScript(source, fs, isolated), append: source !== '' }
        : undefined;
    try {
      s.argv = resolveCommand({ container: s.spec, env, script, aliases: this.ctx.aliases });
    } catch (err) {
      if (!(err instanceof CommandError)) throw err;
      s.startError = err;
    }
  }

  /** Writes a script template's source where the container will see it; returns that path. */
  private stageScript(source: string, fs: ContainerFs, isolated: boolean): string {
    let file = path.join(this.dir, 'staging', 'script');
    let seenAs = file;
    if (isolated) {
      const bound = fs.hostPathOf(SCRIPT_SOURCE_PATH);
      if (bound !== SCRIPT_SOURCE_PATH) {
        file = bound;
        seenAs = SCRIPT_SOURCE_PATH;
      } else {
        // /argo/staging could not be made (no permission on /): use the private /tmp instead.
        file = path.join(fs.tmpDir, 'argo-staging', 'script');
        seenAs = '/tmp/argo-staging/script';
      }
    }
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, source);
    // Executable, as argoexec writes it (`command: [sh, -c]` runs the file itself); the file may
    // already exist as a private mount source, which a mode given to writeFileSync would not change.
    chmodSync(file, 0o755);
    return seenAs;
  }

  private hostsFile(): string | undefined {
    const aliases = this.pod.spec.hostAliases ?? [];
    if (aliases.length === 0 || this.ctx.isolation.kind === 'none') return undefined;
    return writeHostsFile(this.dir, aliases);
  }

  private async runInitContainers(): Promise<boolean> {
    const inits = this.inits();
    if (inits.length === 0) return true;
    this.setProgress('initializing');
    for (const s of inits) {
      if (this.stopping()) return false;
      this.launch(s);
      this.report();
      const t = await this.finished(s);
      if (t.exitCode !== 0) return false;
    }
    return true;
  }

  private async runMainContainers(): Promise<void> {
    const regular = this.regular();
    const pending = new Set(regular.filter((s) => containerDependencies(this.tmpl, s.name).length > 0));
    const mains = regular.filter((s) => s.role === 'main');
    let allMainsDone!: () => void;
    const mainsDone = new Promise<void>((resolve) => (allMainsDone = resolve));
    this.settle = () => {
      for (const s of [...pending]) {
        const decision = s.termination
          ? 'done'
          : this.stopping() || this.stepDeadlineExceeded
            ? 'stop'
            : this.dependencyDecision(s);
        if (decision === 'wait') continue;
        pending.delete(s);
        if (decision === 'start') this.track(s);
        else if (decision === 'stop') this.terminateUnstarted(s, TERMINATED_WAITING);
        else if (decision !== 'done') this.terminateUnstarted(s, 64, decision.message);
      }
      if (mains.every((s) => s.termination)) allMainsDone();
    };
    const startedAt = rfc3339(new Date());
    for (const s of regular) if (!pending.has(s)) this.track(s);
    for (const s of pending) s.startedAt = startedAt;
    this.setProgress('running');
    this.armStepDeadline();
    this.settle();
    await mainsDone;
    const sidecars = regular.filter((s) => s.role === 'sidecar' && this.running.has(s));
    for (const s of sidecars) {
      if (s.termination) continue;
      s.killedByUs = true;
      void s.proc?.terminate(this.graceMs);
    }
    await Promise.all(sidecars.map((s) => this.finished(s)));
  }

  /** Starts a container; when it has finished (after retries), waiting containers are re-decided. */
  private track(s: Slot): void {
    this.launch(s);
    void this.finished(s).then(() => this.settle());
  }

  /** Whether a containerSet container can start: its dependencies in order, as the emissary checks them. */
  private dependencyDecision(s: Slot): 'wait' | 'start' | { message: string } {
    for (const dep of containerDependencies(this.tmpl, s.name)) {
      const other = this.slots.find((o) => o.name === dep && o.role !== 'init');
      if (!other) return { message: `dependency "${dep}" is not a container of this pod` };
      if (!other.termination) return 'wait';
      if (other.termination.exitCode !== 0) {
        return { message: `dependency "${dep}" exited with non-zero code: ${other.termination.exitCode}` };
      }
    }
    return 'start';
  }

  private readonly running = new Map<Slot, Promise<Termination>>();

  private launch(s: Slot): void {
    if (this.running.has(s)) return;
    this.running.set(s, this.execute(s));
  }

  private finished(s: Slot): Promise<Termination> {
    return this.running.get(s) ?? Promise.resolve(s.termination!);
  }

  /** Runs a container to its end, retrying a containerSet container as its retryStrategy says. */
  private async execute(s: Slot): Promise<Termination> {
    s.startedAt ??= rfc3339(new Date());
    const log = s.log!;
    let exit: ProcessExit;
    try {
      const retry = s.role === 'main' ? this.tmpl?.containerSet?.retryStrategy : undefined;
      const attempts = retry ? Math.max(1, Number(retry.retries) || 0) : 1;
      for (let attempt = 1; ; attempt++) {
        exit = await this.start(s, log);
        if (exit.exitCode === 0 || attempt >= attempts || this.stopping() || s.killedByUs) break;
        await sleep(retryPauseMs(retry?.duration));
        if (this.stopping()) break;
      }
    } catch (err) {
      // What a kubelet reports when the runtime could not create or start the container.
      exit = {
        exitCode: 128,
        message: `failed to start container: ${(err as Error).message}`,
        reason: 'StartError',
      };
    } finally {
      log.close();
      this.markLogDone(s.name);
    }
    s.termination = {
      exitCode: exit.exitCode,
      message: exit.message,
      reason: exit.reason,
      startedAt: s.startedAt,
      finishedAt: rfc3339(new Date()),
      stdout: exit.stdout,
    };
    return s.termination;
  }

  /** One attempt: the process's exit, or at once the error when the command could not be resolved. */
  private start(s: Slot, log: LineLog): Promise<ProcessExit> {
    // Stopped or out of time before it could start: as if terminated while waiting to.
    if (this.stopping() || (s.role === 'main' && this.stepDeadlineExceeded))
      return Promise.resolve({ exitCode: TERMINATED_WAITING });
    if (this.tmpl?.data && s.role === 'main' && s.name === MAIN_CONTAINER_NAME) return this.runData(log);
    if (s.startError || !s.argv) {
      const message = s.startError?.message ?? 'no command to run';
      log.write([Buffer.from(message)]);
      return Promise.resolve({ exitCode: s.startError?.exitCode ?? 64, message });
    }
    const launch = launchCommand(this.ctx.isolation, {
      baseDir: this.dir,
      workDir: s.fs!.workDir,
      binds: s.fs!.binds,
      argv: s.argv,
    });
    const capture =
      s.name === MAIN_CONTAINER_NAME && s.role === 'main' && this.collector.capturesStdout
        ? RESULT_CAPTURE_BYTES
        : 0;
    const proc = new ContainerProcess({
      file: launch.file,
      args: launch.args,
      cwd: launch.cwd,
      env: s.env!,
      log,
      captureStdout: capture,
      launcher: this.ctx.launcher,
    });
    s.proc = proc;
    // A pod already reported running gets its new process group into its annotation at once.
    if (this.reporting) this.report();
    // A deadline or stop that came while the process was being started.
    if (this.stopping() || (s.role === 'main' && this.stepDeadlineExceeded))
      void proc.terminate(this.graceMs);
    return proc.exited;
  }

  /** A data template's main container: argoexec's `data` command, run here in-process. */
  private async runData(log: LineLog): Promise<ProcessExit> {
    try {
      this.dataResult = await processData(this.tmpl!.data!, this.repositories, this.tmpl!.archiveLocation);
      return { exitCode: 0 };
    } catch (err) {
      const message = `unable to process data template: ${(err as Error).message}`;
      log.write([Buffer.from(message)]);
      return { exitCode: 1, message };
    }
  }

  /** Terminates every running container (grace period, then SIGKILL) and re-decides waiting ones. */
  private killAll(): void {
    for (const s of this.slots) if (s.proc && !s.termination) void s.proc.terminate(this.graceMs);
    this.settle();
  }

  private terminateUnstarted(s: Slot, exitCode: number, message?: string): void {
    const now = rfc3339(new Date());
    s.termination = { exitCode, message, startedAt: s.startedAt ?? now, finishedAt: now };
    if (message) s.log?.write([Buffer.from(message)]);
    s.log?.close();
    this.markLogDone(s.name);
  }

  private markLogDone(container: string): void {
    const marker = writeFile(containerLogDonePath(this.ctx.home, this.ns, this.name, container), '').catch(
      () => undefined,
    );
    this.markers.push(marker);
  }

  // ---- deadlines ----------------------------------------------------------------------------

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

  /** ARGO_DEADLINE: the workflow's or step's deadline, on which argoexec stops the main containers. */
  private armStepDeadline(): void {
    const text = this.mainEnv(ENV_DEADLINE);
    const due = text ? Date.parse(text) : NaN;
    // Upstream writes the zero time (0001-01-01T00:00:00Z) when there is no deadline.
    if (Number.isNaN(due) || due <= 0) return;
    this.timers.push(
      setTimeout(
        () => {
          this.stepDeadlineExceeded = true;
          for (const s of this.regular())
            if (s.role === 'main' && s.proc && !s.termination) void s.proc.terminate(this.graceMs);
          this.settle();
        },
        Math.max(0, due - Date.now()),
      ),
    );
  }

  // ---- status -------------------------------------------------------------------------------

  private statusOf(s: Slot, waitingReason = 'ContainerCreating'): ContainerStatus {
    if (s.termination) return terminatedStatus(s.spec, s.termination);
    if (s.startedAt) return runningStatus(s.spec, s.startedAt);
    return waitingStatus(s.spec, waitingReason);
  }

  private finalStatus(wait: Termination | undefined): PodStatus {
    const status: PodStatus = {
      phase: 'Succeeded',
      initContainerStatuses: this.inits().map((s) => this.statusOf(s, 'PodInitializing')),
      containerStatuses: this.regular().map((s) => this.statusOf(s, 'PodInitializing')),
    };
    if (wait) status.containerStatuses!.push(terminatedStatus({ name: WAIT_CONTAINER_NAME }, wait));
    if (status.initContainerStatuses!.length === 0) delete status.initContainerStatuses;
    const failed =
      this.deadlineExceeded ||
      // Stopped before its containers ran (being deleted, out of time, an init container failed).
      this.regular().some((s) => !s.termination) ||
      this.inits().some((s) => s.termination?.exitCode !== 0) ||
      this.regular().some((s) => failedContainer(s)) ||
      (wait !== undefined && wait.exitCode !== 0);
    if (failed) status.phase = 'Failed';
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

  /** Writes the pod's progress (Pending while initializing, then Running) once reporting has started. */
  private report(): void {
    if (!this.reporting || !this.progress) return;
    const regular = this.regular();
    const status: PodStatus =
      this.progress === 'initializing'
        ? {
            phase: 'Pending',
            initContainerStatuses: this.inits().map((s) => this.statusOf(s, 'PodInitializing')),
            containerStatuses: regular.map((s) => waitingStatus(s.spec, 'PodInitializing')),
          }
        : {
            phase: 'Running',
            containerStatuses: [
              ...regular.map((s) => this.statusOf(s)),
              runningStatus({ name: WAIT_CONTAINER_NAME }, this.startTime),
            ],
          };
    void this.writeStatus(status, true);
  }

  /**
   * Patches the pod's status and, for progress reports, the annotations that say which runtime
   * runs it and its process groups. Writes go out in order; none after the final one.
   */
  private writeStatus(status: PodStatus, progress = false): Promise<void> {
    const write = async (): Promise<void> => {
      if (this.stopReason || (progress && this.finalizing)) return;
      const patch: {
        status: PodStatus;
        spec?: { nodeName: string };
        metadata?: { annotations: Record<string, string> };
      } = {
        status: { startTime: this.startTime, podIP: POD_IP, hostIP: POD_IP, ...status },
      };
      // The node it runs on, as the scheduler would have set it (Argo shows it as hostNodeName).
      if (!this.pod.spec.nodeName) patch.spec = { nodeName: NODE_NAME };
      if (progress) {
        const pgids = this.slots.filter((s) => s.proc && s.proc.pgid > 0).map((s) => s.proc!.pgid);
        patch.metadata = {
          annotations: { [ANNOTATION_HOST_OWNER]: this.ctx.owner, [ANNOTATION_HOST_PGID]: pgids.join(',') },
        };
      }
      try {
        await this.ctx.store.patch<Pod>('Pod', this.ns, this.name, patch);
      } catch (err) {
        if ((err as { code?: number }).code === 404) this.stopReason ??= 'deleted';
        else this.ctx.onError(err, `pod ${this.ns}/${this.name}: writing status`);
      }
    };
    if (!progress) this.finalizing = true;
    this.writes = this.writes.then(write);
    return this.writes;
  }

  /**
   * Output artifacts and (with archiveLogs) the main containers' logs, uploaded as the wait
   * container does; returns argoexec's error when an artifact could not be saved.
   */
  private async saveArtifacts(fs: ContainerFs | undefined, outputs: Outputs): Promise<string | undefined> {
    const saved = await this.artifacts.saveOutputs(fs);
    const artifacts = saved.artifacts;
    if (this.artifacts.archivesLogs) {
      for (const s of this.regular()) {
        if (s.role !== 'main' || !s.termination) continue;
        try {
          const log = await this.artifacts.saveLog(
            s.name,
            containerLogPath(this.ctx.home, this.ns, this.name, s.name),
          );
          if (log) artifacts.push(log);
        } catch (err) {
          return `saving the ${s.name} container's log: ${(err as Error).message}`;
        }
      }
    }
    if (artifacts.length) outputs.artifacts = artifacts;
    return saved.error;
  }

  /** The status of a pod whose inputs could not be loaded: argoexec's init container failed. */
  private initFailure(message: string): PodStatus {
    const now = rfc3339(new Date());
    return {
      phase: 'Failed',
      initContainerStatuses: [
        terminatedStatus(
          { name: 'init' },
          { exitCode: 1, message, startedAt: this.startTime, finishedAt: now },
        ),
      ],
      containerStatuses: this.regular().map((s) => waitingStatus(s.spec, 'PodInitializing')),
    };
  }

  private async writeTaskResult(outputs: Outputs): Promise<void> {
    const nodeId = this.pod.metadata.annotations?.[ANNOTATION_NODE_ID] ?? this.mainEnv(ENV_NODE_ID);
    if (!nodeId) return;
    const workflow = this.pod.metadata.labels?.[LABEL_WORKFLOW] ?? this.mainEnv(ENV_WORKFLOW_NAME) ?? '';
    try {
      await writeTaskResult(
        this.ctx.store,
        { namespace: this.ns, nodeId, workflow, workflowUid: this.mainEnv(ENV_WORKFLOW_UID) },
        outputs,
      );
    } catch (err) {
      this.ctx.onError(err, `pod ${this.ns}/${this.name}: writing task result ${nodeId}`);
    }
  }

  /** An unexpected failure of the runtime itself: the pod fails with a message that says so. */
  private async crashed(err: unknown): Promise<void> {
    this.ctx.onError(err, `pod ${this.ns}/${this.name}`);
    for (const s of this.slots) s.proc?.signal('SIGKILL');
    await this.writeStatus({
      phase: 'Failed',
      message: `host runtime: ${(err as Error)?.message ?? String(err)}`,
    });
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

  private stopping(): boolean {
    return this.stopReason !== undefined || this.deadlineExceeded || this.terminating;
  }

  private inits(): Slot[] {
    return this.slots.filter((s) => s.role === 'init');
  }

  private regular(): Slot[] {
    return this.slots.filter((s) => s.role !== 'init');
  }

  /** An ARGO_* value from the main containers' env. */
  private mainEnv(name: string): string | undefined {
    for (const s of this.regular()) {
      if (s.role !== 'main') continue;
      const v = literalEnv(s.spec, name);
      if (v !== undefined) return v;
    }
    return undefined;
  }
}

/** stdout kept for the result: upstream's 256 kB, plus the trailing newline it trims first. */
const RESULT_CAPTURE_BYTES = 256 * 1024 + 1;

function slot(spec: Container, role: Role): Slot {
  return { spec, name: spec.name ?? '', role, killedByUs: false };
}

/** A container that makes the pod fail; a sidecar the runtime stopped itself does not. */
function failedContainer(s: Slot): boolean {
  const code = s.termination?.exitCode;
  if (code === undefined || code === 0) return false;
  if (s.role === 'sidecar' && s.killedByUs) return false;
  return true;
}

function gracePeriodMs(pod: Pod, fallback: number): number {
  const fromSpec = pod.spec.terminationGracePeriodSeconds;
  if (typeof fromSpec === 'number' && fromSpec >= 0) return fromSpec * 1000;
  for (const c of pod.spec.containers) {
    const v = Number(literalEnv(c, ENV_TERMINATION_GRACE_PERIOD_SECONDS));
    if (v > 0) return v * 1000;
  }
  return fallback;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** containerSet retryStrategy.duration: a Go duration; an unreadable one means no pause. */
function retryPauseMs(text: string | undefined): number {
  try {
    return text ? parseGoDuration(text) : 0;
  } catch {
    return 0;
  }
}
