// Artifact garbage collection, as upstream's controller does it: a workflow whose artifacts have a
// GC strategy carries the finalizer workflows.argoproj.io/artifact-gc; once it completes, artifacts
// of strategy OnWorkflowCompletion are deleted, and when it is deleted, those of OnWorkflowDeletion.
// Each deleted artifact is marked `deleted: true` in its node, each strategy done is recorded in
// status.artifactGCStatus, and the finalizer goes once nothing is left to collect. Upstream runs a
// GC pod per strategy; here the controller deletes from the repositories itself.
import { locateArtifact, localArtifactRoot, Repositories, storeSecrets } from '../artifacts/index.js';
import type { Artifact } from '../model/template.js';
import type { Workflow, WorkflowSpec } from '../model/workflow.js';
import type { ResourceStore } from '../store/types.js';

export const FINALIZER_ARTIFACT_GC = 'workflows.argoproj.io/artifact-gc';

export type GCStrategy = 'OnWorkflowCompletion' | 'OnWorkflowDeletion' | 'Never' | '';

function execSpec(wf: Workflow): WorkflowSpec {
  return wf.status?.storedWorkflowTemplateSpec ?? wf.spec;
}

/** An artifact's own strategy, else the workflow's (GetArtifactGCStrategy upstream). */
export function strategyOf(wf: Workflow, art: Artifact): GCStrategy {
  return (art.artifactGC?.strategy || execSpec(wf).artifactGC?.strategy || '') as GCStrategy;
}

/** Whether any output artifact of the workflow's templates can be collected (HasArtifactGC upstream). */
export function needsArtifactGC(wf: Workflow): boolean {
  const spec = execSpec(wf);
  const collects = (s: string | undefined): boolean =>
    s === 'OnWorkflowCompletion' || s === 'OnWorkflowDeletion';
  if (collects(spec.artifactGC?.strategy)) return true;
  return (spec.templates ?? []).some((t) =>
    (t.outputs?.artifacts ?? []).some((a) => collects(a.artifactGC?.strategy)),
  );
}

export interface ArtifactGCOptions {
  store: ResourceStore;
  /** The argo home whose embedded repository holds local artifacts; without it those are left. */
  home?: string;
  log: (msg: string) => void;
}

/**
 * Collects what is due for a completed or deleted workflow; returns the updated workflow, or
 * undefined when there is nothing to do. Artifacts that cannot be deleted are logged and kept.
 */
export async function collectArtifacts(wf: Workflow, opts: ArtifactGCOptions): Promise<Workflow | undefined> {
  if (!wf.metadata.finalizers?.includes(FINALIZER_ARTIFACT_GC)) return undefined;
  const deleting = !!wf.metadata.deletionTimestamp;
  const completed = wf.metadata.labels?.['workflows.argoproj.io/completed'] === 'true';
  if (!deleting && !completed) return undefined;
  const due: GCStrategy[] = deleting
    ? ['OnWorkflowCompletion', 'OnWorkflowDeletion']
    : ['OnWorkflowCompletion'];
  const out = structuredClone(wf);
  const status = (out.status ??= {});
  const gcStatus = (status.artifactGCStatus ??= {});
  const processed = (gcStatus.strategiesProcessed ??= {});
  const repos = new Repositories({
    localRoot: opts.home ? localArtifactRoot(opts.home) : '',
    secret: (name, key) => storeSecrets(opts.store)(wf.metadata.namespace ?? '', name, key),
  });
  let failed = false;
  for (const strategy of due) {
    if (processed[strategy]) continue;
    for (const node of Object.values(status.nodes ?? {})) {
      for (const art of node.outputs?.artifacts ?? []) {
        if (art.deleted || strategyOf(out, art) !== strategy) continue;
        try {
          const located = locateArtifact(out, node.id, art);
          const { repository, key } = await repos.open(located, art.name);
          if (repository.description.startsWith('local directory ') && !opts.home)
            throw new Error('no argo home to find the embedded repository in');
          await repository.delete(key);
          art.deleted = true;
        } catch (err) {
          failed = true;
          opts.log(
            `artifact GC: ${wf.metadata.namespace ?? ''}/${wf.metadata.name ?? ''} ${art.name}: ${(err as Error).message}`,
          );
        }
      }
    }
    if (!failed) processed[strategy] = true;
  }
  const pending = ['OnWorkflowCompletion', 'OnWorkflowDeletion'].some(
    (s) => !processed[s] && anyArtifactWith(out, s as GCStrategy),
  );
  // A workflow being deleted waits for its artifacts unless forceFinalizerRemoval lets it go.
  if (!pending || (deleting && execSpec(out).artifactGC?.forceFinalizerRemoval)) {
    out.metadata.finalizers = (out.metadata.finalizers ?? []).filter((f) => f !== FINALIZER_ARTIFACT_GC);
  }
  return JSON.stringify(out) === JSON.stringify(wf) ? undefined : out;
}

function anyArtifactWith(wf: Workflow, strategy: GCStrategy): boolean {
  return Object.values(wf.status?.nodes ?? {}).some((n) =>
    (n.outputs?.artifacts ?? []).some((a) => !a.deleted && strategyOf(wf, a) === strategy),
  );
}
