// Writing a pod's status as a kubelet would, for a pod run on the host: patches go out in order,
// nothing after the final one, and progress reports also say which runtime runs the pod and its
// process groups, so a runtime that takes over after a crash knows what to kill.
import { hostname } from 'node:os';
import type { Pod, PodStatus } from '../../model/pod.js';
import type { ResourceStore } from '../../store/types.js';

export const ANNOTATION_HOST_PGID = 'argo-ts.io/host-pgid';
export const ANNOTATION_HOST_OWNER = 'argo-ts.io/host-runtime';

const POD_IP = '127.0.0.1';
const NODE_NAME = hostname();

export interface StatusWriterInput {
  store: ResourceStore;
  pod: Pod;
  /** This runtime's identity. */
  owner: string;
  startTime: string;
  /** Whether writing has stopped (the pod is gone or the runtime stopping). */
  stopped(): boolean;
  /** The pod is gone (404). */
  onGone(): void;
  onError(err: unknown, where: string): void;
}

export class StatusWriter {
  private writes: Promise<void> = Promise.resolve();
  private finalizing = false;

  constructor(private readonly input: StatusWriterInput) {}

  /**
   * A progress report (Pending, Running), dropped once the final status is on its way. The
   * process groups are read when the write goes out, so it names every one started by then.
   */
  progress(status: PodStatus, pgids: () => number[]): void {
    void this.enqueue(status, pgids);
  }

  final(status: PodStatus): Promise<void> {
    this.finalizing = true;
    return this.enqueue(status, undefined);
  }

  private enqueue(status: PodStatus, pgids: (() => number[]) | undefined): Promise<void> {
    const { store, pod, owner } = this.input;
    const ns = pod.metadata.namespace ?? '';
    const name = pod.metadata.name ?? '';
    const write = async (): Promise<void> => {
      if (this.input.stopped() || (pgids && this.finalizing)) return;
      const patch: {
        status: PodStatus;
        spec?: { nodeName: string };
        metadata?: { annotations: Record<string, string> };
      } = { status: { startTime: this.input.startTime, podIP: POD_IP, hostIP: POD_IP, ...status } };
      // The node it runs on, as the scheduler would have set it (Argo shows it as hostNodeName).
      if (!pod.spec.nodeName) patch.spec = { nodeName: NODE_NAME };
      if (pgids)
        patch.metadata = {
          annotations: { [ANNOTATION_HOST_OWNER]: owner, [ANNOTATION_HOST_PGID]: pgids().join(',') },
        };
      try {
        await store.patch<Pod>('Pod', ns, name, patch);
      } catch (err) {
        if ((err as { code?: number }).code === 404) this.input.onGone();
        else this.input.onError(err, `pod ${ns}/${name}: writing status`);
      }
    };
    this.writes = this.writes.then(write);
    return this.writes;
  }
}
