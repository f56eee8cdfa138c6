// Where the host runtime keeps a pod's files under the argo home: a working folder per pod and a
// log folder per pod that outlives it (argo logs reads it after the pod is gone).
import path from 'node:path';

export function podDir(home: string, namespace: string, podName: string): string {
  return path.join(home, 'pods', namespace, podName);
}

export function podLogDir(home: string, namespace: string, podName: string): string {
  return path.join(home, 'logs', namespace, podName);
}

export function containerLogPath(
  home: string,
  namespace: string,
  podName: string,
  container: string,
): string {
  return path.join(podLogDir(home, namespace, podName), `${container}.log`);
}

/** Written when a container's log is complete, so followers know to stop. */
export function containerLogDonePath(
  home: string,
  namespace: string,
  podName: string,
  container: string,
): string {
  return path.join(podLogDir(home, namespace, podName), `${container}.done`);
}

/** Where the host runtime journals the pods it runs (see host/run-journal.ts). */
export function journalsDir(home: string): string {
  return path.join(home, 'host', 'runs');
}
