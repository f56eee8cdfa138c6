// Running a pod on the host as a kubelet does and no more, for pods whose own containers do
// argoexec's work (see argoexec-layout.ts): init containers one after another, then the
// containers together, each in its own mount namespace with the pod's volumes at their mount
// paths and a termination log at its terminationMessagePath; container statuses, exit codes and
// termination messages reported as the kubelet reports them. Nothing of the node's inputs or
// outputs is touched here. As on a kubelet, containers still running once the main containers are
// done run on: the controller ends them through pods/exec (HostRuntime.exec), and a sidecar's
// emissary ends it too. Containers run under their shims, as a container runtime keeps them
// apart from the kubelet: a runtime started after this one died adopts the pod (HostPodRun's
// adopting), waiting on the containers that run, keeping the exits of those that ended, and
// starting only those never started, so no step of the pod runs twice.
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Container } from '../../model/meta.js';
import type { ContainerStatus, Pod, PodStatus } from '../../model/pod.js';
import { rfc3339 } from '../../workflow/phase.js';
import { containerLogPath } from '../paths.js';
import { MAIN_CONTAINER_NAME, podTemplate, WAIT_CONTAINER_NAME } from '../pod-contract.js';
import {
  containerBinds,
  emulateImage,
  layoutMainNames,
  NEEDS_ISOLATION_MESSAGE,
  type ArgoexecSupport,
  type ExecutorView,
} from './argoexec-layout.js';
import { CommandError, resolveCommand } from './command.js';
import { ContainerFs, type PrivatePath } from './container-fs.js';
import { overlayRoot } from './isolation.js';
import { finishedAt, type ProcessExit } from './container-process.js';
import { runningStatus, terminatedStatus, waitingStatus } from './container-status.js';
import { containerEnv, ContainerConfigError, PodObjects } from './env.js';
import { HostPodRun, hostSlot, type HostContext, type HostSlot } from './host-pod-run.js';
import { LineLog } from './line-log.js';
import { writeHostsFile } from './pod-folders.js';
import { materializeVolumes, resolveMounts, type PodVolume, type ResolvedMount } from './volumes.js';

export interface KubeletContext extends HostContext {
  argoexec: ArgoexecSupport;
}

const DEFAULT_TERMINATION_LOG = '/dev/termination-log';
/** The most of a termination log the kubelet reports. */
const TERMINATION_MESSAGE_BYTES = 4096;

interface Slot extends HostSlot<'main' | 'wait' | 'sidecar'> {
  terminationLog?: string;
  finished?: Promise<void>;
  /** Over: terminated, or never to start. */
  ended?: boolean;
}

export class KubeletRun extends HostPodRun<Slot, KubeletContext> {
  readonly done: Promise<void>;
  private readonly objects: PodObjects;
  private readonly outputPaths: PrivatePath[];
  private volumes = new Map<string, PodVolume>();
  private view: ExecutorView | undefined;
  private hostsFile: string | undefined;
  /** Why containers not started yet cannot be: the kubelet's CreateContainerConfigError. */
  private configError: ContainerConfigError | undefined;

  /** `adopt`: take over the pod from the runtime that started it and died (see HostPodRun.adopted). */
  constructor(ctx: KubeletContext, pod: Pod, adopt = false) {
    const tmpl = podTemplate(pod);
    const mains = layoutMainNames(tmpl);
    const role = (c: Container): Slot['role'] =>
      mains.has(c.name ?? '') ? 'main' : c.name === WAIT_CONTAINER_NAME ? 'wait' : 'sidecar';
    const slots = [
      ...(pod.spec.initContainers ?? []).map((c) => hostSlot(c, 'init')),
      ...pod.spec.containers.map((c) => hostSlot(c, role(c))),
    ];
    const grace = pod.spec.terminationGracePeriodSeconds;
    super(
      ctx,
      pod,
      slots,
      typeof grace === 'number' && grace >= 0 ? grace * 1000 : ctx.defaultGraceMs,
      adopt,
    );
    // Where main writes its outputs is its own, as in a container: not the host's, nor another pod's.
    this.outputPaths = [
      ...(tmpl?.outputs?.parameters ?? []).map((p) => p.valueFrom?.path),
      ...(tmpl?.outputs?.artifacts ?? []).map((a) => a.path),
    ]
      .filter((p): p is string => !!p && p.startsWith('/'))
      .map((p) => ({ path: p, kind: 'output' as const }));
    this.objects = new PodObjects(ctx.store, this.ns);
    this.done = this.begin();
  }

  // -------------------------------------------------------------------------------------------

  protected async runPod(): Promise<void> {
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
    this.startClocks();
    if ((await this.runInits()) && !this.stopping()) await this.runContainers();
    if (this.stopReason) return;
    await this.status.final(this.finalStatus());
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
      // Writable by the container's user, whoever that is, as the kubelet makes it (0666). One that
      // already started (adopted) may have written its message: kept.
      if (!this.startedBefore(s)) {
        await writeFile(s.terminationLog, '');
        await chmod(s.terminationLog, 0o666);
      }
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
        overlay: overlayRoot(this.ctx.isolation),
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
    // An adopted container's start is its shim's (see adopted()), set once it is found.
    if (!this.startedBefore(s)) s.startedAt = rfc3339(new Date());
    let log: LineLog | undefined;
    let exit: ProcessExit;
    try {
      log = LineLog.open(containerLogPath(this.ctx.home, this.ns, this.name, s.name));
      const binds = containerBinds(this.view, s.fs?.binds ?? [], overlayRoot(this.ctx.isolation));
      const problem = this.startProblem(s, binds);
      if (problem || !s.argv) {
        const message = problem?.message ?? 'no command specified';
        log.write([Buffer.from(message)]);
        exit = { exitCode: 128, reason: 'StartError', message };
      } else {
        // Started by the runtime before (adopted): watched to its end, never started again.
        const proc = (await this.adopted(s, 1, 0)) ?? this.spawn(s, log, binds, 0);
        s.startedAt ??= rfc3339(new Date());
        this.report();
        // Stopped while this one was still being started.
        if (this.stopping()) void proc.terminate(this.graceMs);
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
    const finished = finishedAt(exit);
    s.termination = {
      exitCode: exit.exitCode,
      message: exit.message ?? (await terminationMessage(s.terminationLog)),
      reason: exit.reason,
      startedAt: s.startedAt ?? finished,
      finishedAt: finished,
    };
  }

  // ---- status -------------------------------------------------------------------------------

  protected statusOf(s: Slot, waitingReason: string): ContainerStatus {
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
    // restartPolicy Never: the pod failed if any container did not end with 0.
    return this.finishStatus(status, !initsOk || this.regular().some((s) => s.termination?.exitCode !== 0));
  }

  /** Running: the containers, and the init containers that ran before them. */
  protected runningPodStatus(): PodStatus {
    const inits = this.inits().map((s) => this.statusOf(s, 'PodInitializing'));
    const status: PodStatus = {
      phase: 'Running',
      containerStatuses: this.regular().map((s) => this.statusOf(s, 'ContainerCreating')),
    };
    if (inits.length) status.initContainerStatuses = inits;
    return status;
  }
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
