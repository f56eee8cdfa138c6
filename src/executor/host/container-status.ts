// Container statuses as the kubelet reports them, which is what the controller reads to decide a
// node's phase and message ("main: Error (exit code 1)").
import type { Container } from '../../model/meta.js';
import type { ContainerStatus } from '../../model/pod.js';

export function waitingStatus(c: Container, reason: string, message?: string): ContainerStatus {
  return { ...identity(c), ready: false, state: { waiting: message ? { reason, message } : { reason } } };
}

export function runningStatus(c: Container, startedAt: string): ContainerStatus {
  return { ...identity(c), ready: true, state: { running: { startedAt } } };
}

export interface Termination {
  exitCode: number;
  message?: string;
  /** Overrides the reason derived from the exit code. */
  reason?: string;
  startedAt: string;
  finishedAt: string;
}

export function terminatedStatus(c: Container, t: Termination): ContainerStatus {
  const terminated: NonNullable<ContainerStatus['state']>['terminated'] = {
    exitCode: t.exitCode,
    reason: t.reason ?? (t.exitCode === 0 ? 'Completed' : 'Error'),
    startedAt: t.startedAt,
    finishedAt: t.finishedAt,
  };
  if (t.message) terminated.message = t.message;
  return { ...identity(c), ready: false, state: { terminated } };
}

function identity(c: Container): Pick<ContainerStatus, 'name' | 'image' | 'restartCount'> {
  const id: Pick<ContainerStatus, 'name' | 'image' | 'restartCount'> = {
    name: c.name ?? '',
    restartCount: 0,
  };
  if (c.image) id.image = c.image;
  return id;
}
