// Running one pod on the host, playing the kubelet and argoexec together: init containers in
// order, then main containers and sidecars together (containerSet containers once their
// dependencies succeeded), sidecars killed when the main containers are done, deadlines, outputs
// reported as a WorkflowTaskResult, and the pod's status written back as Kubernetes would.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Container } from '../../model/meta.js';
import type { ContainerStatus, Pod, PodStatus } from '../../model/pod.js';
import type { Outputs, Template } from '../../model/template.js';
import { localArtifactRoot, Repositories } from '../../artifacts/index.js';
import { parseGoDuration } from '../../workflow/duration.js';
import { rfc3339 } from '../../workflow/phase.js';
import { containerLogPath } from '../paths.js';
import {
  ANNOTATION_NODE_ID,
  containerDependencies,
  ENV_DEADLINE,
  ENV_INCLUDE_SCRIPT_OUTPUT,
  ENV_NODE_ID,
  ENV_TERMINATION_GRACE_PERIOD_SECONDS,
  ENV_WORKFLOW_NAME,
  ENV_WORKFLOW_UID,
  INIT_CONTAINER_NAME,
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
import { overlayRoot } from './isolation.js';
import { finishedAt, type ProcessExit } from './container-process.js';
import { runningStatus, terminatedStatus, waitingStatus, type Termination } from './container-status.js';
import { containerEnv, ContainerConfigError, PodObjects } from './env.js';
import { HostPodRun, hostSlot, type HostContext, type HostSlot } from './host-pod-run.js';
import { logInputs, logOutputs, openExecutorLog } from './executor-log.js';
import { LineLog } from './line-log.js';
import type { ExecutorLog } from '../argoexec/log.js';
import { OutputCollector } from './outputs.js';
import { STAGING_DIR, stagingFolderExists, writeHostsFile } from './pod-folders.js';
import { writeTaskResult } from './task-result.js';
import { materializeVolumes, resolveMounts, type PodVolume } from './volumes.js';
import { traceStep } from '../../step-trace.js';

const STEP_DEADLINE_MESSAGE = 'Step exceeded its deadline';
/** What a container waiting on its dependencies exits with when it is terminated (emissary). */
const TERMINATED_WAITING = 143;

interface Slot extends HostSlot<'main' | 'sidecar'> {
  /** Made while preparing; its file is opened at its first line, which the shim may write instead. */
  log?: LineLog;
  termination?: Termination & { stdout?: Buffer };
  killedByUs: boolean;
}

export class PodRun extends HostPodRun<Slot> {
  readonly done: Promise<void>;
  private readonly tmpl: Template | undefined;
  private readonly collector: OutputCollector;
  private readonly objects: PodObjects;
  private readonly artifacts: PodArtifacts;
  private readonly repositories: Repositories;
  /** A data template's result, which its main container (argoexec upstream) produced in-process. */
  private dataResult: string | undefined;
  private stepDeadlineExceeded = false;
  /** Re-decides waiting containerSet containers; set while main containers run. */
  private settle: () => void = () => undefined;

  /** `adopt`: take over the pod from the runtime that started it and died (see HostPodRun.adopted). */
  constructor(ctx: HostContext, pod: Pod, adopt = false) {
    const tmpl = podTemplate(pod);
    const mains = mainContainerNames(pod, tmpl);
    const slots = [
      ...(pod.spec.initContainers ?? []).map((c) => slot(c, 'init')),
      ...pod.spec.containers.map((c) => slot(c, mains.has(c.name ?? '') ? 'main' : 'sidecar')),
    ];
    super(ctx, pod, slots, gracePeriodMs(pod, ctx.defaultGraceMs), adopt);
    this.tmpl = tmpl;
    this.collector = new OutputCollector(this.tmpl, this.mainEnv(ENV_INCLUDE_SCRIPT_OUTPUT) === 'true');
    this.objects = new PodObjects(ctx.store, this.ns);
    const repositories = (this.repositories = new Repositories({
      localRoot: localArtifactRoot(ctx.home),
      secret: async (name, key) => (await this.objects.entries('Secret', name))?.get(key)?.toString('utf8'),
    }));
    this.artifacts = new PodArtifacts(this.tmpl, this.dir, repositories);
    this.done = this.begin();
  }

  // -------------------------------------------------------------------------------------------

  protected async runPod(): Promise<void> {
    try {
      await this.prepare();
    } catch (err) {
      if (err instanceof InputArtifactError) {
        await this.status.final(this.initFailure(err.message));
        return;
      }
      if (!(err instanceof ContainerConfigError)) throw err;
      await this.status.final({
        phase: 'Failed',
        initContainerStatuses: this.inits().map((s) => waitingStatus(s.spec, err.reason, err.message)),
        containerStatuses: this.regular().map((s) => waitingStatus(s.spec, err.reason, err.message)),
      });
      return;
    }
    if (this.stopReason) return;
    traceStep('prepared', this.name);
    this.startClocks();
    const initOk = await this.runInitContainers();
    if (this.stopReason) return;
    if (!initOk || this.deadlineExceeded) {
      await this.status.final(this.finalStatus(undefined));
      return;
    }
    // The wait container runs beside the main containers, then saves their outputs.
    const saved = await this.asExecutor(WAIT_CONTAINER_NAME, async (log) => {
      await this.runMainContainers();
      if (this.stopReason) return undefined;
      log.info('Main container completed', { containers: this.mainNames().join(',') });
      const main = this.regular().find((s) => s.name === MAIN_CONTAINER_NAME && s.role === 'main');
      const collected = this.collector.collect({
        fs: main?.fs,
        exitCode: main?.termination?.exitCode,
        stdout: main?.termination?.stdout,
      });
      if (this.dataResult !== undefined) collected.outputs.result = this.dataResult;
      const artifactError = await this.saveArtifacts(main?.fs, collected.outputs);
      const error = collected.error ?? artifactError;
      logOutputs(log, collected.outputs, error);
      return { outputs: collected.outputs, error };
    });
    if (!saved) return;
    const { outputs } = saved;
    // The logs are whole before the result goes out, so the final status (which waits for them)
    // follows the result at once and one controller pass takes both.
    await this.logsWritten();
    // The result goes first: the controller must never see the pod done without its outputs
    // (outputs the store refused, on a full disk, fail the wait container as upstream's would).
    const refused = await this.writeTaskResult(outputs);
    const error = saved.error ?? refused;
    traceStep('task result written', this.name);
    if (this.stopReason) return;
    const wait: Termination = {
      exitCode: error ? 64 : 0,
      message: error ?? (this.stepDeadlineExceeded ? STEP_DEADLINE_MESSAGE : undefined),
      startedAt: this.startTime,
      finishedAt: rfc3339(new Date()),
    };
    await this.status.final(this.finalStatus(wait));
    traceStep('status written', this.name);
  }

  private async prepare(): Promise<void> {
    const objects = this.objects;
    const volumes = await materializeVolumes(this.pod, this.dir, this.ctx.home, objects);
    const inputs = await this.asExecutor(INIT_CONTAINER_NAME, async (log) => {
      const staged = await this.artifacts.stageInputs();
      logInputs(log, staged);
      return staged;
    });
    const hostsFile = this.hostsFile();
    const receivers = this.slots.filter((s) => s.role === 'main').length;
    for (const s of this.slots) await this.prepareSlot(s, volumes, objects, hostsFile, inputs, receivers > 1);
  }

  /**
   * Runs `work` as argoexec's `container` (init or wait) would, its account of it in that
   * container's log; an error it throws is logged there too.
   */
  private async asExecutor<T>(container: string, work: (log: ExecutorLog) => Promise<T>): Promise<T> {
    const log = openExecutorLog(this.ctx.home, this.ns, this.name, container, this.tmpl?.name ?? '');
    try {
      return await work(log);
    } catch (err) {
      log.error('executor error', { error: (err as Error).message });
      throw err;
    } finally {
      this.markLogDone(container, log.close());
    }
  }

  private mainNames(): string[] {
    return this.regular()
      .filter((s) => s.role === 'main')
      .map((s) => s.name);
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
      overlay: overlayRoot(this.ctx.isolation),
    });
    s.fs = fs;
    for (const f of fs.folders) mkdirSync(f, { recursive: true });
    s.log = LineLog.open(containerLogPath(this.ctx.home, this.ns, this.name, s.name));
    // A container that already ran (adopted) has its inputs, and may have changed them since.
    if (!this.startedBefore(s)) await this.artifacts.placeInputs(artifactInputs, fs, copyInputs);
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
      for (let attempt = this.firstAttempt(s); ; attempt++) {
        traceStep(`starting ${s.name}`, this.name);
        exit = await this.start(s, log, attempt);
        traceStep(`exited ${s.name}`, this.name);
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
      finishedAt: finishedAt(exit),
      stdout: exit.stdout,
    };
    return s.termination;
  }

  /** One attempt: the process's exit, or at once the error when the command could not be resolved. */
  private async start(s: Slot, log: LineLog, attempt: number): Promise<ProcessExit> {
    // Stopped or out of time before it could start: as if terminated while waiting to.
    if (this.stopping() || (s.role === 'main' && this.stepDeadlineExceeded))
      return Promise.resolve({ exitCode: TERMINATED_WAITING });
    if (this.tmpl?.data && s.role === 'main' && s.name === MAIN_CONTAINER_NAME) return this.runData(log);
    const problem = this.startProblem(s, s.fs?.binds ?? []);
    if (problem || !s.argv) {
      const message = problem?.message ?? 'no command to run';
      log.write([Buffer.from(message)]);
      return Promise.resolve({ exitCode: problem?.exitCode ?? 64, message });
    }
    const capture =
      s.name === MAIN_CONTAINER_NAME && s.role === 'main' && this.collector.capturesStdout
        ? RESULT_CAPTURE_BYTES
        : 0;
    const proc =
      (await this.adopted(s, attempt, capture)) ?? this.spawn(s, log, s.fs!.binds, capture, attempt);
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
  protected override killAll(): void {
    super.killAll();
    this.settle();
  }

  private terminateUnstarted(s: Slot, exitCode: number, message?: string): void {
    const now = rfc3339(new Date());
    s.termination = { exitCode, message, startedAt: s.startedAt ?? now, finishedAt: now };
    if (message) s.log?.write([Buffer.from(message)]);
    s.log?.close();
    this.markLogDone(s.name);
  }

  // ---- deadlines ----------------------------------------------------------------------------

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

  protected statusOf(s: Slot, waitingReason: string): ContainerStatus {
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
    const failed =
      // Stopped before its containers ran (being deleted, out of time, an init container failed).
      this.regular().some((s) => !s.termination) ||
      this.inits().some((s) => s.termination?.exitCode !== 0) ||
      this.regular().some((s) => failedContainer(s)) ||
      (wait !== undefined && wait.exitCode !== 0);
    return this.finishStatus(status, failed);
  }

  /** Running: the containers, and wait (played here) since the pod's start. */
  protected runningPodStatus(): PodStatus {
    return {
      phase: 'Running',
      containerStatuses: [
        ...this.regular().map((s) => this.statusOf(s, 'ContainerCreating')),
        runningStatus({ name: WAIT_CONTAINER_NAME }, this.startTime),
      ],
    };
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

  /**
   * Writes the outputs for the controller, trying a transient refusal again (told once per
   * streak); what went wrong when the store refused them for good.
   */
  private async writeTaskResult(outputs: Outputs): Promise<string | undefined> {
    const nodeId = this.pod.metadata.annotations?.[ANNOTATION_NODE_ID] ?? this.mainEnv(ENV_NODE_ID);
    if (!nodeId) return undefined;
    const workflow = this.pod.metadata.labels?.[LABEL_WORKFLOW] ?? this.mainEnv(ENV_WORKFLOW_NAME) ?? '';
    const where = `pod ${this.ns}/${this.name}: writing task result ${nodeId}`;
    try {
      await writeTaskResult(
        this.ctx.store,
        { namespace: this.ns, nodeId, workflow, workflowUid: this.mainEnv(ENV_WORKFLOW_UID) },
        outputs,
        this.ctx.taskResultBackoff,
        {
          onRetry: (err, attempt) => {
            if (attempt === 1) this.ctx.onError(err, `${where} (retrying)`);
          },
          stopped: () => this.stopReason !== undefined,
        },
      );
      return undefined;
    } catch (err) {
      this.ctx.onError(err, where);
      return `saving the outputs: ${(err as Error).message}`;
    }
  }

  // ---- helpers ------------------------------------------------------------------------------

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

function slot(spec: Container, role: Slot['role']): Slot {
  return { ...hostSlot(spec, role), killedByUs: false };
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

/** containerSet retryStrategy.duration: a Go duration; an unreadable one means no pause. */
function retryPauseMs(text: string | undefined): number {
  try {
    return text ? parseGoDuration(text) : 0;
  } catch {
    return 0;
  }
}
