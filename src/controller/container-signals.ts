// Ending the containers a pod keeps running once its main containers are done. On a cluster the
// pod's sidecars would otherwise run on (a sidecar's emissary ends it, but not a container the
// emissary does not wrap, such as one a mutating webhook injected), and with them the pod and its
// node. As upstream's controller does, every container still running is sent SIGTERM through the
// pods/exec subresource (`argoexec kill 15 1` where argoexec is at hand, `kill -15 1` in a shell
// otherwise, or the command the pod's kill-cmd annotation gives), then SIGKILL once the pod's
// termination grace period has passed. The local engine's runtime ends sidecars itself and gives
// the controller no exec.
// One difference, and why: upstream signals its wait container too, which only makes wait stop
// waiting for exit codes that are all in already. Ours is a Node process that installs its SIGTERM
// handler some time after it starts; a SIGTERM in that window (main can be done by then) would kill
// it before it reported, failing the node. So wait, which ends on its own, is left alone.
import type { Pod } from '../model/pod.js';
import type { Template } from '../model/template.js';
import { VAR_RUN_ARGO } from '../executor/argoexec/pod-paths.js';
import { killCommandAnnotation, mainContainerNames, WAIT_CONTAINER_NAME } from '../executor/pod-contract.js';
import type { Timers } from '../store/informer/index.js';
import { ARGOEXEC_COPY } from './argoexec-pod.js';

/** Runs a command in a container of a pod (pods/exec); rejects when it cannot or the command fails. */
export type PodExec = (namespace: string, pod: string, container: string, command: string[]) => Promise<void>;

const SIGTERM = 15;
const SIGKILL = 9;
/** What the API server takes when a pod names no terminationGracePeriodSeconds. */
const DEFAULT_GRACE_MS = 30_000;

/**
 * A running pod needs its containers ended when a main container failed, or when every main
 * container has terminated (then only sidecars and wait are left).
 */
export function podNeedsTermination(pod: Pod, tmpl: Template): boolean {
  if (pod.status?.phase !== 'Running') return false;
  const mains = mainContainerNames(pod, tmpl);
  const statuses = (pod.status.containerStatuses ?? []).filter((c) => mains.has(c.name));
  if (statuses.some((c) => (c.state?.terminated?.exitCode ?? 0) !== 0)) return true;
  return statuses.length > 0 && statuses.every((c) => c.state?.terminated !== undefined);
}

/** The command that delivers `signum` to the entrypoint (PID 1) of `container`. */
export function killCommand(pod: Pod, container: string, signum: number): string[] {
  let command = ['/bin/sh', '-c', 'kill -%d 1'];
  if (container === WAIT_CONTAINER_NAME) {
    // The executor's own container has argoexec on its PATH.
    command = ['argoexec', 'kill', '%d', '1'];
  } else {
    const spec = pod.spec.containers.find((c) => c.name === container);
    // A container that mounts /var/run/argo has the copy of argoexec the init container left there.
    if (spec?.volumeMounts?.some((m) => m.mountPath === VAR_RUN_ARGO))
      command = [ARGOEXEC_COPY, 'kill', '%d', '1'];
  }
  const annotated = pod.metadata.annotations?.[killCommandAnnotation(container)];
  if (annotated !== undefined) {
    const parsed: unknown = JSON.parse(annotated);
    if (!Array.isArray(parsed) || !parsed.every((a) => typeof a === 'string'))
      throw new Error(
        `the kill command annotation of container ${container} is not a list of strings: ${annotated}`,
      );
    command = parsed;
  }
  return command.map((a) => a.replace('%d', String(signum)));
}

export interface ContainerTerminatorOptions {
  exec: PodExec;
  /** The pod as the controller sees it now; undefined once it is gone. */
  getPod: (namespace: string, name: string) => Pod | undefined;
  timers: Timers;
  log: (msg: string) => void;
}

/** Sends SIGTERM, then SIGKILL after the grace period, to a pod's running containers; once per pod. */
export class ContainerTerminator {
  /** Pods (namespace/name/uid) being ended: asked again, nothing is sent twice. */
  private readonly ending = new Set<string>();
  private readonly cancels = new Set<() => void>();

  constructor(private readonly o: ContainerTerminatorOptions) {}

  terminate(namespace: string, name: string): void {
    const pod = this.o.getPod(namespace, name);
    if (!pod) return;
    const key = `${namespace}/${name}/${pod.metadata.uid ?? ''}`;
    if (this.ending.has(key)) return;
    this.ending.add(key);
    const graceSeconds = pod.spec.terminationGracePeriodSeconds;
    const graceMs =
      typeof graceSeconds === 'number' && graceSeconds >= 0 ? graceSeconds * 1000 : DEFAULT_GRACE_MS;
    void this.signalRunning(namespace, name, SIGTERM).then(() => {
      const at = new Date(this.o.timers.now().getTime() + graceMs);
      const cancel = this.o.timers.setTimer(at, () => {
        this.cancels.delete(cancel);
        void this.signalRunning(namespace, name, SIGKILL).finally(() => this.ending.delete(key));
      });
      this.cancels.add(cancel);
    });
  }

  /** Stops the SIGKILLs still to come (the controller is stopping). */
  stop(): void {
    for (const cancel of this.cancels) cancel();
    this.cancels.clear();
  }

  private async signalRunning(namespace: string, name: string, signum: number): Promise<void> {
    const pod = this.o.getPod(namespace, name);
    if (!pod) return;
    const running = (pod.status?.containerStatuses ?? []).filter(
      (c) => c.state?.running !== undefined && c.name !== WAIT_CONTAINER_NAME,
    );
    await Promise.all(
      running.map(async (c) => {
        try {
          await this.o.exec(namespace, name, c.name, killCommand(pod, c.name, signum));
          this.o.log(`signaled container ${namespace}/${name}/${c.name} with ${signum}`);
        } catch (err) {
          // As upstream: a container that cannot be signalled (gone meanwhile, no shell) is only logged.
          this.o.log(
            `signaling container ${namespace}/${name}/${c.name} with ${signum}: ${(err as Error).message}`,
          );
        }
      }),
    );
  }
}
