// The kube backend's side of the store client. In a cluster the workflow controller runs the
// workflows and Kubernetes' garbage collector removes what deleted objects owned (their
// ownerReferences), so the CLI only reads and writes resources, as upstream's CLI does in
// Kubernetes API mode. Logs come from the pods/log API.
import { setTimeout as delay } from 'node:timers/promises';
import type { ArtifactReadRequest, ArtifactReadResult } from '../../artifacts/reader.js';
import { lineFilter, type LogLine } from '../../executor/logs.js';
import type { Pod } from '../../model/pod.js';
import type { KubeStore, readPodLog } from '../../store/kube/index.js';
import { InvalidError, NotFoundError } from '../../store/types.js';
import type { WorkflowArchive } from '../../persist/archive-api.js';
import type { WorkflowHydrator } from '../../persist/hydrator.js';
import type { ClientHost, PodLogReadOptions } from '../store/host.js';
import { ArgoError } from '../types.js';

/** How long a followed log waits for its pod to appear before giving up on it (it may be gone for good). */
const POD_APPEAR_MS = 5000;
/** How often a followed log asks again for a container that has not started. */
const RETRY_MS = 1000;

export class KubeHost implements ClientHost {
  readonly backend = 'kube' as const;
  /** Set for the Argo Server with persistence configured: the CLI has no way to the database. */
  readonly archive?: () => Promise<WorkflowArchive>;
  readonly hydrator?: () => Promise<WorkflowHydrator>;

  /**
   * readPodLog is handed in so that this module loads no Kubernetes client code of its own.
   * `persistence`: the archive and offloaded nodes an Argo Server on the cluster reads (its
   * controller configuration's database), so gets fall back to the archive and reads hydrate.
   */
  constructor(
    private readonly store: KubeStore,
    private readonly readLog: typeof readPodLog,
    persistence?: { archive: WorkflowArchive; hydrator: WorkflowHydrator },
  ) {
    if (persistence) {
      this.archive = async () => persistence.archive;
      this.hydrator = async () => persistence.hydrator;
    }
  }

  async ensureController(): Promise<void> {
    // The cluster's workflow controller runs what is submitted; nothing to start here.
  }

  async collectWorkflow(): Promise<void> {
    // Kubernetes removes the pods, task results and claims the workflow owned.
  }

  async collectCronWorkflow(): Promise<void> {
    // Kubernetes removes the workflows the cron workflow owned.
  }

  async deletePod(namespace: string, podName: string): Promise<void> {
    await this.store.delete('Pod', namespace, podName).catch((err: unknown) => {
      if (!(err instanceof NotFoundError)) throw err;
    });
  }

  async *podLogs(
    namespace: string,
    podName: string,
    container: string,
    opts: PodLogReadOptions,
  ): AsyncGenerator<LogLine> {
    // Lines always come with their times: they order lines of several pods, and are shown only if asked.
    const filter = lineFilter(opts);
    const signal = opts.signal;
    const started = Date.now();
    while (!signal?.aborted) {
      let read = false;
      try {
        for await (const raw of this.readLog(this.store, namespace, podName, {
          container,
          follow: opts.follow,
          previous: opts.previous,
          sinceSeconds: opts.sinceSeconds,
          sinceTime: opts.sinceTime,
          tailLines: opts.tailLines,
          timestamps: true,
          signal,
        })) {
          read = true;
          const line = filter(raw);
          if (line) yield { time: sortableTime(line.time), content: line.content };
        }
        return;
      } catch (err) {
        if (signal?.aborted) return;
        if (read) throw err;
        const next = await this.noLogYet(err, namespace, podName, container);
        if (next === 'done' || !opts.follow) return;
        if (next === 'missing' && Date.now() - started > POD_APPEAR_MS) return;
        await delay(RETRY_MS, undefined, { signal }).catch(() => undefined);
      }
    }
  }

  /**
   * Why the API had no log to give: the pod is missing (not created yet, or collected), its
   * container has not started yet, or it never will ('done'). Any other refusal is rethrown.
   */
  private async noLogYet(
    err: unknown,
    namespace: string,
    podName: string,
    container: string,
  ): Promise<'missing' | 'waiting' | 'done'> {
    if (err instanceof NotFoundError) return 'missing';
    if (!(err instanceof InvalidError)) throw err;
    const pod = await this.store.get<Pod>('Pod', namespace, podName);
    if (!pod) return 'missing';
    const state = pod.status?.containerStatuses?.find((c) => c.name === container)?.state;
    // The container ran, so the refusal was about the request itself.
    if (state?.running || state?.terminated) throw err;
    const phase = pod.status?.phase;
    return phase === 'Succeeded' || phase === 'Failed' ? 'done' : 'waiting';
  }

  async openArtifact(req: ArtifactReadRequest): Promise<ArtifactReadResult | undefined> {
    // Loaded here: the reader brings the artifact repositories' configuration (and a YAML parser),
    // which every other command of the kube backend (`argo list`) would load for nothing.
    const [{ findNodeArtifact, locateArtifact, storeSecrets, WorkflowArtifactReader }, { isLocalLocation }] =
      await Promise.all([import('../../artifacts/reader.js'), import('../../artifacts/location.js')]);
    const art = findNodeArtifact(req.workflow, req.nodeId, req.artifactName, req.direction);
    if (art && isLocalLocation(locateArtifact(req.workflow, req.nodeId, art))) {
      throw new ArgoError(
        `artifact "${req.artifactName}" is in the artifact repository of the machine that ran the workflow, which the Kubernetes API does not serve; read it through the Argo Server (--argo-server or ARGO_SERVER)`,
        501,
      );
    }
    // Repositories such as S3 are read directly, with the credentials their Secrets in the cluster hold.
    return new WorkflowArtifactReader({ home: '', secret: storeSecrets(this.store) }).open(req);
  }

  async close(): Promise<void> {
    // The store's watches and connections close with the store.
  }
}

/**
 * The API trims trailing zeros off the nanoseconds (RFC3339Nano); nine fixed digits let times of
 * different pods sort as text, as the log files' times do.
 */
function sortableTime(time: string): string {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?Z$/.exec(time);
  return m ? `${m[1]}.${(m[2] ?? '').padEnd(9, '0').slice(0, 9)}Z` : time;
}
