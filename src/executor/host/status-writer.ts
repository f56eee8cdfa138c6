// Writing a pod's status as a kubelet would, for a pod run on the host: patches go out in order,
// nothing after the final one, and progress reports also say which runtime runs the pod and its
// process groups, so a runtime that takes over after a crash knows what to kill. A final status
// the store refuses (a full disk, an I/O error: the write rolls back) is retried until it is
// written, the pod is gone or the runtime stops, so the node ends once the store can take it; the
// failure is reported once per streak, not once per try.
import { setTimeout as sleep } from 'node:timers/promises';
import { hostname } from 'node:os';
import type { Pod, PodStatus } from '../../model/pod.js';
import type { ResourceStore } from '../../store/types.js';

export const ANNOTATION_HOST_PGID = 'argo-ts.io/host-pgid';
export const ANNOTATION_HOST_OWNER = 'argo-ts.io/host-runtime';

const POD_IP = '127.0.0.1';
/** The node the host runtime binds the pods it runs to (spec.nodeName): this host's name. */
export const NODE_NAME = hostname();
/** The first retry of a refused final status, doubled after each failure up to the last. */
const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 4000;

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
  /** The store refused the final status: free what the pod still holds on disk before it is tried again. */
  onRefused?(): Promise<void>;
  /**
   * Resolves once the pod's logs are whole (their last lines and done markers written): a pod is
   * reported finished only then, so a reader of its logs, or whoever removes its files once the
   * workflow is done, never finds them half written.
   */
  logsWritten?(): Promise<unknown>;
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

  async final(status: PodStatus): Promise<void> {
    this.finalizing = true;
    await this.input.logsWritten?.();
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
      for (let delay = RETRY_FIRST_MS, tries = 1; ; delay = Math.min(delay * 2, RETRY_MAX_MS), tries++) {
        try {
          await store.patch<Pod>('Pod', ns, name, patch);
          return;
        } catch (err) {
          if ((err as { code?: number }).code === 404) return this.input.onGone();
          const final = pgids === undefined;
          if (tries === 1)
            this.input.onError(err, `pod ${ns}/${name}: writing status${final ? ' (retrying)' : ''}`);
          if (!final || this.input.stopped()) return;
          if (tries === 1) await this.input.onRefused?.();
        }
        await sleep(delay);
        if (this.input.stopped()) return;
      }
    };
    this.writes = this.writes.then(write);
    return this.writes;
  }
}
