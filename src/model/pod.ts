// The subset of a Kubernetes Pod the controller creates and watches. On the local backend the
// host runtime plays the kubelet for these pods; on Kubernetes they are real pods.
import type { Container, KubeObject, Volume } from './meta.js';

export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';

export interface ContainerStateTerminated {
  exitCode: number;
  signal?: number;
  reason?: string;
  message?: string;
  startedAt?: string;
  finishedAt?: string;
}

export interface ContainerStatus {
  name: string;
  ready?: boolean;
  restartCount?: number;
  image?: string;
  state?: {
    waiting?: { reason?: string; message?: string };
    running?: { startedAt?: string };
    terminated?: ContainerStateTerminated;
  };
}

export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  volumes?: Volume[];
  restartPolicy?: string;
  activeDeadlineSeconds?: number;
  serviceAccountName?: string;
  nodeName?: string;
  nodeSelector?: Record<string, string>;
  hostAliases?: { ip: string; hostnames?: string[] }[];
  [other: string]: unknown;
}

export interface PodStatus {
  phase?: PodPhase;
  message?: string;
  reason?: string;
  podIP?: string;
  hostIP?: string;
  startTime?: string;
  containerStatuses?: ContainerStatus[];
  initContainerStatuses?: ContainerStatus[];
}

export interface Pod extends KubeObject {
  spec: PodSpec;
  status?: PodStatus;
}
