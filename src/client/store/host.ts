// The seam between the ArgoClient over a ResourceStore (StoreClient) and where that store lives.
// The commands are the same whichever store it is; what differs is who runs the workflows, who
// removes what a deleted object owned, and where pod logs and artifacts are read from. On this
// machine (the local backend) the CLI does all of that itself; against a cluster, the workflow
// controller and Kubernetes do it, and logs come from the API server.
import type { ArtifactReadRequest, ArtifactReadResult } from '../../artifacts/reader.js';
import type { LogLine, ReadPodLogsOptions } from '../../executor/logs.js';
import type { CronWorkflow, Workflow } from '../../model/workflow.js';
import type { WorkflowArchive } from '../../persist/archive-api.js';
import type { WorkflowHydrator } from '../../persist/hydrator.js';
import type { SyncDatabase } from '../../persist/sync-database.js';
import type { BackendName } from '../types.js';

export type { LogLine };

export interface PodLogReadOptions extends ReadPodLogsOptions {
  /** The log of the container's previous run (a restarted container). */
  previous?: boolean;
}

export interface ClientHost {
  readonly backend: Exclude<BackendName, 'http'>;
  /** Makes sure some controller will run the workflows in the store. */
  ensureController(): Promise<void>;
  /**
   * After a workflow was deleted: removes what it owned (pods, task results, claims), which
   * Kubernetes' garbage collector removes in a cluster.
   */
  collectWorkflow(deleted: Workflow): Promise<void>;
  /** After a cron workflow was deleted: removes the workflows it owned, likewise. */
  collectCronWorkflow(namespace: string, cron: CronWorkflow): Promise<void>;
  /** Deletes a pod that a retry replaces. */
  deletePod(namespace: string, podName: string): Promise<void>;
  /** One container's log lines, each with its time. */
  podLogs(
    namespace: string,
    podName: string,
    container: string,
    opts: PodLogReadOptions,
  ): AsyncIterable<LogLine>;
  /** A node's artifact, or undefined when there is no such artifact. */
  openArtifact(req: ArtifactReadRequest): Promise<ArtifactReadResult | undefined>;
  /** The workflow archive this backend reads directly (the local backend's SQLite); absent: none. */
  archive?(): Promise<WorkflowArchive>;
  /**
   * The archive whose records a workflow list shows beside the live workflows, as the Argo Server
   * lists them; undefined when there is none (a read never makes one).
   */
  archiveToList?(): Promise<WorkflowArchive | undefined>;
  /** What reads nodes this backend's controller offloaded (node-status offload); absent: only compressed nodes are read. */
  hydrator?(): Promise<WorkflowHydrator>;
  /** The synchronization database this backend reaches directly (database semaphore limits); absent: none. */
  syncDatabase?(): Promise<SyncDatabase>;
  /** Lets go of what ensureController started; the store is closed after. */
  close(): Promise<void>;
}
