// The embedded engine on this machine: the workflow controller and the host runtime over the
// local store. One engine runs at a time per ARGO_HOME, arbitrated by a Lease in the store: the CLI
// runs it in-process while it waits on a workflow, otherwise a detached `argo workflow-controller`
// does, and exits once nothing is left to run.
import { spawn } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WorkflowController } from '../../controller/controller.js';
import { CronController, deleteWorkflowAndPods } from '../../controller/cron/index.js';
import type { Pod } from '../../model/pod.js';
import { HostRuntime } from '../../executor/host/runtime.js';
import { LeaderElector, leaseHolder, readLease } from '../../store/lease.js';
import type { ResourceStore } from '../../store/types.js';
import { openLocalArchive } from '../../persist/local-archive.js';
import type { SqlWorkflowArchive } from '../../persist/workflow-archive.js';

export const CONTROLLER_LEASE = 'workflow-controller';
const LEASE_SECONDS = 6;

/** Runs the controller and the host runtime for as long as this process holds the lease. */
export class Engine {
  private controller?: WorkflowController;
  private cron?: CronController;
  private runtime?: HostRuntime;
  private archive?: SqlWorkflowArchive;
  private readonly elector: LeaderElector;
  private leading?: Promise<void>;
  private resolveLeading?: () => void;

  constructor(
    private readonly store: ResourceStore,
    private readonly home: string,
    private readonly log: (msg: string) => void = () => undefined,
  ) {
    this.elector = new LeaderElector(store, {
      name: CONTROLLER_LEASE,
      holder: `${os.hostname()}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
      durationSeconds: LEASE_SECONDS,
      onError: (err) => this.log(`lease: ${err.message}`),
    });
  }

  get isLeader(): boolean {
    return this.elector.isLeader;
  }

  /** Contends for the lease; the returned promise resolves once this engine leads. */
  start(): Promise<void> {
    if (this.leading) return this.leading;
    this.leading = new Promise((resolve) => (this.resolveLeading = resolve));
    this.elector.start(
      () => void this.onStartedLeading(),
      () => void this.onStoppedLeading(),
    );
    return this.leading;
  }

  private async onStartedLeading(): Promise<void> {
    this.runtime = new HostRuntime(this.store, { home: this.home });
    await this.runtime.start();
    // Without its archive the engine still runs workflows; they stay Pending archiving until it opens.
    this.archive = await openLocalArchive(this.home).catch((err: Error) => {
      this.log(err.message);
      return undefined;
    });
    this.controller = new WorkflowController({
      store: this.store,
      log: this.log,
      home: this.home,
      archive: this.archive,
    });
    await this.controller.start();
    this.cron = new CronController({
      store: this.store,
      log: this.log,
      deleteWorkflow: (ns, name) => deleteLocalWorkflow(this.store, this.home, ns, name),
    });
    await this.cron.start();
    this.resolveLeading?.();
  }

  private async onStoppedLeading(): Promise<void> {
    await this.cron?.stop();
    this.cron = undefined;
    await this.controller?.stop();
    await this.runtime?.stop();
    this.controller = undefined;
    this.runtime = undefined;
    await this.archive?.close();
    this.archive = undefined;
  }

  /** Workflows not yet completed that this engine knows of. */
  activeWorkflowCount(): number {
    return this.controller?.activeWorkflowCount() ?? 0;
  }

  /** CronWorkflows that may still run (neither suspended nor stopped), which need this engine up. */
  scheduledCronCount(): number {
    return this.cron?.activeCronCount() ?? 0;
  }

  async stop(): Promise<void> {
    await this.elector.stop();
    await this.onStoppedLeading();
  }
}

/** Removes a workflow the cron history limit drops, with its pods and the folders the host runtime kept for them. */
async function deleteLocalWorkflow(
  store: ResourceStore,
  home: string,
  ns: string,
  name: string,
): Promise<void> {
  const pods = await store.list<Pod>('Pod', {
    namespace: ns,
    labelSelector: `workflows.argoproj.io/workflow=${name}`,
  });
  await deleteWorkflowAndPods(store, ns, name);
  for (const pod of pods.items) {
    for (const folder of ['logs', 'pods'])
      await rm(path.join(home, folder, ns, pod.metadata.name ?? ''), { recursive: true, force: true });
  }
}

/** Whether some live process (this one or another) holds the controller lease. */
export async function controllerRunning(store: ResourceStore): Promise<boolean> {
  return leaseHolder(await readLease(store, CONTROLLER_LEASE)) !== undefined;
}

/** Seconds a detached controller stays up with nothing to do. */
export const IDLE_EXIT_ENV = 'ARGO_TS_CONTROLLER_IDLE_EXIT_SECONDS';

/** Starts `argo workflow-controller` in the background, logging to `<home>/controller.log`. */
export function spawnDetachedController(home: string): void {
  mkdirSync(home, { recursive: true });
  const logFd = openSync(path.join(home, 'controller.log'), 'a');
  const bin = fileURLToPath(new URL('../../../bin/argo.js', import.meta.url));
  const child = spawn(process.execPath, [bin, 'workflow-controller'], {
    detached: true,
    stdio: ['ignore', logFd, logFd],
    env: {
      ...process.env,
      ARGO_HOME: home,
      ARGO_LOCAL: 'true',
      [IDLE_EXIT_ENV]: process.env[IDLE_EXIT_ENV] ?? '60',
    },
  });
  child.unref();
}
